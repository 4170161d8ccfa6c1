// The Tokens view: every signed-in account's tokens grouped by kind and resource owner
// ("Classic", "Fine-grained · alice", "Fine-grained · acme"). With several accounts the first
// level is the accounts. Loads lazily when visible; a provider that is down gives one "Retry" item.
import * as vscode from 'vscode';
import type { AccountInfo, TesseraServices } from '../services';
import type { TokenJson } from '../../shared/api-types';
import { TokenViewModel } from './token-view-model';
import { ProblemItem, problemItemFor, providerDownItem } from './view-errors';
import { denialReason, grantSummary, isExpired, isExpiringSoon, kindLabel, lastUsedText, stateText, formatDate } from '../../shared/token-text';

const TOKEN_URI_SCHEME = 'tessera-token';

export class AccountNode extends vscode.TreeItem {
  constructor(readonly account: AccountInfo) {
    super(account.login, vscode.TreeItemCollapsibleState.Expanded);
    this.id = `tokens-account:${account.id}`;
    this.description = account.providerOrigin;
    this.tooltip = `${account.login} on ${account.providerOrigin}`;
    this.iconPath = new vscode.ThemeIcon('account');
    this.contextValue = 'tokenAccount';
  }
}

export class GroupNode extends vscode.TreeItem {
  constructor(
    readonly accountId: string,
    readonly tokenKind: 'classic' | 'fine_grained',
    readonly owner: string | undefined,
    readonly ownerIsUser: boolean,
    readonly tokens: readonly TokenJson[],
  ) {
    super(tokenKind === 'classic' ? 'Classic' : `Fine-grained · ${owner ?? '?'}`, vscode.TreeItemCollapsibleState.Expanded);
    this.id = `tokens-group:${accountId}:${tokenKind}:${owner ?? ''}`;
    this.description = `${tokens.length} token${tokens.length === 1 ? '' : 's'}`;
    this.iconPath = new vscode.ThemeIcon(tokenKind === 'classic' ? 'key' : ownerIsUser ? 'account' : 'organization');
    this.contextValue = `tokenGroup;kind=${tokenKind}`;
    this.tooltip = `${tokenKind === 'classic' ? 'Classic personal access tokens (scopes)' : `Fine-grained tokens for ${owner}'s resources`}: ${this.description}`;
  }
}

/** What the tree says of the token this editor signs in with. */
const SIGN_IN_TOKEN_LABEL = "This editor's sign-in";

export class TokenNode extends vscode.TreeItem {
  constructor(
    readonly accountId: string,
    readonly token: TokenJson,
    now: number,
    /** The token this editor signs in to the account with: deleting it signs the account out here. */
    readonly isSignIn = false,
  ) {
    // The sign-in token leads with what it is (its note, long and alike for every machine, follows).
    super(isSignIn ? SIGN_IN_TOKEN_LABEL : token.name, vscode.TreeItemCollapsibleState.None);
    const t = token;
    this.id = `token:${accountId}:${t.id}`;
    const expiring = isExpiringSoon(t, now);
    const expired = t.status === 'expired' || (t.status === 'active' && isExpired(t, now));
    const status = expired ? 'expired' : t.status;
    this.description = [...(isSignIn ? [t.name] : []), stateText(t, now), grantSummary(t), lastUsedText(t, now)].join(' · ');
    this.iconPath = isSignIn && status === 'active' && !expiring ? new vscode.ThemeIcon('vm-active') : tokenIcon(status, expiring);
    this.contextValue = `token;status=${status};kind=${t.kind}${expiring ? ';expiring' : ''}${isSignIn ? ';signIn' : ''}`;
    const state = expiring ? 'expiring' : status;
    this.resourceUri = vscode.Uri.from({ scheme: TOKEN_URI_SCHEME, path: `/${t.id}`, query: `state=${state}` });
    this.command = { command: 'tessera.inspectToken', title: 'Inspect Token', arguments: [this] };
    this.accessibilityInformation = {
      label: `${t.name}, ${isSignIn ? `${SIGN_IN_TOKEN_LABEL}, ` : ''}${kindLabel(t.kind)} token, ${stateText(t, now)}, ${lastUsedText(t, now)}`,
    };
    this.expiring = expiring;
    this.builtAt = now;
  }

  private readonly expiring: boolean;
  private readonly builtAt: number;

