// The 'tessera' AuthenticationProvider (multiple accounts). A session is a real token minted on
// the provider with exactly the requested scopes (classic names, or fine-grained by the scope
// grammar), kept in the account's SecretStorage value. getSessions matches scope sets (order and
// list spelling do not matter); onDidChangeSessions fires for changes of this window and of others
// (SecretStorage's onDidChange, through AccountStore). Each account's own sign-in is a session too
// (sign-in-session.ts), listed for the unscoped query VS Code's Accounts menu makes; removing it
// signs the account out; once the provider refused it (the sign-in ended there) it is no longer
// listed, so the Accounts menu does not show the account as signed in. A session whose token
// stopped working (expired, or gone, revoked or denied on the provider) is dropped with a 'removed' event (session-pruning.ts), and asking for
// its scopes again mints a new token. A new session that needs the person (an account pick or a
// sign-in) rejects with VS Code's CancellationError when they cancel, and with an Error saying
// what failed when the sign-in failed; requests made meanwhile share that one prompt, and one made
// while the person's own sign-in is on screen waits for it (sign-in-queue.ts) instead of replacing it.
import * as vscode from 'vscode';
import { sessionExpired, sessionIdOf, type AccountSecrets, type StoredSession } from '../accounts/account-secrets';
import type { CreateTokenRequest, TokenJson } from '../../shared/api-types';
import { accountApi } from '../api/provider-api';
import type { CoreServices } from '../core-services';
import { TesseraError, type AccountInfo } from '../services';
import { pick, type PickItem } from './quick-input';
import { canonicalScopes, expiresAt, parseScopes, sameScopeSet, ScopeGrammarError, sessionTokenName, type TokenRequest } from './scope-grammar';
import { deleteToken } from './sign-in-core';
import { dropExpiredSessions } from './session-pruning';
import { diffSignInSessions, signInSession, signInSessionId } from './sign-in-session';
import type { SignInQueue } from './sign-in-queue';
import { signOutAndTell } from './sign-out-ui';

export const AUTH_PROVIDER_ID = 'tessera';
export const AUTH_PROVIDER_LABEL = 'Tessera';

interface AuthProviderDeps {
  readonly core: CoreServices;
  /** Interactive sign-in, one at a time (a failure has been shown to the person when it ends). */
  readonly signIns: Pick<SignInQueue, 'signIn' | 'current'>;
}

