// A user invited to an organization who has not accepted yet (under "Pending invitations"); the
// owner may cancel the invitation.
import * as vscode from 'vscode';
import type { OrgInvitationJson } from '../../../shared/api-types';

export class InvitationNode extends vscode.TreeItem {
  readonly login: string;

  constructor(
    readonly accountId: string,
    readonly org: string,
    readonly invitation: OrgInvitationJson,
  ) {
    super(invitation.login, vscode.TreeItemCollapsibleState.None);
    this.login = invitation.login;
    this.id = `org:${accountId}:${org}:invitation:${invitation.login}`;
    const role = invitation.role === 'admin' ? 'owner' : 'member';
    this.description = `invited as ${role}${invitation.inviter ? ` by ${invitation.inviter.login}` : ''}`;
    this.iconPath = new vscode.ThemeIcon('mail');
    this.contextValue = 'orgInvitee';
    this.tooltip = `${invitation.login} was invited to ${org} as ${role} on ${invitation.created_at.slice(0, 10)}; the invitation waits for them to accept.`;
  }
}
