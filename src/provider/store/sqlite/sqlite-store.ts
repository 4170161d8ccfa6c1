// The SQLite implementation of Store (node:sqlite, one connection per provider process).
import type { DatabaseSync } from 'node:sqlite';
import * as path from 'node:path';
import { PUSH_LOCKS_FOLDER } from '../../data-folder-names';
import type { Store } from '../store';
import { SqliteAccountTokenStore } from './account-tokens';
import { SqliteAuditStore } from './audit';
import { SqliteChangeVersion } from './change-version';
import { SqliteCredentialAuthorizationStore } from './credential-authorizations';
import { SqliteDeployKeyStore } from './deploy-keys';
import { SqliteDeviceCodeStore } from './device-codes';
import { SqliteFineGrainedTokenStore } from './fine-grained-tokens';
import { SqliteMembershipStore } from './memberships';
import { SqliteOAuthAppStore } from './oauth-apps';
import { SqliteAuthorizationCodeStore } from './oauth-authorization-codes';
import { SqliteOrganizationStore } from './organizations';
import { SqliteRepositoryStore } from './repositories';
import { keyFileSource, type DataKeySource, sqliteDataKeyLedger, unlockDataKey } from '../../secrets/data-key';
import type { SecretBox } from '../../secrets/secret-box';
import { openDatabase, SQLITE_BUSY_TIMEOUT_MS } from './database';
import { PushLocks } from './push-locks';
import { SqliteRateLimitStore } from './rate-limits';
import { isSqliteBusy, isSqliteMissingReference } from './rows';
import { SqliteSignInFailureStore } from './sign-in-failures';
import { SqliteTokenRequestStore } from './token-requests';
import { SqliteTokenStore } from './tokens';
import { inAsyncTransaction } from './transaction';
import { holdsSealedTwoFactorSecrets, SqliteTwoFactorStore } from './two-factor';
import { SqliteUserStore } from './users';
import { gated, scoped, WriteGate } from './write-gate';
import { writeStatement } from './shared-read';

/** A SQLite push lock is a file its holder removes (push-locks.ts): nothing tells its holder of a loss. */
const NEVER_LOST = new AbortController().signal;

/** The stores of each domain, over one connection. */
class SqliteParts {
  readonly users: SqliteUserStore;
  readonly tokens: SqliteTokenStore;
  readonly twoFactor: SqliteTwoFactorStore;
  readonly signInFailures: SqliteSignInFailureStore;
  readonly audit: SqliteAuditStore;
  readonly organizations: SqliteOrganizationStore;
  readonly memberships: SqliteMembershipStore;
  readonly repositories: SqliteRepositoryStore;
  readonly deployKeys: SqliteDeployKeyStore;
  readonly fineGrainedTokens: SqliteFineGrainedTokenStore;
  readonly tokenRequests: SqliteTokenRequestStore;
  readonly credentialAuthorizations: SqliteCredentialAuthorizationStore;
  readonly accountTokens: SqliteAccountTokenStore;
  readonly rateLimits: SqliteRateLimitStore;
  readonly oauthApps: SqliteOAuthAppStore;
  readonly deviceCodes: SqliteDeviceCodeStore;
  readonly authorizationCodes: SqliteAuthorizationCodeStore;
  /** What changeVersion() reads (shared by both views of the connection). */
  readonly changes: SqliteChangeVersion;

