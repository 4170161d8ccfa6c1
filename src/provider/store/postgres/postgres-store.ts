// The PostgreSQL implementation of Store (node-postgres, pooled): for a team, several provider
// replicas over one database. Opening it migrates the schema (once, under an advisory lock, even
// when replicas start together), installs the change triggers and starts listening for other
// replicas' changes (change-notifications.ts).
import { randomBytes } from 'node:crypto';
import { ClientConfig, Pool } from 'pg';
import { type DataKeySource, unlockDataKey } from '../../secrets/data-key';
import type { SecretBox } from '../../secrets/secret-box';
import type { Store } from '../store';
import { PushUnderWayError } from '../errors';
import { MIGRATIONS } from '../sqlite/migrations';
import { PgAccountTokenStore } from './account-tokens';
import { PgAuditStore } from './audit';
import { ChangeListener, installChangeTriggers } from './change-notifications';
import { ClosingClient } from './closing-client';
import { PgCredentialAuthorizationStore } from './credential-authorizations';
import { dataKeyStillRecorded, pgDataKeyLedger } from './data-key-ledger';
import { isPgBusy, isPgMissingReference, LocalWrites, PgDb } from './database';
import { LockConnection } from './lock-connection';
import { PgDeployKeyStore } from './deploy-keys';
import { PgDeviceCodeStore } from './device-codes';
import { PgAuthorizationCodeStore } from './oauth-authorization-codes';
import { PgFineGrainedTokenStore } from './fine-grained-tokens';
import { PgMembershipStore } from './memberships';
import { PgOAuthAppStore } from './oauth-apps';
import { runPgMigrations } from './migrate';
import { PgOrganizationStore } from './organizations';
import { PgRateLimitStore } from './rate-limits';
import { PgRepositoryStore } from './repositories';
import { ServingLock } from './serving-lock';
import { StatementGate } from './statement-gate';
import { PgSignInFailureStore } from './sign-in-failures';
import { PgTokenRequestStore } from './token-requests';
import { PgTokenStore } from './tokens';
import { PgTwoFactorStore } from './two-factor';
import { connectionError, describePostgresUrl, isPostgresUrl } from './url';
import { PgUserStore } from './users';

/** How long a statement waits for a row lock, and a request for a pooled connection, before the database counts as busy. */
const PG_WAIT_MS = 5000;
/** Idle time before TCP keepalive probes start on every connection (the system default is often 2 hours). */
const KEEPALIVE_DELAY_MS = 10_000;
/**
 * Connections that hold session advisory locks (repository locks, periodic jobs), a pool of their
 * own: a holder reads and writes through the request pool meanwhile, so if its lock took a
 * connection of that pool, as many holders at once as it has connections (parallel deletes, say)
 * would each wait for a connection another holder keeps, until all failed.
 */
const LOCK_CONNECTIONS = 4;
/** A repository's push lock (shared by pushes, exclusive for a rename or delete), by its id as text. */
const PUSH_LOCK_KEY = `hashtext('tessera.repository-push:' || $1)`;

interface PostgresStoreOptions {
  /** Where the key that encrypts the database's secrets is kept: every replica needs the same key. */
  dataKey: DataKeySource;
  /** The data folder, named in messages about the data key. */
  dataDir?: string;
  /** Pooled connections for requests (default 10); up to LOCK_CONNECTIONS more hold locks. */
  maxConnections?: number;
  /**
   * How often the connection that LISTENs for other replicas' changes is checked (`SELECT 1`,
   * answered within the same time); default 5 s. A replica trusts its caches only while a check
   * sent within two intervals has been answered.
   */
  listenCheckIntervalMs?: number;
  log?: (message: string) => void;
  /**
   * For a server: hold the database's serving lock (serving-lock.ts) while the store is open, and
   * call `onLost` once should it be lost for good. A start while `tessera migrate` holds it is refused.
   */
  serving?: { onLost(reason: string): void };
}

