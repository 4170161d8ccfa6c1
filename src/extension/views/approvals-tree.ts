// The Approvals view (org owners only): pending fine-grained token requests for every org the
// signed-in accounts own, with requester, repositories, permissions and justification. Multi-
// select for approving or denying many at once; the view's badge counts the pending requests.
import * as vscode from 'vscode';
import type { TesseraServices } from '../services';
import type { RepositoryJson, TokenRequestJson } from '../../shared/api-types';
import { accountApi } from '../api/provider-api';
import type { OrgRef, OrgViewModel } from './org-view-model';
import { ProblemItem, problemItemFor, providerDownItem, withTimeout } from './view-errors';
import { LOAD_TIMEOUT_MS } from './token-view-model';
import { expiryText, formatDate, permissionEntries, permissionTitle } from '../../shared/token-text';

export class OrgNode extends vscode.TreeItem {
  constructor(readonly ref: OrgRef, readonly requests: readonly RequestNode[] | undefined, readonly showAccount: boolean, login: string) {
    super(ref.org, vscode.TreeItemCollapsibleState.Expanded);
    this.id = `approvals-org:${ref.accountId}:${ref.org}`;
    const n = requests?.length ?? 0;
    this.description = `${n} pending${showAccount ? ` · as ${login}` : ''}`;
    this.tooltip = `${ref.org}: ${n} pending token request${n === 1 ? '' : 's'}${showAccount ? `, reviewed as ${login}` : ''}`;
    this.iconPath = new vscode.ThemeIcon('organization');
    this.contextValue = 'approvalOrg';
  }
}

export class RequestNode extends vscode.TreeItem {
  constructor(
    readonly accountId: string,
    readonly org: string,
    readonly request: TokenRequestJson,
    readonly repositories: readonly RepositoryJson[] | undefined,
  ) {
    super(`${request.owner.login}: ${request.token_name}`, vscode.TreeItemCollapsibleState.Collapsed);
    const r = request;
    this.id = `request:${accountId}:${org}:${r.id}`;
    this.description = `${repoSummary(r, repositories)} · ${requestPermissionSummary(r)}`;
    this.iconPath = new vscode.ThemeIcon('git-pull-request-draft');
    this.contextValue = 'approvalRequest';
    const md = new vscode.MarkdownString();
    md.appendMarkdown(`**${esc(r.owner.login)}** requests access to **${esc(org)}** with the token “${esc(r.token_name)}”\n\n`);
    md.appendMarkdown(`Repositories: ${esc(repoSummary(r, repositories, true))}\n\n`);
    md.appendMarkdown(`Permissions: ${esc(requestPermissionSummary(r))}\n\n`);
    md.appendMarkdown(`Justification: ${r.reason ? esc(r.reason) : '_none given_'}\n\n`);
    md.appendMarkdown(`Token ${esc(expiryText({ expires_at: r.token_expires_at, status: r.token_expired ? 'expired' : 'active' }, Date.now()))} · requested ${esc(formatDate(r.created_at))}`);
    this.tooltip = md;
  }
}

class RequestDetailNode extends vscode.TreeItem {
  constructor(parent: RequestNode, key: string, label: string, description: string, icon: string) {
    super(label, vscode.TreeItemCollapsibleState.None);
    this.id = `${parent.id}:${key}`;
    this.description = description;
    this.tooltip = `${label}: ${description}`;
    this.iconPath = new vscode.ThemeIcon(icon);
    this.contextValue = 'approvalRequestDetail';
  }
}

function esc(s: string): string {
  return s.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}

function repoSummary(r: TokenRequestJson, repos: readonly RepositoryJson[] | undefined, full = false): string {
  if (r.repository_selection === 'all') return 'all repositories';
  if (r.repository_selection === 'none') return 'no repositories (public read only)';
  if (repos && repos.length) {
    const names = repos.map((x) => x.name);
    if (full || names.length <= 3) return names.join(', ');
    return `${names.slice(0, 3).join(', ')} +${names.length - 3}`;
  }
  return 'selected repositories';
}

function requestPermissionSummary(r: TokenRequestJson): string {
  const rows = permissionEntries(r.permissions).filter(
    (p) => !(p.group === 'repository' && p.name === 'metadata'),
  );
  if (!rows.length) return 'metadata: read';
  return rows.map((p) => `${permissionTitle(p.group, p.name)}: ${p.level}`).join(', ');
}

type ApprovalsElement = OrgNode | RequestNode | RequestDetailNode | ProblemItem;

