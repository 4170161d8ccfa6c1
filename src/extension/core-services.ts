// TesseraServices (services.ts) implemented by the core: the account-authenticated API call with
// sudo re-prompting, token secrets for git and sessions, errors shown the standard way.
import * as vscode from 'vscode';
import { identityUpdateOf } from './accounts/account-identity';
import type { AccountStore } from './accounts/account-store';
import type { AccountSecrets, StoredSession } from './accounts/account-secrets';
import type { HttpClient } from './api/http-client';
import { accountApi, API_PREFIX, originApi, type Method } from './api/provider-api';
import type { ProviderDirectory } from './provider/provider-directory';
import { RemoteChanges } from './live/remote-changes';
import { checkSessionsWithoutSignIn, reconcileSessions } from './auth/session-pruning';
import { signOutAndTell } from './auth/sign-out-ui';
import type { TokenJson } from '../shared/api-types';
import { TesseraError, type AccountInfo, type ShowErrorOptions, type TesseraServices } from './services';

/** Asks for password (+ code) and opens sudo mode for the account; false when cancelled. */
type SudoPrompter = (account: AccountInfo) => Promise<boolean>;

export class CoreServices implements TesseraServices, vscode.Disposable {
  private readonly tokensEmitter = new vscode.EventEmitter<void>();
  readonly onDidChangeTokens = this.tokensEmitter.event;
  /** Fired by the accounts' change streams (live/change-streams.ts). */
  readonly remoteChanges = new RemoteChanges();
  readonly onDidChangeRemote = this.remoteChanges.event;
  readonly onDidChangeAccounts: vscode.Event<void>;
  readonly onDidChangeProviderState: vscode.Event<void>;
  private readonly sudoInFlight = new Map<string, Promise<boolean>>();
  /** Accounts whose sessions are being checked after their sign-in was refused. */
  private readonly sessionChecks = new Map<string, Promise<void>>();
  private readonly disposables: vscode.Disposable[] = [];
  /** Set by extension.ts once the sign-in UI exists (a "Sign In" action on a signed-out error). */
  signInCommand = 'tessera.signIn';

  constructor(
    readonly log: vscode.LogOutputChannel,
    readonly store: AccountStore,
    readonly client: HttpClient,
    readonly providers: ProviderDirectory,
    /** Replaceable so extension-host tests can answer the prompt (they cannot type into it). */
    public sudoPrompt: SudoPrompter,
  ) {
    this.onDidChangeAccounts = store.onDidChangeAccounts;
    this.onDidChangeProviderState = providers.onDidChangeState;
    this.disposables.push(this.tokensEmitter, this.remoteChanges, store.onDidChangeSessions(() => this.tokensEmitter.fire()));
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }

  fireTokensChanged(): void {
    this.tokensEmitter.fire();
  }

  accounts(): readonly AccountInfo[] {
    return this.store.accounts();
  }

  /**
   * True for the providers this editor knows: the embedded one, the configured one (a user
   * setting) and those of signed-in accounts. Only these get a token from git or a password from
   * a sign-in another extension or a link starts.
   */
  isTesseraOrigin(origin: string): boolean {
    const o = origin.toLowerCase();
    if (this.providers.isEmbeddedOrigin(origin)) return true;
    if (this.providers.configuredOrigin().toLowerCase() === o) return true;
    return this.accounts().some((a) => a.providerOrigin.toLowerCase() === o);
  }

  signInTokenId(accountId: string): number | undefined {
    return this.store.cached(accountId)?.admin.tokenId;
  }

  signOut(accountId: string): Promise<boolean> {
    return signOutAndTell(this, accountId);
  }

  /** The account's secrets (reloaded when not cached); 'signed-out' when there are none. */
  async secretsOf(accountId: string): Promise<AccountSecrets> {
    const s = this.store.cached(accountId) ?? (await this.store.read(accountId));
    if (!s) {
      throw new TesseraError('signed-out', `The Tessera account ${accountId.replace(/#\d+$/, '')} is not signed in in this window; sign in again.`);
    }
    return s;
  }