export class PostgresStore implements Store {
  readonly users: PgUserStore;
  readonly tokens: PgTokenStore;
  readonly twoFactor: PgTwoFactorStore;
  readonly signInFailures: PgSignInFailureStore;
  readonly audit: PgAuditStore;
  readonly organizations: PgOrganizationStore;
  readonly memberships: PgMembershipStore;
  readonly repositories: PgRepositoryStore;
  readonly deployKeys: PgDeployKeyStore;
  readonly fineGrainedTokens: PgFineGrainedTokenStore;
  readonly tokenRequests: PgTokenRequestStore;
  readonly credentialAuthorizations: PgCredentialAuthorizationStore;
  readonly accountTokens: PgAccountTokenStore;
  readonly rateLimits: PgRateLimitStore;
  readonly oauthApps: PgOAuthAppStore;
  readonly deviceCodes: PgDeviceCodeStore;
  readonly authorizationCodes: PgAuthorizationCodeStore;
  private closed: Promise<void> | undefined;

  /** Use `openPostgresStore`. `db`: the pool, or the transaction this store is bound to. */
  constructor(
    private readonly db: PgDb,
    private readonly shared: {
      pool: Pool;
      lockPool: Pool;
      pushPool: Pool;
      listener: ChangeListener;
      writes: LocalWrites;
      box: SecretBox;
      log: (message: string) => void;
      serving?: ServingLock;
      gate: StatementGate;
    },
  ) {
    const { box } = shared;
    this.users = new PgUserStore(db);
    this.tokens = new PgTokenStore(db);
    this.twoFactor = new PgTwoFactorStore(db, box);
    this.signInFailures = new PgSignInFailureStore(db);
    this.audit = new PgAuditStore(db);
    this.organizations = new PgOrganizationStore(db);
    this.memberships = new PgMembershipStore(db);
    this.repositories = new PgRepositoryStore(db);
    this.deployKeys = new PgDeployKeyStore(db);
    this.fineGrainedTokens = new PgFineGrainedTokenStore(db);
    this.tokenRequests = new PgTokenRequestStore(db);
    this.credentialAuthorizations = new PgCredentialAuthorizationStore(db);
    this.accountTokens = new PgAccountTokenStore(db);
    this.rateLimits = new PgRateLimitStore(db);
    this.oauthApps = new PgOAuthAppStore(db);
    this.deviceCodes = new PgDeviceCodeStore(db);
    this.authorizationCodes = new PgAuthorizationCodeStore(db);
  }

  get pool(): Pool {
    return this.shared.pool;
  }

  /**
   * Runs `fn` in one SERIALIZABLE transaction on one pooled connection, `tx` bound to it (run
   * again after a serialization conflict, so `fn` does only store work); nested: a savepoint.
   */
  transaction<T>(fn: (tx: PostgresStore) => Promise<T>): Promise<T> {
    return this.db.transaction((db) => fn(db === this.db ? this : new PostgresStore(db, this.shared)));
  }

  /**
   * Runs `fn` while holding the job's session advisory lock on a connection of the lock pool,
   * unless another connection (another replica) holds it: then undefined at once. Should the
   * server end that connection meanwhile, the loss is logged and `fn` runs on (the job is safe
   * to run twice: the sweeper's transaction revokes each token once).
   */
  runExclusive<T>(name: string, fn: () => Promise<T>): Promise<T | undefined> {
    if (this.db.inTransaction) throw new Error('a periodic job runs on the store, not inside a transaction');
    return this.holdingLock(`job ${name}`, `hashtext('tessera.job:' || $1)`, name, true, () => fn());
  }

  /**
   * Runs `fn` holding the repository's session advisory lock, taken on a connection of the lock
   * pool (waiting at most the connection's lock_timeout). `fn`'s store runs every statement and
   * transaction on that connection, so what it commits was committed while the lock was held;
   * once the connection has ended (the server ended it, a failover: the lock is free for others)
   * every call fails busy (LockLostError, 503 with Retry-After) instead.
   */
  async withRepositoryLock<T>(id: number, fn: (store: PostgresStore) => Promise<T>, options: { exclusiveOfPushes?: boolean } = {}): Promise<T> {
    if (this.db.inTransaction || this.db.onLockConnection) throw new Error('a repository lock is taken on the store, not inside a transaction or another lock');
    // The push lock first, as a push takes it (then the repository's lock, for its HEAD): no deadlock.
    const pushes = options.exclusiveOfPushes ? { key: PUSH_LOCK_KEY, id } : undefined;
    return (await this.holdingLock(`repository ${id}`, `hashtext('tessera.repository:' || $1)`, String(id), false, (lock) =>
      fn(new PostgresStore(PgDb.onLock(lock, this.shared.writes, this.shared.gate), this.shared)), pushes,
    )) as T;
  }