export class ApprovalsTreeProvider implements vscode.TreeDataProvider<ApprovalsElement>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ApprovalsElement | undefined | void>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly counted = new vscode.EventEmitter<number>();
  /** Fires with the number of pending requests after each load. */
  readonly onDidCount = this.counted.event;
  private current: RequestNode[] = [];
  /** What the tree shows (its root elements' contents); undefined until it has rendered. */
  private shownKey: string | undefined;
  /** Roots loaded by refresh() for the re-render it asked for. */
  private loadedRoots: ApprovalsElement[] | undefined;
  private generation = 0;

  constructor(
    private readonly services: TesseraServices,
    private readonly orgs: OrgViewModel,
  ) {}

  /**
   * Loads the requests again and re-renders the tree only if they differ from what it shows: a
   * re-render drops the workbench's handles of the tree's items until it has fetched them again,
   * and a context-menu command run in that moment would get no item.
   */
  refresh(): void {
    const gen = ++this.generation;
    this.loadedRoots = undefined;
    if (this.shownKey === undefined) {
      this.changed.fire();
      return;
    }
    this.roots().then(
      (roots) => {
        if (gen !== this.generation || rootsKey(roots) === this.shownKey) return;
        this.loadedRoots = roots;
        this.shownKey = undefined;
        this.changed.fire();
      },
      () => {
        if (gen !== this.generation) return;
        this.shownKey = undefined;
        this.changed.fire();
      },
    );
  }

  /** Loads the pending requests (the badge, the palette's pickers) without touching the tree. */
  async loadRequests(): Promise<void> {
    await this.roots();
  }

  /** The requests of the last render (for the palette's pickers). */
  loadedRequests(): readonly RequestNode[] {
    return this.current;
  }

  getTreeItem(e: ApprovalsElement): vscode.TreeItem {
    return e;
  }

  async getChildren(e?: ApprovalsElement): Promise<ApprovalsElement[]> {
    if (!e) {
      const roots = this.loadedRoots ?? (await this.roots());
      this.loadedRoots = undefined;
      this.shownKey = rootsKey(roots);
      return roots;
    }
    if (e instanceof OrgNode) {
      if (e.requests && e.requests.length) return [...e.requests];
      return [new ProblemItem('No pending requests', 'check', undefined, `Nobody is waiting for access to ${e.ref.org}.`)];
    }
    if (e instanceof RequestNode) return requestDetails(e);
    return [];
  }

  private async roots(): Promise<ApprovalsElement[]> {
    const accounts = this.services.accounts();
    const current: RequestNode[] = [];
    this.current = current;
    if (!accounts.length) {
      this.counted.fire(0);
      return []; // welcome text
    }
    if (!this.services.providerState().up) {
      this.counted.fire(0);
      return [providerDownItem(this.services, 'tessera.refreshApprovals')];
    }
    const out: ApprovalsElement[] = [];
    const problems: ApprovalsElement[] = [];
    const showAccount = accounts.length > 1;
    for (const a of accounts) {
      let owned: readonly OrgRef[];
      try {
        owned = await this.orgs.ownedOrgs(a.id);
      } catch (err) {
        problems.push(problemItemFor(err, this.services, 'tessera.refreshApprovals'));
        continue;
      }
      const loaded = await Promise.all(owned.map((ref) => this.loadOrg(ref).then(
        (reqs) => ({ ref, reqs, err: undefined as unknown }),
        (err: unknown) => ({ ref, reqs: undefined, err }),
      )));
      for (const { ref, reqs, err } of loaded) {
        if (err !== undefined) {
          problems.push(problemItemFor(err, this.services, 'tessera.refreshApprovals'));
          continue;
        }
        current.push(...reqs!);
        out.push(new OrgNode(ref, reqs, showAccount, a.login));
      }
    }
    this.current = current; // (the latest load wins)
    void this.orgs.updateContext();
    this.counted.fire(current.length);
    // Owning none: no item but the view's welcome text, which follows the context keys. An item
    // would stay in the hidden view and show, stale, the moment a first org makes it appear.
    return [...problems, ...out];
  }

  private async loadOrg(ref: OrgRef): Promise<RequestNode[]> {
    const api = accountApi(this.services, ref.accountId);
    const list = await withTimeout(api.tokenRequests(ref.org), LOAD_TIMEOUT_MS, this.services);
    const requests = Array.isArray(list) ? list : [];
    return Promise.all(
      requests.map(async (r) => {
        const repos =
          r.repository_selection === 'subset' ? await api.tokenRequestRepositories(ref.org, r.id).catch(() => undefined) : undefined;
        return new RequestNode(ref.accountId, ref.org, r, repos);
      }),
    );
  }

  dispose(): void {
    this.changed.dispose();
    this.counted.dispose();
  }
}

/** What a render of these roots shows: their labels and descriptions, and every request with its repositories. */
function rootsKey(roots: readonly ApprovalsElement[]): string {
  return JSON.stringify(
    roots.map((e) => [e.id, e.label, e.description, e instanceof OrgNode ? e.requests?.map((r) => [r.request, r.repositories]) : null]),
  );
}

function requestDetails(n: RequestNode): RequestDetailNode[] {
  const r = n.request;
  const out = [
    new RequestDetailNode(n, 'requester', 'Requester', r.owner.login, 'person'),
    new RequestDetailNode(n, 'repos', 'Repositories', repoSummary(r, n.repositories, true), 'repo'),
  ];
  const perms = permissionEntries(r.permissions);
  if (!perms.length) out.push(new RequestDetailNode(n, 'perm', 'Permissions', 'metadata: read', 'lock'));
  for (const p of perms) out.push(new RequestDetailNode(n, `perm:${p.group}:${p.name}`, permissionTitle(p.group, p.name), p.level, 'lock'));
  out.push(new RequestDetailNode(n, 'reason', 'Justification', r.reason || '(none given)', 'comment'));
  out.push(new RequestDetailNode(n, 'expires', 'Token', `${r.token_name} · ${expiryText({ expires_at: r.token_expires_at, status: r.token_expired ? 'expired' : 'active' }, Date.now())}`, 'key'));
  out.push(new RequestDetailNode(n, 'created', 'Requested', formatDate(r.created_at), 'calendar'));
  return out;
}