  async api<T = unknown>(accountId: string, method: Method, path: string, body?: unknown): Promise<T> {
    const apiPath = path.startsWith(`${API_PREFIX}/`) ? path : `${API_PREFIX}${path.startsWith('/') ? '' : '/'}${path}`;
    const account = this.store.account(accountId);
    const secrets = await this.secretsOf(accountId);
    const origin = secrets.account.providerOrigin;
    await this.providers.ensureReady(origin);
    const call = async (token: string) => {
      try {
        const r = await this.client.json<T>(origin, method, apiPath, { auth: { kind: 'token', token }, ...(body !== undefined ? { body } : {}) });
        this.providers.noteReachable(origin, true);
        return r;
      } catch (err) {
        if (err instanceof TesseraError && err.kind === 'provider-down') this.providers.noteReachable(origin, false, err.message);
        if (err instanceof TesseraError && err.kind === 'signed-out') {
          this.store.markSignInEnded(accountId, token);
          this.checkSessionsOfEndedSignIn(accountId);
          // Which account must sign in again (a sign-in as another user does not mend it).
          throw new TesseraError('signed-out', err.message, { ...err.details, account: { id: accountId, login: secrets.account.login } });
        }
        throw err;
      }
    };
    try {
      return await call(secrets.admin.token);
    } catch (err) {
      if (!(err instanceof TesseraError) || err.kind !== 'sudo-required') throw err;
      const ok = await this.requestSudo(account ?? { id: accountId, providerOrigin: origin, userId: secrets.account.userId, login: secrets.account.login, twoFactorEnabled: secrets.account.twoFactorEnabled });
      if (!ok) throw new TesseraError('cancelled', 'Cancelled.');
      const fresh = await this.secretsOf(accountId);
      return await call(fresh.admin.token);
    }
  }

  /** The account's sign-in ended: its sessions are checked with their own tokens (one check at a time). */
  private checkSessionsOfEndedSignIn(accountId: string): void {
    if (this.sessionChecks.has(accountId)) return;
    const check = checkSessionsWithoutSignIn(this, accountId)
      .catch((err: unknown) => this.log.warn(`The sessions of ${accountId} could not be checked: ${err instanceof Error ? err.message : String(err)}`))
      .finally(() => this.sessionChecks.delete(accountId));
    this.sessionChecks.set(accountId, check);
  }

  /** One sudo prompt per account at a time (parallel calls wait for the same answer). */
  requestSudo(account: AccountInfo): Promise<boolean> {
    let p = this.sudoInFlight.get(account.id);
    if (!p) {
      p = this.sudoPrompt(account).finally(() => this.sudoInFlight.delete(account.id));
      this.sudoInFlight.set(account.id, p);
    }
    return p;
  }

  /** POST /user/sudo with the account's token. */
  async openSudo(accountId: string, password: string, otp?: string): Promise<void> {
    const secrets = await this.secretsOf(accountId);
    await originApi(this.client, secrets.account.providerOrigin, { auth: { kind: 'token', token: secrets.admin.token } }).openSudo({
      password,
      ...(otp ? { otp: otp.replace(/\s+/g, '') } : {}),
    });
    this.log.info(`Sudo mode opened for ${secrets.account.login}`);
  }

  async rememberTokenSecret(accountId: string, tokenId: number, secret: string): Promise<string | undefined> {
    let signIn = false;
    try {
      await this.store.update(accountId, (cur) => {
        if (!cur) throw new TesseraError('signed-out', 'The account is not signed in here any more.');
        signIn = cur.admin.tokenId === tokenId;
        if (signIn) {
          // The sign-in token regenerated: its old secret no longer works, the new one is the
          // account's credential from now on (git never gets it, so it is not in `tokens`).
          return { ...cur, admin: { ...cur.admin, token: secret } };
        }
        return {
          ...cur,
          tokens: [...cur.tokens.filter((t) => t.tokenId !== tokenId), { tokenId, token: secret }],
          // A regenerated session token: the session keeps working with the new secret, whose expiry
          // the next token list records (noteTokenList).
          sessions: cur.sessions.map((s) => (s.tokenId === tokenId ? { ...withoutExpiry(s), token: secret } : s)),
        };
      });
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      this.log.warn(`Could not keep the secret of token ${tokenId}: ${reason}`);
      return signIn
        ? `This is the token this editor signs in with, and its new secret could not be kept, so this editor is signed out of the account: sign in again. ${reason}`
        : `Git will not use this token automatically: its secret could not be kept. ${reason}`;
    }
    this.log.info(signIn ? `Kept the new secret of token ${tokenId}, the token this editor signs in with` : `Remembered the secret of token ${tokenId} for git and sessions`);
    return undefined;
  }