  /** The hover, built only when the workbench asks (resolveTreeItem): keeps big lists light. */
  buildTooltip(): vscode.MarkdownString {
    const t = this.token;
    const now = this.builtAt;
    const md = new vscode.MarkdownString(undefined, true);
    md.appendMarkdown(`**${escapeMd(t.name)}** — ${kindLabel(t.kind)}`);
    const owner = t.resource_owner;
    if (owner) md.appendMarkdown(` for \`${escapeMd(owner)}\``);
    md.appendMarkdown('\n\n');
    if (this.isSignIn) md.appendMarkdown(`$(vm-active) ${SIGN_IN_TOKEN_LABEL}: VS Code uses this token to reach Tessera. Deleting it signs you out here.\n\n`);
    if (t.description) md.appendMarkdown(`${escapeMd(t.description)}\n\n`);
    md.appendMarkdown(`$(${this.expiring ? 'warning' : 'calendar'}) ${escapeMd(stateText(t, now))}${t.expires_at ? ` (${formatDate(t.expires_at)})` : ''}\n\n`);
    if (t.status === 'denied') {
      md.appendMarkdown(`Requested ${escapeMd(formatDate(t.created_at))} · denied ${escapeMd(formatDate(t.updated_at))}\n\n`);
      if (denialReason(t)) md.appendMarkdown(`Denied because: ${escapeMd(denialReason(t)!)}\n\n`);
    } else {
      md.appendMarkdown(`${t.status === 'pending' ? 'Requested' : 'Created'} ${escapeMd(formatDate(t.created_at))}\n\n`);
    }
    md.appendMarkdown(`${escapeMd(grantSummary(t))}\n\n`);
    md.appendMarkdown(`Ends in \`…${escapeMd(t.token_last_eight ?? '')}\` · ${escapeMd(lastUsedText(t, now))}${t.last_used_at ? ` (${escapeMd(formatDate(t.last_used_at))})` : ''}`);
    return md;
  }
}

