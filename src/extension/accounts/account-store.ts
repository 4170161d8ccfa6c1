// Accounts: non-secret metadata in globalState, secrets in SecretStorage (one JSON value per
// account, account-secrets.ts). Other windows share both, so every write reloads the value first
// (serialized per account), and `secrets.onDidChange` reloads and fires the change events.
// SecretStorage unavailable → a clear error; never a fallback to anywhere else.
import * as vscode from 'vscode';
import type { AccountInfo } from '../services';
import { signInMachineId } from '../auth/sign-in-fingerprint';
import { secretStorageCall } from '../secret-storage-unavailable';
import {
  accountIdFromSecretKey,
  accountIdOf,
  diffSessions,
  parseAccountSecrets,
  secretKeyOf,
  serializeAccountSecrets,
  type AccountSecrets,
  type SessionDiff,
} from './account-secrets';

const SIGN_IN_NEEDS_SECRETS = 'Tessera keeps tokens only there, so it cannot sign in or store tokens until it works.';

const META_KEY = 'tessera.accounts.v1';

interface AccountMeta extends AccountInfo {
  readonly signedInAt: string;
}

interface SessionsChange extends SessionDiff {
  readonly accountId: string;
  /** The account's identity: the one it had before, when this change signed it out. */
  readonly account: AccountSecrets['account'];
}