export class TesseraAuthenticationProvider implements vscode.AuthenticationProvider, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<vscode.AuthenticationProviderAuthenticationSessionsChangeEvent>();
  readonly onDidChangeSessions = this.emitter.event;
  private readonly disposables: vscode.Disposable[] = [];
  /** The sign-in sessions last announced through onDidChangeSessions, by id. */
  private signIns = new Map<string, vscode.AuthenticationSession>();
  /** Sessions being created, by account and canonical scopes: a second request waits for the first. */
  private readonly creating = new Map<string, Promise<vscode.AuthenticationSession>>();
  /** The account pick or sign-in a new session waits for: requests made meanwhile wait for the same one. */
  private choosing: Promise<AccountInfo> | undefined;

  constructor(private readonly deps: AuthProviderDeps) {
    const store = deps.core.store;
    this.disposables.push(
      this.emitter,
      store.onDidChangeAccounts(() => this.announceSignIns()),
      store.onDidChangeSessions((change) => {
        // After a sign-out the account is no longer listed: its removed sessions keep its label.
        const label = this.accountLabel(store.account(change.accountId), store.cached(change.accountId) ?? change);
        const toSession = (s: StoredSession) => this.toSession(change.accountId, label, s);
        this.emitter.fire({ added: change.added.map(toSession), removed: change.removed.map(toSession), changed: change.changed.map(toSession) });
      }),
    );
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }

  /** The sign-in session of every cached account whose sign-in has not ended, by id. */
  private currentSignIns(): Map<string, vscode.AuthenticationSession> {
    const store = this.deps.core.store;
    const out = new Map<string, vscode.AuthenticationSession>();
    for (const secrets of store.allCached()) {
      const accountId = sessionAccountId(secrets);
      if (store.signInEnded(accountId)) continue;
      const s = signInSession(accountId, this.accountLabel(store.account(accountId), secrets), secrets);
      out.set(s.id, s);
    }
    return out;
  }

  /** Accounts signed in or out (here or in another window): VS Code's Accounts menu follows. */
  private announceSignIns(): void {
    const next = this.currentSignIns();
    const diff = diffSignInSessions(this.signIns, next);
    this.signIns = next;
    if (diff.added.length || diff.removed.length || diff.changed.length) this.emitter.fire(diff);
  }

  private accountLabel(account: AccountInfo | undefined, secrets: Pick<AccountSecrets, 'account'> | undefined): string {
    const login = account?.login ?? secrets?.account.login ?? '?';
    const origin = account?.providerOrigin ?? secrets?.account.providerOrigin ?? '';
    return !origin || this.deps.core.providers.isEmbeddedOrigin(origin) ? login : `${login} (${new URL(origin).host})`;
  }

  private toSession(accountId: string, label: string, s: StoredSession): vscode.AuthenticationSession {
    return { id: s.id, accessToken: s.token, account: { id: accountId, label }, scopes: [...s.scopes] };
  }

  async getSessions(scopes: readonly string[] | undefined, options?: vscode.AuthenticationProviderSessionOptions): Promise<vscode.AuthenticationSession[]> {
    const store = this.deps.core.store;
    try {
      await store.ensureLoaded();
    } catch (err) {
      this.deps.core.log.error(`Sessions could not be read: ${err instanceof Error ? err.message : String(err)}`);
      return [];
    }
    const now = Date.now();
    const out: vscode.AuthenticationSession[] = [];
    for (const secrets of store.allCached()) {
      const accountId = sessionAccountId(secrets);
      if (options?.account && options.account.id !== accountId) continue;
      const label = this.accountLabel(store.account(accountId), secrets);
      if (scopes === undefined && !store.signInEnded(accountId)) out.push(signInSession(accountId, label, secrets));
      for (const s of secrets.sessions) {
        if (sessionExpired(s, now)) continue;
        if (scopes === undefined || sameScopeSet(s.scopes, scopes)) out.push(this.toSession(accountId, label, s));
      }
      if (secrets.sessions.some((s) => sessionExpired(s, now))) {
        await dropExpiredSessions(this.deps.core, accountId, now).catch((err: unknown) =>
          this.deps.core.log.warn(`Expired sessions of ${accountId} could not be dropped: ${err instanceof Error ? err.message : String(err)}`),
        );
      }
    }
    return out;
  }

  async createSession(scopes: readonly string[], options?: vscode.AuthenticationProviderSessionOptions): Promise<vscode.AuthenticationSession> {
    const core = this.deps.core;
    let request: TokenRequest;
    let canonical: string[];
    try {
      request = parseScopes([...scopes]);
      canonical = canonicalScopes([...scopes]);
    } catch (err) {
      if (err instanceof ScopeGrammarError) {
        core.log.warn(`A session was requested with invalid scopes: ${err.message}`);
        throw new Error(`Tessera: ${err.message}`);
      }
      throw err;
    }
    const account = options?.account ? await this.namedAccount(options.account) : await this.askAccount();

    // The same session asked for again while it is being made (in this window): one token, one session.
    const key = `${account.id}\n${canonical.join(' ')}`;
    const inFlight = this.creating.get(key);
    if (inFlight) return inFlight;
    const creation = this.createFor(account, scopes, request, canonical);
    this.creating.set(key, creation);
    try {
      return await creation;
    } finally {
      if (this.creating.get(key) === creation) this.creating.delete(key);
    }
  }

  private async createFor(account: AccountInfo, scopes: readonly string[], request: TokenRequest, canonical: string[]): Promise<vscode.AuthenticationSession> {
    const core = this.deps.core;
    // Another window may have made the same session meanwhile; one whose token expired is dropped.
    const now = Date.now();
    const same = ((await core.store.read(account.id))?.sessions ?? []).filter((s) => sameScopeSet(s.scopes, canonical));
    const existing = same.find((s) => !sessionExpired(s, now));
    if (existing) return this.toSession(account.id, this.accountLabel(account, undefined), existing);
    if (same.length) await dropExpiredSessions(core, account.id, now);

    let minted: TokenJson;
    try {
      minted = await this.mint(account, request, canonical);
    } catch (err) {
      if (err instanceof TesseraError && err.kind === 'cancelled') throw new vscode.CancellationError();
      void core.showError(err, `Tessera could not create a token for ${scopes.length ? scopes.join(' ') : '(no scopes)'}`);
      throw err instanceof Error ? err : new Error(String(err));
    }
    const session: StoredSession = {
      id: sessionIdOf(account.id, minted.id),
      tokenId: minted.id,
      scopes: canonical,
      kind: minted.kind === 'fine_grained' ? 'fine_grained' : 'classic',
      token: minted.token!,
      createdAt: new Date().toISOString(),
      expiresAt: minted.expires_at ?? null,
    };
    try {
      await core.store.update(account.id, (cur) => {
        if (!cur) throw new TesseraError('signed-out', 'The account was signed out while the token was made.');
        return { ...cur, sessions: [...cur.sessions.filter((s) => s.id !== session.id), session] };
      });
    } catch (err) {
      // A session that cannot be kept is no session: its token does not stay on the provider.
      await this.deleteUnkept(account.id, minted.id, 'the session could not be kept');
      void core.showError(err, `Tessera could not keep the session for ${scopes.length ? scopes.join(' ') : '(no scopes)'}`);
      throw err instanceof Error ? err : new Error(String(err));
    }
    core.log.info(`Session ${session.id} created for scopes [${canonical.join(' ')}]${minted.status === 'pending' ? ' (pending approval)' : ''}`);
    if (minted.status === 'pending') {
      void vscode.window.showInformationMessage(
        `The token for ${request.kind === 'fine_grained' ? request.resourceOwner : 'this session'} waits for an organization owner's approval; until then it reads public resources only.`,
      );
    }
    return this.toSession(account.id, this.accountLabel(account, undefined), session);
  }

  async removeSession(sessionId: string): Promise<void> {
    const core = this.deps.core;
    await core.store.ensureLoaded();
    const signingIn = core.store.allCached().find((s) => signInSessionId(sessionAccountId(s), s) === sessionId);
    if (signingIn) {
      await signOutAndTell(core, sessionAccountId(signingIn));
      return;
    }
    const secrets = core.store.allCached().find((s) => s.sessions.some((x) => x.id === sessionId));
    if (!secrets) return;
    const accountId = sessionAccountId(secrets);
    const session = secrets.sessions.find((x) => x.id === sessionId)!;
    try {
      await core.providers.ensureReady(secrets.account.providerOrigin);
      await deleteToken(core.client, secrets.account.providerOrigin, secrets.admin.token, session.tokenId);
      core.log.info(`Session ${sessionId}: token ${session.tokenId} deleted on the provider`);
    } catch (err) {
      core.log.warn(`Session ${sessionId}: the token could not be deleted on the provider (${err instanceof Error ? err.message : String(err)}); forgetting it here`);
      void vscode.window.showWarningMessage(
        `Tessera forgot the session, but its token could not be deleted on the provider (${err instanceof Error ? err.message : String(err)}). Delete it in the Tokens view later.`,
      );
    }
    await core.store.update(accountId, (cur) =>
      cur ? { ...cur, sessions: cur.sessions.filter((s) => s.id !== sessionId), tokens: cur.tokens.filter((t) => t.tokenId !== session.tokenId) } : cur,
    );
    core.fireTokensChanged();
  }

  /** The signed-in account a request names. */
  private async namedAccount(wanted: vscode.AuthenticationSessionAccountInformation): Promise<AccountInfo> {
    await this.deps.core.store.ensureLoaded();
    const a = this.deps.core.accounts().find((x) => x.id === wanted.id);
    if (a) return a;
    throw new Error(`Tessera: the account '${wanted.label}' is not signed in.`);
  }

  /** The account for a request that names none; one prompt at a time, shared by the requests made meanwhile. */
  private askAccount(): Promise<AccountInfo> {
    if (!this.choosing) {
      const choosing = this.chooseAccount().finally(() => {
        if (this.choosing === choosing) this.choosing = undefined;
      });
      this.choosing = choosing;
    }
    return this.choosing;
  }

  /**
   * The only account, a pick, or a new sign-in; rejects when the person cancels or the sign-in fails.
   * While a sign-in is on screen (the person's own Sign In, say) nothing else opens: the request
   * waits for it and takes the account it signs in; when it ends otherwise, the request goes on.
   * A sign-in started while the pick is on screen waits until the pick is answered.
   */
  private async chooseAccount(): Promise<AccountInfo> {
    const core = this.deps.core;
    const running = this.deps.signIns.current();
    const before = running ? await running : undefined;
    if (before?.kind === 'signed-in') return before.account;
    await core.store.ensureLoaded();
    const accounts = core.accounts();
    const configured = core.providers.configuredOrigin();
    const candidates = accounts.filter((a) => a.providerOrigin === configured);
    const list = candidates.length ? candidates : accounts;
    if (list.length === 1) return list[0];
    let chosen: AccountInfo | 'new' | undefined = 'new';
    if (list.length > 1) {
      const items: PickItem<AccountInfo | 'new'>[] = list.map((a) => ({ label: a.login, description: a.providerOrigin, value: a }));
      items.push({ label: '$(add) Sign in with another account…', value: 'new' });
      // The pick takes its turn (quick-input.ts): the person's own Sign In started meanwhile opens
      // once it is answered, instead of replacing it.
      chosen = await pick('Tessera', items, 'Which Tessera account should the new session use?');
    }
    if (chosen === undefined) throw new vscode.CancellationError();
    if (chosen !== 'new') return chosen;
    const outcome = await this.deps.signIns.signIn();
    if (outcome.kind === 'signed-in') return outcome.account;
    if (outcome.kind === 'cancelled') throw new vscode.CancellationError();
    // As VS Code's own providers do: a failed sign-in is no cancellation, and says what failed.
    core.log.warn(`A session could not be created: the sign-in failed (${outcome.reason})`);
    throw new Error(`Tessera: the sign-in failed: ${outcome.reason}`);
  }

  /** POST /user/personal-access-tokens with exactly the requested scopes or permissions. */
  private async mint(account: AccountInfo, request: TokenRequest, canonical: readonly string[]): Promise<TokenJson> {
    const name = sessionTokenName(canonical.filter((s) => !s.startsWith('expires:')));
    const body: CreateTokenRequest =
      request.kind === 'classic'
        ? { name, scopes: [...request.scopes], expires_at: expiresAt(request.expiry) }
        : {
            name,
            kind: 'fine_grained',
            resource_owner: request.resourceOwner,
            repository_selection: request.repositorySelection,
            ...(request.repositorySelection === 'subset' ? { repositories: [...request.repositories] } : {}),
            permissions: request.permissions,
            expires_at: expiresAt(request.expiry),
          };
    const core = this.deps.core;
    const api = accountApi(core, account.id);
    let token: TokenJson;
    try {
      token = await api.createToken(body);
    } catch (err) {
      // Token names may have to be unique: retry once with a suffix.
      if (err instanceof TesseraError && err.kind === 'validation' && err.details.fieldErrors?.some((f) => f.field === 'name')) {
        const suffix = new Date().toISOString().slice(0, 19).replace('T', ' ');
        token = await api.createToken({ ...body, name: `${name} (${suffix})`.slice(0, 100) });
      } else throw err;
    }
    if (typeof token.token !== 'string') {
      // A token nobody can use: it does not stay on the provider either.
      await this.deleteUnkept(account.id, token.id, 'the provider did not return its secret');
      throw new TesseraError('server', 'The provider made the token but did not return its secret.');
    }
    core.fireTokensChanged();
    return token;
  }

  /** Deletes a token just made for a session that will not exist (a failure is logged). */
  private async deleteUnkept(accountId: string, tokenId: number, why: string): Promise<void> {
    const core = this.deps.core;
    await accountApi(core, accountId)
      .deleteToken(tokenId)
      .then(() => core.fireTokensChanged())
      .catch((e: unknown) => core.log.warn(`Session token ${tokenId} could not be deleted after ${why}: ${e instanceof Error ? e.message : String(e)}`));
  }
}

function sessionAccountId(s: AccountSecrets): string {
  return `${s.account.providerOrigin}#${s.account.userId}`;
}