  /**
   * Runs `fn` holding the repository's push lock shared, on a connection of the push pool (one per
   * push: a push may take the repository's lock meanwhile, on the lock pool). Should the server end
   * that connection, the loss is logged and `fn`'s signal aborted: the push is to stop at once (a
   * rename or delete at another replica may take the lock from then on).
   */
  async withPushLock<T>(id: number, fn: (lockLost: AbortSignal) => Promise<T>): Promise<T> {
    if (this.db.inTransaction || this.db.onLockConnection) throw new Error('a push lock is taken on the store, not inside a transaction or another lock');
    const client = await this.shared.pushPool.connect();
    const lock = new LockConnection(client, `repository ${id} push`, this.shared.log);
    let broken: Error | undefined;
    try {
      await lock.query(`SELECT pg_advisory_lock_shared(${PUSH_LOCK_KEY})`, [String(id)]);
      try {
        return await fn(lock.lostSignal);
      } finally {
        await lock.query(`SELECT pg_advisory_unlock_shared(${PUSH_LOCK_KEY})`, [String(id)]).catch((e: Error) => (broken = e));
      }
    } finally {
      lock.detach();
      client.release(broken ?? lock.lost);
    }
  }

  /**
   * Takes (`tryOnly`: tries) the advisory lock `key` on a lock pool connection — after `pushes`'
   * push lock, exclusively (PushUnderWayError when a push holds it past the lock timeout) — runs
   * `fn`, unlocks; undefined when tried and taken by another.
   */
  private async holdingLock<T>(
    what: string,
    key: string,
    arg: string,
    tryOnly: boolean,
    fn: (lock: LockConnection) => Promise<T>,
    pushes?: { key: string; id: number },
  ): Promise<T | undefined> {
    const client = await this.shared.lockPool.connect();
    const lock = new LockConnection(client, what, this.shared.log);
    let broken: Error | undefined;
    let pushesHeld = false;
    try {
      if (pushes) {
        await lock.query(`SELECT pg_advisory_lock(${pushes.key})`, [String(pushes.id)]).catch((err: unknown) => {
          throw (err as { code?: unknown })?.code === '55P03' ? new PushUnderWayError(pushes.id) : err;
        });
        pushesHeld = true;
      }
      const got = await lock.query(tryOnly ? `SELECT pg_try_advisory_lock(${key}) AS locked` : `SELECT pg_advisory_lock(${key}) AS locked`, [arg]);
      if (tryOnly && !got.rows[0].locked) return undefined;
      try {
        return await fn(lock);
      } finally {
        await lock.query(`SELECT pg_advisory_unlock(${key})`, [arg]).catch((e: Error) => (broken = e));
      }
    } finally {
      if (pushes && pushesHeld && !broken) await lock.query(`SELECT pg_advisory_unlock(${pushes.key})`, [String(pushes.id)]).catch((e: Error) => (broken = e));
      lock.detach();
      // A connection whose unlock failed (or that ended) may still hold the lock: it is closed, not pooled.
      client.release(broken ?? lock.lost);
    }
  }

  /**
   * This store's writes (counted once committed) plus the changes other replicas or processes
   * committed (heard through LISTEN); undefined inside a transaction or while not listening.
   */
  changeVersion(): number | undefined {
    return this.db.inTransaction ? undefined : this.shared.listener.version(this.shared.writes.count);
  }

  isBusy(err: unknown): boolean {
    return isPgBusy(err);
  }

  isMissingReference(err: unknown): boolean {
    return isPgMissingReference(err);
  }

