// An invitation for the account itself (a pending membership): accept or decline it from the
// item's actions; a click accepts after asking.
import * as vscode from 'vscode';
import type { OrgRef } from '../org-view-model';

export class MyInvitationNode extends vscode.TreeItem {
  constructor(readonly ref: OrgRef, accountLogin: string) {
    super(ref.org, vscode.TreeItemCollapsibleState.None);
    this.id = `org:${ref.accountId}:${ref.org}:my-invitation`;
    const role = ref.role === 'admin' ? 'owner' : 'member';
    this.description = `invitation for ${accountLogin} (as ${role}) — Accept…`;
    this.iconPath = new vscode.ThemeIcon('mail', new vscode.ThemeColor('notificationsInfoIcon.foreground'));
    this.contextValue = 'myOrgInvitation';
    this.tooltip = `${accountLogin} is invited to join ${ref.org} as ${role}. Click to accept or decline.`;
    this.command = { command: 'tessera.acceptOrgInvitation', title: 'Accept Invitation', arguments: [this] };
  }

  get accountId(): string {
    return this.ref.accountId;
  }

  get org(): string {
    return this.ref.org;
  }
}