  async forgetTokenSecret(accountId: string, tokenId: number): Promise<void> {
    await this.store.update(accountId, (cur) =>
      cur ? { ...cur, tokens: cur.tokens.filter((t) => t.tokenId !== tokenId), sessions: cur.sessions.filter((s) => s.tokenId !== tokenId) } : cur,
    );
  }

  noteTokenList(accountId: string, tokens: readonly TokenJson[]): void {
    void reconcileSessions(this, accountId, tokens).catch((err: unknown) =>
      this.log.warn(`The sessions of ${accountId} could not be checked against its tokens: ${err instanceof Error ? err.message : String(err)}`),
    );
  }

  /**
   * Re-reads the user (login, 2FA state) after a change such as enabling 2FA. A sign-in token
   * narrowed since to no `user` scope reads no 2FA state: the recorded one stays.
   */
  async refreshAccount(accountId: string): Promise<AccountInfo | undefined> {
    const user = await accountApi(this, accountId).currentUser();
    const update = identityUpdateOf(user);
    if (update.twoFactorEnabled === undefined) {
      this.log.warn(`The sign-in token of ${user.login} no longer reads the two-factor state (it lacks the user scope): kept the last known; sign in again to read it`);
    }
    await this.store.updateIdentity(accountId, update);
    return this.store.account(accountId);
  }

  async showError(err: unknown, context: string, retry?: () => void, opts: ShowErrorOptions = {}): Promise<void> {
    if (err instanceof TesseraError && err.kind === 'cancelled') return;
    if (err instanceof vscode.CancellationError) return;
    const message = err instanceof Error ? err.message : String(err);
    this.log.error(`${context}: ${message}`);
    const actions: string[] = [];
    if (err instanceof TesseraError && err.kind === 'signed-out') actions.push('Sign In');
    if (err instanceof TesseraError && err.kind === 'provider-down' && this.providers.setting().mode === 'embedded') {
      // A missing or wrong data key does not mend with a restart: the key from a backup does.
      const e = this.providers.embedded.state;
      actions.push(e.kind === 'failed' && e.dataKey ? 'Import Data Key…' : 'Restart Provider');
    }
    if (retry && err instanceof TesseraError && (err.kind === 'provider-down' || err.kind === 'network' || err.kind === 'server')) actions.unshift('Retry');
    actions.push('Show Log');
    // Not awaited: a notification may stay open for a long time; callers must not hang on it.
    void vscode.window.showErrorMessage(`${context}: ${message}`, ...actions).then((choice) => {
      if (choice === 'Retry') retry?.();
      else if (choice === 'Show Log') this.log.show(true);
      else if (choice === 'Sign In') void this.signInThen(err, opts.afterSignIn ? retry : undefined);
      else if (choice === 'Restart Provider') void vscode.commands.executeCommand('tessera.restartProvider');
      else if (choice === 'Import Data Key…') void vscode.commands.executeCommand('tessera.importDataKey');
    });
  }

  providerState(): { origin: string; up: boolean; message?: string } {
    return this.providers.state();
  }

  /** Signs in where `err`'s sign-in ended; then `next`, when signed in again as the account whose sign-in ended (or any, when unknown). */
  private async signInThen(err: unknown, next: (() => void) | undefined): Promise<void> {
    const signedIn = await vscode.commands.executeCommand<{ id?: unknown } | undefined>(this.signInCommand, ...signInArgs(err));
    const ended = err instanceof TesseraError ? err.details.account : undefined;
    if (next && signedIn && (!ended || signedIn.id === ended.id)) next();
  }
}

/** The sign-in command's argument for an ended sign-in: the provider it ended at (not asked again). */
function signInArgs(err: unknown): { origin: string }[] {
  const origin = err instanceof TesseraError ? err.providerOrigin : undefined;
  return origin ? [{ origin }] : [];
}

/** A session whose expiry is unknown again (a new secret comes with a new expiry). */
function withoutExpiry(s: StoredSession): StoredSession {
  const { expiresAt: _unknown, ...rest } = s;
  return rest;
}
