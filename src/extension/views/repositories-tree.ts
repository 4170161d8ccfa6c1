// The Repositories view: the repositories each signed-in account owns or sees through its
// organizations (GET /user/repos), with the account as the top level when there are several.
// Loaded when the view is shown and after every change this window makes; failures show one
// clickable item (Retry / Sign In Again), never a spinner. A change made elsewhere (the live
// stream) reloads the lists first and redraws only when they differ: a redraw drops the rows the
// user is about to click (a menu command on a row that was just replaced gets no argument).
import * as vscode from 'vscode';
import type { RepositoryJson } from '../../shared/api-types';
import { listRepositories } from '../repos/repository-service';
import type { AccountInfo, TesseraServices } from '../services';
import { LOAD_TIMEOUT_MS } from './token-view-model';
import { ProblemItem, problemItemFor, providerDownItem, withTimeout } from './view-errors';

export class RepositoryAccountNode extends vscode.TreeItem {
  constructor(readonly account: AccountInfo) {
    super(account.login, vscode.TreeItemCollapsibleState.Expanded);
    this.id = `repos-account:${account.id}`;
    this.description = account.providerOrigin;
    this.tooltip = `${account.login} on ${account.providerOrigin}`;
    this.iconPath = new vscode.ThemeIcon('account');
    this.contextValue = 'repositoryAccount';
  }
}

export class RepositoryNode extends vscode.TreeItem {
  readonly owner: string;
  readonly name: string;
  /** `owner/name`: what tessera.cloneRepository takes. */
  readonly fullName: string;
  constructor(
    readonly accountId: string,
    readonly login: string,
    readonly repository: RepositoryJson,
  ) {
    super(repository.full_name, vscode.TreeItemCollapsibleState.None);
    const r = repository;
    this.owner = r.owner.login;
    this.name = r.name;
    this.fullName = r.full_name;
    this.id = `repo:${accountId}:${r.id}`;
    this.description = [r.visibility, r.description ?? ''].filter(Boolean).join(' · ');
    this.iconPath = new vscode.ThemeIcon(r.private ? 'lock' : 'repo');
    const admin = r.permissions?.admin !== false;
    this.contextValue = `repository;admin=${admin}`;
    const md = new vscode.MarkdownString();
    md.appendText(`${r.full_name} (${r.visibility})`);
    if (r.description) md.appendMarkdown('\n\n').appendText(r.description);
    md.appendMarkdown('\n\n').appendText(`Clone URL: ${r.clone_url}`);
    // pushed_at is the creation time until the first push, as on GitHub.
    const pushed = r.pushed_at !== r.created_at;
    md.appendMarkdown('\n\n').appendText(pushed ? `Last push ${new Date(r.pushed_at).toLocaleString()}` : 'Nothing pushed yet');
    md.appendMarkdown('\n\n').appendText(`Seen as ${login}`);
    this.tooltip = md;
  }
}

/** What a repository row shows, for deciding whether a reload changed anything. */
function signature(repos: readonly RepositoryJson[]): string {
  return JSON.stringify(repos.map((r) => [r.id, r.full_name, r.visibility, r.private, r.description, r.pushed_at, r.created_at, r.clone_url, r.permissions?.admin]));
}

export type RepositoriesElement = RepositoryAccountNode | RepositoryNode | ProblemItem;

export class RepositoriesTreeProvider implements vscode.TreeDataProvider<RepositoriesElement>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<RepositoriesElement | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private forceAttempt = false;
  /** What each account's rows show (a signature of its list), and lists loaded ahead of a redraw. */
  private readonly shown = new Map<string, string>();
  private readonly prefetched = new Map<string, RepositoryJson[]>();

  constructor(private readonly services: TesseraServices) {}

  refresh(force = false): void {
    if (force) this.forceAttempt = true;
    this.prefetched.clear();
    this.changed.fire(undefined);
  }

  /** Reloads the lists and redraws only if one of them changed (or failed to load). */
  async refreshIfChanged(): Promise<void> {
    if (!this.shown.size) return this.refresh(); // nothing drawn yet (or only a problem): nothing to keep
    const lists = new Map<string, RepositoryJson[]>();
    try {
      for (const a of this.services.accounts()) lists.set(a.id, await listRepositories(this.services, a.id));
    } catch {
      this.refresh(); // the redraw shows what went wrong
      return;
    }
    const same = lists.size === this.shown.size && [...lists].every(([id, repos]) => this.shown.get(id) === signature(repos));
    if (same) return;
    this.prefetched.clear();
    for (const [id, repos] of lists) this.prefetched.set(id, repos);
    this.changed.fire(undefined);
  }

  getTreeItem(element: RepositoriesElement): vscode.TreeItem {
    return element;
  }

  async getChildren(element?: RepositoriesElement): Promise<RepositoriesElement[]> {
    if (element instanceof RepositoryAccountNode) return this.accountChildren(element.account);
    if (element) return [];
    const accounts = this.services.accounts();
    if (!accounts.length) return []; // the welcome view (sign in) shows
    const force = this.forceAttempt;
    this.forceAttempt = false;
    if (!force && !this.services.providerState().up) return [providerDownItem(this.services, 'tessera.refreshRepositories')];
    if (accounts.length === 1) return this.accountChildren(accounts[0]!);
    return accounts.map((a) => new RepositoryAccountNode(a));
  }

  private async accountChildren(account: AccountInfo): Promise<RepositoriesElement[]> {
    let repos: RepositoryJson[];
    const ready = this.prefetched.get(account.id);
    this.prefetched.delete(account.id);
    try {
      repos = ready ?? await withTimeout(listRepositories(this.services, account.id), LOAD_TIMEOUT_MS, this.services);
    } catch (err) {
      this.shown.delete(account.id);
      return [problemItemFor(err, this.services, 'tessera.refreshRepositories')];
    }
    this.shown.set(account.id, signature(repos));
    // One account and nothing to list: the view's welcome text offers Create Repository.
    if (!repos.length && this.services.accounts().length === 1) return [];
    if (!repos.length) {
      const empty = new ProblemItem('No repositories yet — Create Repository…', 'add', { command: 'tessera.createRepository', title: 'Create Repository', arguments: [{ accountId: account.id }] });
      empty.id = `repos-empty:${account.id}`;
      return [empty];
    }
    return repos.map((r) => new RepositoryNode(account.id, account.login, r));
  }

  dispose(): void {
    this.changed.dispose();
  }
}