export class AccountStore implements vscode.Disposable {
  private readonly cache = new Map<string, AccountSecrets>();
  private readonly queues = new Map<string, Promise<unknown>>();
  private loadAll: Promise<void> | undefined;
  /** The sign-in token the provider refused, by account (this window's knowledge; a new sign-in replaces it). */
  private readonly endedSignIns = new Map<string, string>();
  /** Test hooks only (test-api.ts, ExtensionMode.Test): while set, writes fail with it, as with a locked keyring. */
  refuseWrites: Error | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly accountsEmitter = new vscode.EventEmitter<void>();
  private readonly sessionsEmitter = new vscode.EventEmitter<SessionsChange>();
  readonly onDidChangeAccounts = this.accountsEmitter.event;
  readonly onDidChangeSessions = this.sessionsEmitter.event;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.disposables.push(
      this.accountsEmitter,
      this.sessionsEmitter,
      context.secrets.onDidChange((e) => {
        const id = accountIdFromSecretKey(e.key);
        if (id) void this.enqueue(id, () => this.reload(id, 'another window or process')).catch((err) => this.log.warn(`reload of ${id} failed: ${String(err)}`));
      }),
    );
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }

  /** Signed-in accounts (metadata only; no secret). */
  accounts(): AccountInfo[] {
    return this.meta().map(({ id, providerOrigin, userId, login, twoFactorEnabled }) => ({ id, providerOrigin, userId, login, twoFactorEnabled }));
  }

  account(accountId: string): AccountInfo | undefined {
    return this.accounts().find((a) => a.id === accountId);
  }

  /** Loads every account's secrets once (drops metadata of accounts signed out elsewhere). */
  ensureLoaded(): Promise<void> {
    this.loadAll ??= (async () => {
      for (const m of this.meta()) await this.enqueue(m.id, () => this.reload(m.id, 'startup'));
    })().catch((err) => {
      this.loadAll = undefined;
      throw err;
    });
    return this.loadAll;
  }

  /**
   * The provider refused the account's sign-in token `token` (revoked, deleted or expired there, or
   * the user deleted): its sign-in has ended until the next one. The account stays listed (to sign
   * in again or out), but its sign-in is no longer announced as a session (onDidChangeAccounts).
   */
  markSignInEnded(accountId: string, token: string): void {
    if (this.cache.get(accountId)?.admin.token !== token || this.endedSignIns.get(accountId) === token) return;
    this.endedSignIns.set(accountId, token);
    this.log.info(`account ${accountId}: the provider refused its sign-in token; its sign-in has ended`);
    this.accountsEmitter.fire();
  }

  /** Whether the provider refused the account's current sign-in token. */
  signInEnded(accountId: string): boolean {
    const refused = this.endedSignIns.get(accountId);
    return refused !== undefined && this.cache.get(accountId)?.admin.token === refused;
  }

  /** This profile's machine id for the fingerprint of its sign-in tokens (not a secret). */
  machineId(): Promise<string> {
    return signInMachineId(this.context.globalState);
  }

  /** The cached secrets of an account (after ensureLoaded). */
  cached(accountId: string): AccountSecrets | undefined {
    return this.cache.get(accountId);
  }

  allCached(): AccountSecrets[] {
    return [...this.cache.values()];
  }

  /** Reads the account's secrets fresh from SecretStorage. */
  async read(accountId: string): Promise<AccountSecrets | undefined> {
    await this.enqueue(accountId, () => this.reload(accountId, 'read'));
    return this.cache.get(accountId);
  }

  /**
   * Reloads the value, applies `fn` and writes the result (undefined deletes the account), in
   * order with other writes of this window. Fires the change events for what changed.
   */
  update(accountId: string, fn: (current: AccountSecrets | undefined) => AccountSecrets | undefined): Promise<AccountSecrets | undefined> {
    return this.enqueue(accountId, async () => {
      const before = this.cache.get(accountId);
      const raw = await this.secretGet(accountId);
      const current = parseAccountSecrets(raw);
      const next = fn(current);
      if (next) await this.secretStore(accountId, serializeAccountSecrets(next));
      else if (current) await this.secretDelete(accountId);
      // A value this version does not understand stays (only removeAccount deletes it): keep its metadata.
      await this.apply(accountId, before, next, !next && !current && raw !== undefined);
      return next;
    });
  }

  /** Records a sign-in (new account or a new admin token for a known one). */
  async addAccount(
    identity: { providerOrigin: string; userId: number; login: string; twoFactorEnabled: boolean | undefined },
    admin: { tokenId: number; token: string },
  ): Promise<{ account: AccountInfo; previousAdmin?: { tokenId: number; token: string } }> {
    const id = accountIdOf(identity.providerOrigin, identity.userId);
    let previousAdmin: { tokenId: number; token: string } | undefined;
    await this.update(id, (cur) => {
      if (cur && cur.admin.tokenId !== admin.tokenId) previousAdmin = { tokenId: cur.admin.tokenId, token: cur.admin.token };
      return {
        v: 1,
        account: { ...identity },
        admin: { ...admin, createdAt: new Date().toISOString() },
        sessions: cur?.sessions ?? [],
        tokens: cur?.tokens ?? [],
      };
    });
    return { account: this.account(id)!, ...(previousAdmin ? { previousAdmin } : {}) };
  }

  async updateIdentity(accountId: string, patch: Partial<Pick<AccountInfo, 'login' | 'twoFactorEnabled'>>): Promise<void> {
    await this.update(accountId, (cur) => (cur ? { ...cur, account: { ...cur.account, ...patch } } : cur));
  }

  /**
   * Forgets the account: deletes its value whatever it holds, also one this version cannot read (a
   * newer version's, a corrupted one), which nothing else here ever deletes.
   */
  removeAccount(accountId: string): Promise<void> {
    return this.enqueue(accountId, async () => {
      const before = this.cache.get(accountId);
      if ((await this.secretGet(accountId)) !== undefined) await this.secretDelete(accountId);
      await this.apply(accountId, before, undefined, false);
    });
  }

  // ---- internals ----

  private meta(): AccountMeta[] {
    const v = this.context.globalState.get<AccountMeta[]>(META_KEY);
    return Array.isArray(v) ? v.filter((m) => m && typeof m.id === 'string') : [];
  }

  private async setMeta(next: AccountMeta[]): Promise<void> {
    await this.context.globalState.update(META_KEY, next);
    void vscode.commands.executeCommand('setContext', 'tessera.signedIn', next.length > 0);
  }

  private enqueue<T>(accountId: string, job: () => Promise<T>): Promise<T> {
    const prev = this.queues.get(accountId) ?? Promise.resolve();
    const run = prev.then(job, job);
    const tail = run.catch(() => undefined);
    this.queues.set(accountId, tail);
    void tail.then(() => {
      if (this.queues.get(accountId) === tail) this.queues.delete(accountId);
    });
    return run;
  }

  private async reload(accountId: string, why: string): Promise<void> {
    const before = this.cache.get(accountId);
    const raw = await this.secretGet(accountId);
    const next = parseAccountSecrets(raw);
    if (!sameValue(before, next)) this.log.debug(`account ${accountId} changed (${why})`);
    const unreadable = !next && raw !== undefined;
    if (unreadable && why !== 'read') {
      this.log.warn(`account ${accountId}: its stored value is not one this version understands (a newer version's, or damaged); it is left as it is. Sign out to remove it, or sign in again to replace it.`);
    }
    await this.apply(accountId, before, next, unreadable);
  }

  /**
   * Updates the cache and metadata from a new value and fires what changed. `keepMeta`: there is no
   * value this version can read, but one is still stored — the account stays listed, so that it can
   * be signed out (which deletes that value) or signed in again.
   */
  private async apply(accountId: string, before: AccountSecrets | undefined, next: AccountSecrets | undefined, keepMeta: boolean): Promise<void> {
    if (next) this.cache.set(accountId, next);
    else this.cache.delete(accountId);

    const meta = this.meta();
    const i = meta.findIndex((m) => m.id === accountId);
    let accountsChanged = false;
    if (next) {
      const m: AccountMeta = {
        id: accountId,
        providerOrigin: next.account.providerOrigin,
        userId: next.account.userId,
        login: next.account.login,
        twoFactorEnabled: next.account.twoFactorEnabled,
        signedInAt: i >= 0 ? meta[i]!.signedInAt : new Date().toISOString(),
      };
      if (i < 0) {
        meta.push(m);
        accountsChanged = true;
      } else if (meta[i]!.login !== m.login || meta[i]!.twoFactorEnabled !== m.twoFactorEnabled) {
        meta[i] = m;
        accountsChanged = true;
      }
    } else if (i >= 0 && !keepMeta) {
      meta.splice(i, 1);
      accountsChanged = true;
    }
    if (accountsChanged) await this.setMeta(meta);
    else void vscode.commands.executeCommand('setContext', 'tessera.signedIn', meta.length > 0);
    if (before?.admin.token !== next?.admin.token) {
      accountsChanged = true;
      this.endedSignIns.delete(accountId);
    }

    const diff = diffSessions(before?.sessions ?? [], next?.sessions ?? []);
    if (accountsChanged) this.accountsEmitter.fire();
    const identity = (next ?? before)?.account;
    if (identity && (diff.added.length || diff.removed.length || diff.changed.length)) this.sessionsEmitter.fire({ accountId, account: identity, ...diff });
  }

  private secretGet(accountId: string): Promise<string | undefined> {
    return secretStorageCall(SIGN_IN_NEEDS_SECRETS, () => this.context.secrets.get(secretKeyOf(accountId)));
  }

  private secretStore(accountId: string, value: string): Promise<void> {
    return secretStorageCall(SIGN_IN_NEEDS_SECRETS, () => {
      if (this.refuseWrites) throw this.refuseWrites;
      return this.context.secrets.store(secretKeyOf(accountId), value);
    });
  }

  private secretDelete(accountId: string): Promise<void> {
    return secretStorageCall(SIGN_IN_NEEDS_SECRETS, () => this.context.secrets.delete(secretKeyOf(accountId)));
  }
}

function sameValue(a: AccountSecrets | undefined, b: AccountSecrets | undefined): boolean {
  if (!a || !b) return a === b;
  return serializeAccountSecrets(a) === serializeAccountSecrets(b);
}
