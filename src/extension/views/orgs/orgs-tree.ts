// The Organizations view: every signed-in account's organizations (owner or member) with their
// members and, for owners, pending invitations; and the account's own invitations to accept.
// Loads lazily; follows OrgViewModel (orgs loaded or invalidated) and refresh().
import * as vscode from 'vscode';
import type { OrgInvitationJson, SimpleUserJson } from '../../../shared/api-types';
import { accountApi, allPages } from '../../api/provider-api';
import type { TesseraServices } from '../../services';
import type { OrgViewModel } from '../org-view-model';
import { LOAD_TIMEOUT_MS } from '../token-view-model';
import { ProblemItem, problemItemFor, providerDownItem, withTimeout } from '../view-errors';
import { InvitationNode } from './invitation-node';
import { InvitationsNode } from './invitations-node';
import { MemberNode } from './member-node';
import { MyInvitationNode } from './my-invitation-node';
import { OrgNode } from './org-node';

type OrgsElement = OrgNode | MemberNode | InvitationsNode | InvitationNode | MyInvitationNode | ProblemItem;

const REFRESH = 'tessera.refreshOrganizations';
const MAX_PAGES = 20;

export class OrganizationsTreeProvider implements vscode.TreeDataProvider<OrgsElement>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<OrgsElement | undefined | void>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [this.changed];

  constructor(
    private readonly services: TesseraServices,
    private readonly orgs: OrgViewModel,
  ) {
    this.disposables.push(orgs.onDidChange(() => this.refresh()));
  }

  refresh(): void {
    this.changed.fire();
  }

  getTreeItem(e: OrgsElement): vscode.TreeItem {
    return e;
  }

  async getChildren(e?: OrgsElement): Promise<OrgsElement[]> {
    if (!e) return this.roots();
    if (e instanceof OrgNode) return this.orgChildren(e);
    if (e instanceof InvitationsNode) return e.invitations.map((i) => new InvitationNode(e.accountId, e.org, i));
    return [];
  }

  private async roots(): Promise<OrgsElement[]> {
    const accounts = this.services.accounts();
    if (!accounts.length) return []; // viewsWelcome
    if (!this.services.providerState().up) return [providerDownItem(this.services, REFRESH)];
    const out: OrgsElement[] = [];
    const showAccount = accounts.length > 1;
    for (const a of accounts) {
      try {
        for (const inv of await this.orgs.invitations(a.id)) out.push(new MyInvitationNode(inv, a.login));
        for (const o of await this.orgs.orgs(a.id)) out.push(new OrgNode(o, a.login, showAccount));
      } catch (err) {
        out.push(problemItemFor(err, this.services, REFRESH));
      }
    }
    return out; // empty: the viewsWelcome offers Create Organization
  }

  private async orgChildren(node: OrgNode): Promise<OrgsElement[]> {
    const api = accountApi(this.services, node.accountId);
    const self = this.services.accounts().find((a) => a.id === node.accountId)?.login;
    try {
      const [all, owners, invitations] = await withTimeout(
        Promise.all([
          allPages<SimpleUserJson>((p) => api.orgMembers(node.org, 'all', p), MAX_PAGES),
          allPages<SimpleUserJson>((p) => api.orgMembers(node.org, 'admin', p), MAX_PAGES),
          node.isOwner ? allPages<OrgInvitationJson>((p) => api.orgInvitations(node.org, p), MAX_PAGES) : Promise.resolve([]),
        ]),
        LOAD_TIMEOUT_MS,
        this.services,
      );
      const ownerLogins = new Set(owners.map((u) => u.login));
      const members = all
        .map((u) => new MemberNode(node.accountId, node.org, u.login, ownerLogins.has(u.login) ? 'admin' : 'member', u.login === self, node.isOwner))
        .sort((a, b) => (a.role === b.role ? a.login.localeCompare(b.login) : a.role === 'admin' ? -1 : 1));
      return [...members, ...(invitations.length ? [new InvitationsNode(node.accountId, node.org, invitations)] : [])];
    } catch (err) {
      return [problemItemFor(err, this.services, REFRESH)];
    }
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