  /** Over `db`, whose secrets `box` opens; or `source`'s stores, each wrapped by `wrap`. */
  constructor(db: DatabaseSync, box: SecretBox);
  constructor(source: SqliteParts, wrap: <T extends object>(part: T) => T);
  constructor(source: DatabaseSync | SqliteParts, arg: SecretBox | (<T extends object>(part: T) => T)) {
    if (source instanceof SqliteParts) {
      const w = arg as <T extends object>(part: T) => T;
      this.changes = source.changes;
      this.users = w(source.users);
      this.tokens = w(source.tokens);
      this.twoFactor = w(source.twoFactor);
      this.signInFailures = w(source.signInFailures);
      this.audit = w(source.audit);
      this.organizations = w(source.organizations);
      this.memberships = w(source.memberships);
      this.repositories = w(source.repositories);
      this.deployKeys = w(source.deployKeys);
      this.fineGrainedTokens = w(source.fineGrainedTokens);
      this.tokenRequests = w(source.tokenRequests);
      this.credentialAuthorizations = w(source.credentialAuthorizations);
      this.accountTokens = w(source.accountTokens);
      this.rateLimits = w(source.rateLimits);
      this.oauthApps = w(source.oauthApps);
      this.deviceCodes = w(source.deviceCodes);
      this.authorizationCodes = w(source.authorizationCodes);
      return;
    }
    const db = source;
    this.changes = new SqliteChangeVersion(db);
    this.users = new SqliteUserStore(db);
    this.tokens = new SqliteTokenStore(db, this.changes);
    this.twoFactor = new SqliteTwoFactorStore(db, arg as SecretBox);
    this.signInFailures = this.changes.unwatched(new SqliteSignInFailureStore(db), ['reserveAttempt', 'settleAttempt', 'clear', 'prune']);
    this.audit = new SqliteAuditStore(db, this.changes);
    this.organizations = new SqliteOrganizationStore(db);
    this.memberships = new SqliteMembershipStore(db);
    this.repositories = new SqliteRepositoryStore(db);
    this.deployKeys = new SqliteDeployKeyStore(db);
    this.fineGrainedTokens = new SqliteFineGrainedTokenStore(db, (id) => this.tokens.byId(id));
    this.tokenRequests = new SqliteTokenRequestStore(db);
    this.credentialAuthorizations = this.changes.unwatched(new SqliteCredentialAuthorizationStore(db), ['touch']);
    this.accountTokens = new SqliteAccountTokenStore(db);
    this.rateLimits = new SqliteRateLimitStore(db, this.changes);
    this.oauthApps = new SqliteOAuthAppStore(db);
    this.deviceCodes = this.changes.unwatched(new SqliteDeviceCodeStore(db), ['create', 'recordPoll', 'slowDown', 'decide', 'markUsed', 'setTicket', 'takeTicket', 'deleteExpired']);
    this.authorizationCodes = this.changes.unwatched(new SqliteAuthorizationCodeStore(db), ['createRequest', 'decide', 'markUsed', 'deleteExpired']);
  }
}

/**
 * The store every request uses. Its methods wait while a transaction is open (write-gate.ts), so
 * a transaction's statements never interleave with anyone else's on the shared connection.
 */
export class SqliteStore extends SqliteParts implements Store {
  private closed = false;
  private readonly runningJobs = new Set<string>();
  private readonly pushLocks: PushLocks;
  private readonly gate: WriteGate;
  private readonly parts: SqliteParts;

  /**
   * Use `openSqliteStore`. `db` is exposed for implementations that extend the store; `box`
   * holds the data key the database's secrets are encrypted with; `dataDir` is the data folder
   * (where the push locks are kept).
   */
  constructor(
    readonly db: DatabaseSync,
    box: SecretBox,
    dataDir: string,
  ) {
    const parts = new SqliteParts(db, box);
    const gate = new WriteGate();
    // Every write of a request goes through a store call (or a transaction): the change version
    // looks at total_changes() again only after one.
    super(parts, (part) => gated(part, gate, () => parts.changes.storeCalled()));
    this.parts = parts;
    this.gate = gate;
    // A rename or delete waits for the pushes as long as a write waits for another process's (the busy timeout).
    this.pushLocks = new PushLocks(path.join(dataDir, PUSH_LOCKS_FOLDER), SQLITE_BUSY_TIMEOUT_MS);
  }

  async transaction<T>(fn: (tx: Store) => Promise<T>): Promise<T> {
    const release = await this.gate.acquire();
    let live = true;
    const tx = new SqliteTransactionStore(this.db, this.parts, () => live);
    try {
      return await this.gate.runInside(release, () => inAsyncTransaction(this.db, () => fn(tx)));
    } finally {
      live = false;
      this.changes.storeCalled();
      release();
    }
  }

