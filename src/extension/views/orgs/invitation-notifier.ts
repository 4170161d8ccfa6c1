// Tells the user about an invitation to an organization as soon as the account's memberships load
// with one they have not been told about in this window: "Accept" accepts it, "Later" leaves it in
// the Organizations and Accounts views.
import * as vscode from 'vscode';
import type { TesseraServices } from '../../services';
import type { OrgViewModel } from '../org-view-model';

export class InvitationNotifier implements vscode.Disposable {
  private readonly told = new Set<string>();
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly services: TesseraServices,
    private readonly orgs: OrgViewModel,
    /** Accepts the invitation (the click on "Accept" is the user's choice). */
    private readonly accept: (ref: { accountId: string; org: string }) => Promise<unknown>,
  ) {
    this.subscription = orgs.onDidLoad((accountId) => void this.check(accountId));
  }

  private async check(accountId: string): Promise<void> {
    const login = this.services.accounts().find((a) => a.id === accountId)?.login;
    if (!login) return;
    for (const inv of await this.orgs.invitations(accountId).catch(() => [])) {
      const key = `${accountId}\u0000${inv.org}`;
      if (this.told.has(key)) continue;
      this.told.add(key);
      const role = inv.role === 'admin' ? 'an owner' : 'a member';
      void vscode.window.showInformationMessage(`${login} is invited to join the organization ${inv.org} as ${role}.`, 'Accept', 'Later').then((c) => {
        if (c === 'Accept') void this.accept({ accountId, org: inv.org }).catch((err: unknown) => this.services.showError(err, 'Accept invitation'));
      });
    }
  }

  dispose(): void {
    this.subscription.dispose();
  }
}
