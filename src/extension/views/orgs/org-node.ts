// An organization in the Organizations view: one per (account, org) the account is an active member
// of. Owners open its settings (the token policy) with a click; expanding lists members and, for
// owners, pending invitations.
import * as vscode from 'vscode';
import type { OrgRef } from '../org-view-model';

export class OrgNode extends vscode.TreeItem {
  constructor(readonly ref: OrgRef, accountLogin: string, showAccount: boolean) {
    super(ref.org, vscode.TreeItemCollapsibleState.Collapsed);
    this.id = `org:${ref.accountId}:${ref.org}`;
    const role = ref.role === 'admin' ? 'owner' : 'member';
    this.description = showAccount ? `${role} · ${accountLogin}` : role;
    this.iconPath = new vscode.ThemeIcon('organization');
    this.contextValue = `org;role=${ref.role}`;
    this.tooltip = new vscode.MarkdownString(
      `**${ref.org}**\n\n${accountLogin} is ${ref.role === 'admin' ? 'an owner' : 'a member'}${ref.role === 'admin' ? '\n\nClick to open its settings (token policy).' : ''}`,
    );
    if (ref.role === 'admin') {
      this.command = { command: 'tessera.openOrgSettings', title: 'Open Organization Settings', arguments: [this] };
    }
  }

  get accountId(): string {
    return this.ref.accountId;
  }

  get org(): string {
    return this.ref.org;
  }

  get isOwner(): boolean {
    return this.ref.role === 'admin';
  }
}
