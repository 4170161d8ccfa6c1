// "Pending invitations" under an organization an account owns: the users invited who have not
// accepted yet (children: InvitationNode).
import * as vscode from 'vscode';
import type { OrgInvitationJson } from '../../../shared/api-types';

export class InvitationsNode extends vscode.TreeItem {
  constructor(
    readonly accountId: string,
    readonly org: string,
    readonly invitations: readonly OrgInvitationJson[],
  ) {
    super('Pending invitations', vscode.TreeItemCollapsibleState.Expanded);
    this.id = `org:${accountId}:${org}:invitations`;
    this.description = String(invitations.length);
    this.iconPath = new vscode.ThemeIcon('mail');
    this.contextValue = 'orgInvitations';
  }
}
