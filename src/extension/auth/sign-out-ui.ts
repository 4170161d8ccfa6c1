// Signing out with feedback: the one path behind Tessera: Sign Out, the Accounts view's action and
// VS Code's Accounts menu (removing the account's sign-in session). Deletes the account's tokens of
// this editor on the provider when it can, forgets every secret, and says what happened.
import * as vscode from 'vscode';
import type { CoreServices } from '../core-services';
import { signOut } from './sign-in-core';

/** Signs the account out; false when it was not signed in. */
export async function signOutAndTell(core: CoreServices, accountId: string): Promise<boolean> {
  const r = await signOut(core.client, core.store, accountId, core.log);
  if (!r) return false;
  core.fireTokensChanged();
  if (r.deletedOnProvider) {
    // A sign-in that had ended on the provider left nothing there to delete: said, not warned about.
    void vscode.window.showInformationMessage(`Signed out of Tessera (${r.login}).${r.endedBefore ? ' Its sign-in had already ended on the provider.' : ''}`);
  } else {
    void vscode.window
      .showWarningMessage(`Signed out of Tessera (${r.login}) in VS Code, but its tokens could not be deleted on the provider: ${r.problem}`, 'Show Log')
      .then((c) => c && core.log.show(true));
  }
  return true;
}
