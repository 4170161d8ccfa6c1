// The sign that a Tessera prompt waits for its turn (sign-in-queue.ts): while one waits behind the
// prompt on screen, the status bar says so, so that a command that seems to do nothing (its pick
// opens once the open one ends) is not taken for a hang. Gone once none waits.
import * as vscode from 'vscode';

export const WAITING_PROMPT_MESSAGE = '$(watch) Tessera: waiting for the open prompt to finish';

export class WaitingPromptsStatus implements vscode.Disposable {
  private shown: { readonly waiting: number; readonly message: vscode.Disposable } | undefined;

  /** How many prompts and sign-ins wait now (SignInQueue's waitingChanged). */
  update(waiting: number): void {
    if (this.shown?.waiting === waiting) return;
    this.shown?.message.dispose();
    this.shown = undefined;
    if (waiting <= 0) return;
    const text = waiting === 1 ? WAITING_PROMPT_MESSAGE : `${WAITING_PROMPT_MESSAGE} (${waiting} waiting)`;
    this.shown = { waiting, message: vscode.window.setStatusBarMessage(text) };
  }

  dispose(): void {
    this.update(0);
  }
}
