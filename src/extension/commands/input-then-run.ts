// Ask for a text, then act on it; when the provider refuses the text or cannot be reached, the box
// comes back with what the person typed and what went wrong, so nothing typed is lost. A refusal
// (validation, not found, forbidden) must be fixed before Enter; a provider that is down, a network
// failure or a busy provider (5xx) is a warning, so Enter on the same text tries again. Escape stops
// quietly (undefined). Other errors (signed out, cancelled, …) go to the command's error display.
import * as vscode from 'vscode';
import { TesseraError, type ProblemKind } from '../services';

const FIX_IT: ReadonlySet<ProblemKind> = new Set<ProblemKind>(['validation', 'not-found', 'forbidden']);
const TRY_AGAIN: ReadonlySet<ProblemKind> = new Set<ProblemKind>(['provider-down', 'network', 'server', 'locked']);

/**
 * Shows `options` and runs `run` with the text entered; on a failure of the kinds above, asks again
 * (the text kept, the reason shown under it). Resolves with `run`'s result, or undefined on Escape.
 */
export async function inputThenRun<T>(options: vscode.InputBoxOptions, run: (value: string) => Promise<T>): Promise<T | undefined> {
  let value = options.value;
  let failure: { text: string; message: string; severity: vscode.InputBoxValidationSeverity } | undefined;
  for (;;) {
    const last = failure;
    const typed = await vscode.window.showInputBox({
      ...options,
      ...(value !== undefined ? { value } : {}),
      validateInput: (v) => (last && v === last.text ? { message: last.message, severity: last.severity } : options.validateInput?.(v)),
    });
    if (typed === undefined) return undefined;
    try {
      return await run(typed);
    } catch (err) {
      if (!(err instanceof TesseraError) || !(FIX_IT.has(err.kind) || TRY_AGAIN.has(err.kind))) throw err;
      value = typed;
      failure = {
        text: typed,
        message: TRY_AGAIN.has(err.kind) ? `${err.message} Press Enter to try again.` : err.message,
        severity: TRY_AGAIN.has(err.kind) ? vscode.InputBoxValidationSeverity.Warning : vscode.InputBoxValidationSeverity.Error,
      };
    }
  }
}
