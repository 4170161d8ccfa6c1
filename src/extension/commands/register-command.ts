// The one way a Tessera command is registered: the handler runs, and whatever it throws is shown
// the standard way (services.showError: the provider's message with "Show Log"; "Sign In" for an
// ended session; "Restart Provider" for an embedded provider that is down; "Retry" (the command
// again, same arguments) for a provider that is down, unreachable or busy; nothing when the
// person cancelled). The command answers the handler's result, or undefined after an error. A
// command's last step run through keepAnswers is what Retry (and Sign In) run again, answers kept.
import * as vscode from 'vscode';
import type { TesseraServices } from '../services';

type CommandHandler = (...args: unknown[]) => unknown;

/** "tessera.cloneRepository" → "Tessera: cloneRepository" (the context of an error without a title). */
function defaultTitle(id: string): string {
  return id.replace(/^tessera\./, 'Tessera: ');
}

/** The last step of a command that failed, with the person's answers in it (keepAnswers). */
const lastSteps = new WeakMap<object, () => Promise<unknown>>();

/**
 * Runs `step`, a command's last step that holds the person's answers (the expiry picked, a date
 * typed). When it fails, the error display's Retry runs `step` again instead of the whole command,
 * and so does its Sign In once signed in: nothing answered is asked again (nor lost). Not through
 * the command's arguments: no other caller passes answers the person did not give.
 */
export async function keepAnswers<T>(step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (err) {
    if (err !== null && typeof err === 'object' && !lastSteps.has(err)) lastSteps.set(err, step);
    throw err;
  }
}

export function registerCommand(
  services: Pick<TesseraServices, 'showError'>,
  id: string,
  handler: CommandHandler,
  title = defaultTitle(id),
): vscode.Disposable {
  const run = async (fn: () => unknown, args: readonly unknown[]): Promise<unknown> => {
    try {
      return await fn();
    } catch (err) {
      const step = err !== null && typeof err === 'object' ? lastSteps.get(err) : undefined;
      if (step) {
        // The answers are kept: Retry, and Sign In once signed in, run the last step again.
        await services.showError(err, title, () => void run(step, args), { afterSignIn: true });
        return undefined;
      }
      // "Retry" (for a provider that is down or busy) runs the command again with the same arguments.
      await services.showError(err, title, () => void vscode.commands.executeCommand(id, ...args));
      return undefined;
    }
  };
  return vscode.commands.registerCommand(id, (...args: unknown[]) => run(() => handler(...args), args));
}
