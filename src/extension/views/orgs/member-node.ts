// A member of an organization in the Organizations view, with their role. Owners change the role
// or remove the member from the context menu; the account itself is marked "you".
import * as vscode from 'vscode';
import type { OrgRoleJson } from '../../../shared/api-types';

export class MemberNode extends vscode.TreeItem {
  constructor(
    readonly accountId: string,
    readonly org: string,
    readonly login: string,
    readonly role: OrgRoleJson,
    readonly isSelf: boolean,
    viewerIsOwner: boolean,
  ) {
    super(login, vscode.TreeItemCollapsibleState.None);
    this.id = `org:${accountId}:${org}:member:${login}`;
    const roleText = role === 'admin' ? 'owner' : 'member';
    this.description = isSelf ? `${roleText} · you` : roleText;
    this.iconPath = new vscode.ThemeIcon(role === 'admin' ? 'star-full' : 'person');
    this.contextValue = `orgMember;role=${role};viewer=${viewerIsOwner ? 'owner' : 'member'}${isSelf ? ';self' : ''}`;
    this.tooltip = `${login}: ${roleText} of ${org}`;
  }
}