function escapeMd(s: string): string {
  return s.replace(/[\\`*_{}[\]()#+\-.!|<>$]/g, '\\$&');
}

function tokenIcon(status: string, expiring: boolean): vscode.ThemeIcon {
  if (expiring) return new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'));
  switch (status) {
    case 'pending':
      return new vscode.ThemeIcon('clock');
    case 'denied':
      return new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'));
    case 'expired':
      return new vscode.ThemeIcon('history', new vscode.ThemeColor('disabledForeground'));
    case 'revoked':
      return new vscode.ThemeIcon('circle-slash', new vscode.ThemeColor('disabledForeground'));
    default:
      return new vscode.ThemeIcon('key');
  }
}

export type TokensElement = AccountNode | GroupNode | TokenNode | ProblemItem;

/** Groups one account's tokens: classic first, then fine-grained by owner (the user first). */
export function groupTokens(accountId: string, login: string, tokens: readonly TokenJson[]): GroupNode[] {
  const classic: TokenJson[] = [];
  const byOwner = new Map<string, TokenJson[]>();
  for (const t of tokens) {
    if (t.kind === 'fine_grained') {
      const owner = t.resource_owner ?? login;
      let list = byOwner.get(owner);
      if (!list) byOwner.set(owner, (list = []));
      list.push(t);
    } else {
      classic.push(t);
    }
  }
  const byName = (a: TokenJson, b: TokenJson) => a.name.localeCompare(b.name) || a.id - b.id;
  const groups: GroupNode[] = [];
  if (classic.length) groups.push(new GroupNode(accountId, 'classic', undefined, true, classic.sort(byName)));
  const owners = [...byOwner.keys()].sort((a, b) => (a === login ? -1 : b === login ? 1 : a.localeCompare(b)));
  for (const o of owners) groups.push(new GroupNode(accountId, 'fine_grained', o, o === login, byOwner.get(o)!.sort(byName)));
  return groups;
}

export class TokensTreeProvider implements vscode.TreeDataProvider<TokensElement>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<TokensElement | undefined | void>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly parents = new WeakMap<TokensElement, TokensElement>();
  /**
   * Nodes are reused while the store serves the same list (same array object), so element
   * identity is stable between the workbench's fetches and TreeView.reveal works.
   */
  private readonly groupNodes = new WeakMap<readonly TokenJson[], GroupNode[]>();
  private readonly tokenNodes = new WeakMap<GroupNode, TokenNode[]>();
  private readonly accountNodes = new Map<string, AccountNode>();

  constructor(
    private readonly services: TesseraServices,
    private readonly store: TokenViewModel,
  ) {
    this.disposables.push(store.onDidInvalidate(() => this.changed.fire()));
    store.renderedAs((accountId, tokens) => {
      const now = Date.now();
      const signIn = this.services.signInTokenId(accountId);
      const rows = tokens.map((t) => {
        const n = new TokenNode(accountId, t, now, t.id === signIn);
        return [n.label, n.description, n.contextValue];
      });
      return JSON.stringify([tokens, rows]);
    });
  }

  private forceAttempt = false;

  refresh(): void {
    this.changed.fire();
  }

  /** The next render calls the provider even when the core reports it down (the Retry item). */
  retryEvenIfDown(): void {
    this.forceAttempt = true;
  }

  getTreeItem(element: TokensElement): vscode.TreeItem {
    return element;
  }

  resolveTreeItem(item: vscode.TreeItem, element: TokensElement): vscode.TreeItem {
    if (element instanceof TokenNode && !item.tooltip) item.tooltip = element.buildTooltip();
    return item;
  }

  getParent(element: TokensElement): TokensElement | undefined {
    return this.parents.get(element);
  }

  async getChildren(element?: TokensElement): Promise<TokensElement[]> {
    if (!element) return this.roots();
    if (element instanceof AccountNode) return this.accountChildren(element.account, element);
    if (element instanceof GroupNode) {
      const hit = this.tokenNodes.get(element);
      if (hit) return hit;
      const now = Date.now();
      const nodes = element.tokens.map((t) => {
        const n = new TokenNode(element.accountId, t, now, t.id === this.services.signInTokenId(element.accountId));
        this.parents.set(n, element);
        return n;
      });
      this.tokenNodes.set(element, nodes);
      return nodes;
    }
    return [];
  }

  private async roots(): Promise<TokensElement[]> {
    const accounts = this.services.accounts();
    if (!accounts.length) return []; // the welcome view (sign in) shows
    const force = this.forceAttempt;
    this.forceAttempt = false;
    if (!force && !this.services.providerState().up && !accounts.some((a) => this.store.cached(a.id))) {
      return [providerDownItem(this.services, 'tessera.refreshTokens')];
    }
    if (accounts.length === 1) return this.accountChildren(accounts[0]!, undefined);
    return accounts.map((a) => {
      let n = this.accountNodes.get(a.id);
      if (!n || n.account !== a) this.accountNodes.set(a.id, (n = new AccountNode(a)));
      return n;
    });
  }

  private async accountChildren(account: AccountInfo, parent: TokensElement | undefined): Promise<TokensElement[]> {
    let tokens: readonly TokenJson[];
    try {
      tokens = await this.store.tokens(account.id);
      this.store.showing(account.id, tokens);
    } catch (err) {
      const item = problemItemFor(err, this.services, 'tessera.refreshTokens');
      if (parent) this.parents.set(item, parent);
      return [item];
    }
    if (!tokens.length) {
      const empty = new ProblemItem('No tokens yet — Create Token…', 'add', { command: 'tessera.createToken', title: 'Create Token' });
      empty.id = `tokens-empty:${account.id}`;
      if (parent) this.parents.set(empty, parent);
      return [empty];
    }
    let groups = this.groupNodes.get(tokens);
    if (!groups) {
      groups = groupTokens(account.id, account.login, tokens);
      this.groupNodes.set(tokens, groups);
    }
    if (parent) for (const g of groups) this.parents.set(g, parent);
    return groups;
  }

  dispose(): void {
    this.changed.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

/** The warning decoration of tokens near expiry (and dimmed expired/revoked ones). */
export class TokenDecorationProvider implements vscode.FileDecorationProvider {
  provideFileDecoration(uri: vscode.Uri): vscode.FileDecoration | undefined {
    if (uri.scheme !== TOKEN_URI_SCHEME) return undefined;
    const state = new URLSearchParams(uri.query).get('state');
    switch (state) {
      case 'expiring':
        return new vscode.FileDecoration('!', 'Expires within 7 days', new vscode.ThemeColor('list.warningForeground'));
      case 'expired':
        return new vscode.FileDecoration('E', 'Expired', new vscode.ThemeColor('disabledForeground'));
      case 'denied':
        return new vscode.FileDecoration('D', 'Request denied', new vscode.ThemeColor('list.errorForeground'));
      case 'pending':
        return new vscode.FileDecoration('P', 'Pending approval');
      case 'revoked':
        return new vscode.FileDecoration('R', 'Revoked', new vscode.ThemeColor('disabledForeground'));
      default:
        return undefined;
    }
  }
}
