// What a page's Copy button may put on the clipboard: the secrets the extension gave that page to
// show (a new token, a two-factor setup key, recovery codes), under the extension's own words for
// them. A page's script is ours, but what it posts is still input: any other text (a command for
// the person to paste into a terminal) is refused, naming the field, and the clipboard is left as
// it was; the page's own label is not used (the status bar would show it, icons included).
import type { CallParams } from './call-params';
import { copyToClipboard } from './webview-host';

export class CopyableTexts {
  /** Each text given to the page, with what it is ('the token'). */
  private readonly given = new Map<string, string>();

  /** The page is given `text` to show, as `what`; returns `text`. */
  give(text: string, what: string): string {
    this.given.set(text, what);
    return text;
  }

  /** The `copy` call: `{ text }`, one of the texts given to the page. */
  async copy(p: CallParams): Promise<void> {
    const text = p.oneOf('text', this.given, 'a secret this page shows');
    await copyToClipboard(text, this.given.get(text));
  }
}