  /**
   * Closes the pools and the listening connection (a transaction's or a lock's store: nothing to
   * close). From its start no statement or COMMIT is sent (statement-gate.ts): a transaction still
   * open is rolled back at its next statement or its COMMIT, and lets its connection go.
   */
  close(): Promise<void> {
    if (this.db.inTransaction || this.db.onLockConnection) return Promise.resolve();
    this.closed ??= (async () => {
      this.shared.gate.storeClosing();
      await this.shared.listener.close();
      await Promise.all([this.shared.pool.end(), this.shared.lockPool.end(), this.shared.pushPool.end()]);
      // Last: no migration starts while this store could still write.
      await this.shared.serving?.release();
    })();
    return this.closed;
  }
}

/**
 * Connects to `url`, migrates the schema, unlocks its secrets with the data key from
 * `opts.dataKey` and starts listening for changes.
 */
export async function openPostgresStore(url: string, opts: PostgresStoreOptions): Promise<PostgresStore> {
  if (!isPostgresUrl(url)) throw new Error('the database URL must start with postgres:// or postgresql://');
  const log = opts.log ?? (() => undefined);
  const instance = randomBytes(8).toString('hex');
  const config: ClientConfig = {
    connectionString: url,
    options: `-c tessera.instance=${instance} -c lock_timeout=${PG_WAIT_MS}`,
    application_name: 'tessera',
    connectionTimeoutMillis: PG_WAIT_MS,
    keepAlive: true,
    // A peer that vanished is found by the system's probes after this much idle time, not hours.
    keepAliveInitialDelayMillis: KEEPALIVE_DELAY_MS,
  };
  // A connection refused while authenticating is closed at once (ClosingClient), not held open.
  const pool = new Pool({ ...config, Client: ClosingClient, max: opts.maxConnections ?? 10, idleTimeoutMillis: 30_000 });
  // An idle pooled connection that breaks (database restart) must not crash the provider; the
  // pool drops it and the next request gets a new one (or a 503 while the database is away).
  pool.on('error', (err) => log(`database connection lost: ${err.message}`));
  const lockPool = new Pool({ ...config, Client: ClosingClient, max: LOCK_CONNECTIONS, idleTimeoutMillis: 30_000 });
  lockPool.on('error', (err) => log(`database connection lost: ${err.message}`));
  // One connection per push under way (its push lock held for the push's length), as many as requests.
  const pushPool = new Pool({ ...config, Client: ClosingClient, max: opts.maxConnections ?? 10, idleTimeoutMillis: 30_000 });
  pushPool.on('error', (err) => log(`database connection lost: ${err.message}`));
  const listener = new ChangeListener(config, instance, log, opts.listenCheckIntervalMs);
  let serving: ServingLock | undefined;
  const gate = new StatementGate(PG_WAIT_MS);
  try {
    // A database that cannot be reached, or refuses the credentials, is named in the error.
    await pool.query('SELECT 1').catch((err: unknown) => {
      throw connectionError(url, err);
    });
    if (opts.serving) {
      serving = await ServingLock.take(config, opts.serving.onLost, log, gate).catch((err: unknown) => {
        throw connectionError(url, err);
      });
    }
    await runPgMigrations(pool, MIGRATIONS, { afterMigrating: installChangeTriggers });
    const box = await unlockDataKey(pgDataKeyLedger(pool), opts.dataKey, {
      dataDir: opts.dataDir ?? '(the data folder)',
      database: `the PostgreSQL database at ${describePostgresUrl(url)}`,
      shared: true,
    });
    serving?.checkOnRetake(dataKeyStillRecorded(box.keyId));
    await listener.start();
    const writes = new LocalWrites();
    return new PostgresStore(PgDb.over(pool, writes, gate), { pool, lockPool, pushPool, listener, writes, box, log, serving, gate });
  } catch (err) {
    await listener.close();
    await Promise.all([pool.end().catch(() => undefined), lockPool.end().catch(() => undefined), pushPool.end().catch(() => undefined)]);
    await serving?.release();
    throw err;
  }
}
