// The one way a Tessera command is registered: the handler runs, and whatever it throws is shown
// the standard way (services.showError: the provider's message with "Show Log"; "Sign In" for an
// ended session; "Restart Provider" for an embedded provider that is down; "Retry" (the command
// again, same arguments) for a provider that is down, unreachable or busy; nothing when the
// person cancelled). The command answers the handler's result, or undefined after an error.
import * as vscode from 'vscode';
import type { TesseraServices } from '../services';

type CommandHandler = (...args: unknown[]) => unknown;

/** "tessera.cloneRepository" → "Tessera: cloneRepository" (the context of an error without a title). */
function defaultTitle(id: string): string {
  return id.replace(/^tessera\./, 'Tessera: ');
}

export function registerCommand(
  services: Pick<TesseraServices, 'showError'>,
  id: string,
  handler: CommandHandler,
  title = defaultTitle(id),
): vscode.Disposable {
  return vscode.commands.registerCommand(id, async (...args: unknown[]) => {
    try {
      return await handler(...args);
    } catch (err) {
      // "Retry" (for a provider that is down or busy) runs the command again with the same arguments.
      await services.showError(err, title, () => void vscode.commands.executeCommand(id, ...args));
      return undefined;
    }
  });
}