  isBusy(err: unknown): boolean {
    return isSqliteBusy(err);
  }

  isMissingReference(err: unknown): boolean {
    return isSqliteMissingReference(err);
  }

  /**
   * A write transaction (BEGIN IMMEDIATE) around `fn`: the one lock SQLite has across the
   * processes sharing the file. Coarser than one repository (every writer waits), so `fn` is short;
   * `fn`'s own transactions on the store it gets are savepoints, committed with this one.
   */
  withRepositoryLock<T>(id: number, fn: (store: Store) => Promise<T>, options: { exclusiveOfPushes?: boolean } = {}): Promise<T> {
    // The push lock first (waiting for pushes holds back no writer), then the write transaction.
    return options.exclusiveOfPushes ? this.pushLocks.exclusive(id, () => this.transaction(fn)) : this.transaction(fn);
  }

  /** The repository's push lock (push-locks.ts), across the processes sharing the data folder. */
  withPushLock<T>(id: number, fn: (lockLost: AbortSignal) => Promise<T>): Promise<T> {
    return this.pushLocks.shared(id, () => fn(NEVER_LOST));
  }

  async runExclusive<T>(name: string, fn: () => Promise<T>): Promise<T | undefined> {
    if (this.runningJobs.has(name)) return undefined;
    this.runningJobs.add(name);
    try {
      return await fn();
    } finally {
      this.runningJobs.delete(name);
    }
  }

  changeVersion(): number | undefined {
    return this.changes.current();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // Let open transactions end first.
    await this.gate.acquire().then((release) => {
      writeStatement(this.db);
      this.db.close();
      release();
    });
  }
}

/** A transaction's store: the same stores, usable only while the transaction is open. */
class SqliteTransactionStore extends SqliteParts implements Store {
  constructor(
    private readonly db: DatabaseSync,
    parts: SqliteParts,
    private readonly isLive: () => boolean,
  ) {
    super(parts, (part) => scoped(part, isLive));
  }

  /** A nested transaction: a savepoint, rolled back alone when `fn` throws. */
  async transaction<T>(fn: (tx: Store) => Promise<T>): Promise<T> {
    if (!this.isLive()) throw new Error('the transaction has ended: its store can no longer be used');
    return inAsyncTransaction(this.db, () => fn(this));
  }

  isBusy(err: unknown): boolean {
    return isSqliteBusy(err);
  }

  isMissingReference(err: unknown): boolean {
    return isSqliteMissingReference(err);
  }

  async runExclusive(): Promise<never> {
    throw new Error('a periodic job runs on the store, not inside a transaction');
  }

  async withRepositoryLock(): Promise<never> {
    throw new Error('a repository lock is taken on the store, not inside a transaction');
  }

  async withPushLock(): Promise<never> {
    throw new Error('a push lock is taken on the store, not inside a transaction');
  }

  /** Unknown while the transaction is open. */
  changeVersion(): number | undefined {
    return undefined;
  }

  async close(): Promise<void> {
    throw new Error('a transaction’s store cannot close the database');
  }
}

/**
 * Opens (creating and migrating as needed) `${dataDir}/tessera.db`, unlocks its secrets with the
 * data key from `dataKey` (default: the key file in `dataDir`) and encrypts any stored in clear.
 */
export async function openSqliteStore(dataDir: string, dataKey: DataKeySource = keyFileSource(dataDir)): Promise<SqliteStore> {
  const db = openDatabase(dataDir);
  try {
    const box = await unlockDataKey(sqliteDataKeyLedger(db, () => holdsSealedTwoFactorSecrets(db)), dataKey, { dataDir });
    const store = new SqliteStore(db, box, dataDir);
    store.twoFactor.sealPlaintextSecrets();
    return store;
  } catch (err) {
    db.close();
    throw err;
  }
}
