// TesseraServices (src/extension/services.ts) as a direct HTTP client of a real provider, with a
// signed-in account's admin:token: for the views' extension-host tests and bench/tree, so they do
// not depend on the core's interactive sign-in. Errors become TesseraError like the core's.
import * as vscode from 'vscode';
import type { TestUser } from '../builders/users';
import { identityUpdateOf } from '../../src/extension/accounts/account-identity';
import { TesseraError, type AccountInfo, type TesseraServices, type ProblemKind } from '../../src/extension/services';
import type { UserJson } from '../../src/shared/api-types';

let sharedLog: vscode.LogOutputChannel | undefined;
function testLog(): vscode.LogOutputChannel {
  return (sharedLog ??= vscode.window.createOutputChannel('Tessera views tests', { log: true }));
}

/** TesseraServices over plain HTTP with a signed-in account's admin:token. */
export class DirectServices implements TesseraServices {
  readonly log = testLog();
  private readonly tokensEmitter = new vscode.EventEmitter<void>();
  private readonly accountsEmitter = new vscode.EventEmitter<void>();
  private readonly providerEmitter = new vscode.EventEmitter<void>();
  readonly onDidChangeTokens = this.tokensEmitter.event;
  readonly onDidChangeAccounts = this.accountsEmitter.event;
  readonly onDidChangeProviderState = this.providerEmitter.event;
  private readonly remoteEmitter = new vscode.EventEmitter<{ readonly accountId: string }>();
  readonly onDidChangeRemote = this.remoteEmitter.event;
  list: AccountInfo[] = [];
  readonly secrets = new Map<string, string>();
  remembered: { tokenId: number; secret: string }[] = [];
  up = true;
  calls = 0;

  constructor(public origin: string) {}

  signInAs(user: TestUser, adminToken: string): AccountInfo {
    const a: AccountInfo = { id: `${this.origin}#${user.id}`, providerOrigin: this.origin, userId: user.id, login: user.login, twoFactorEnabled: false };
    this.list = [...this.list, a];
    this.secrets.set(a.id, adminToken);
    this.accountsEmitter.fire();
    return a;
  }

  setUp(up: boolean): void {
    this.up = up;
    this.providerEmitter.fire();
  }

  fireTokensChanged(): void {
    this.tokensEmitter.fire();
  }

  /** What an account's change stream does when the provider says something changed. */
  fireRemoteChange(accountId: string): void {
    this.remoteEmitter.fire({ accountId });
  }

  accounts(): readonly AccountInfo[] {
    return this.list;
  }

  /** The token this editor would sign in with (none unless a test sets it). */
  signInToken: number | undefined;

  signInTokenId(): number | undefined {
    return this.signInToken;
  }

  /** Forgets the account here (the views' tests sign out on the provider themselves). */
  async signOut(accountId: string): Promise<boolean> {
    const had = this.list.some((a) => a.id === accountId);
    this.list = this.list.filter((a) => a.id !== accountId);
    this.secrets.delete(accountId);
    if (had) this.accountsEmitter.fire();
    return had;
  }

  async api<T>(accountId: string, method: string, path: string, body?: unknown): Promise<T> {
    this.calls++;
    const token = this.secrets.get(accountId);
    if (!token) throw new TesseraError('signed-out', 'not signed in');
    let res: Response;
    try {
      res = await fetch(`${this.origin}/api/v3${path}`, {
        method,
        headers: { authorization: `token ${token}`, accept: 'application/vnd.github+json', ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        body: body !== undefined ? JSON.stringify(body) : undefined,
      });
    } catch {
      throw new TesseraError('provider-down', `Provider at ${this.origin} is not reachable`, { url: this.origin });
    }
    const text = await res.text();
    const json = text ? JSON.parse(text) : undefined;
    if (res.ok) return json as T;
    const kind: ProblemKind = res.status === 422 || res.status === 400 ? 'validation' : res.status === 404 ? 'not-found' : res.status === 403 ? 'forbidden' : res.status === 401 ? 'signed-out' : 'server';
    throw new TesseraError(kind, json?.message ?? `HTTP ${res.status}`, { status: res.status, fieldErrors: json?.errors });
  }

  async rememberTokenSecret(_accountId: string, tokenId: number, secret: string): Promise<string | undefined> {
    this.remembered.push({ tokenId, secret });
    return undefined;
  }

  async forgetTokenSecret(): Promise<void> {}

  noteTokenList(): void {}

  async refreshAccount(accountId: string): Promise<AccountInfo | undefined> {
    const user = await this.api<UserJson>(accountId, 'GET', '/user');
    this.list = this.list.map((a) => (a.id === accountId ? { ...a, ...identityUpdateOf(user) } : a));
    this.accountsEmitter.fire();
    return this.list.find((a) => a.id === accountId);
  }

  async showError(): Promise<void> {}

  providerState() {
    return { origin: this.origin, up: this.up };
  }

  dispose(): void {
    this.tokensEmitter.dispose();
    this.accountsEmitter.dispose();
    this.providerEmitter.dispose();
  }
}

