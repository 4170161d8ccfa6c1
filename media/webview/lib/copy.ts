// Copying goes through the extension (vscode.env.clipboard): a failure comes back as the message
// to show next to the Copy button that asked, never swallowed.
import { call, messageOf } from './vscode-api';

/** '' when copied; otherwise what to show next to the button (never the copied text). */
export async function copyText(text: string, what: string): Promise<string> {
  try {
    await call('copy', { text, what });
    return '';
  } catch (err) {
    return `Could not copy ${what}: ${messageOf(err)}`;
  }
}
