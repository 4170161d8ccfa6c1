// The PostgreSQL store's access to the database: a pooled `pg.Pool`, or — inside a transaction —
// the one pooled client the transaction runs on. Reads and writes are separate calls so the store
// knows when this process has changed something (LocalWrites, for Store.changeVersion): an
// autocommit write counts once it has returned, a transaction's writes once it has committed.
import type { Pool, PoolClient, QueryResult } from 'pg';
import { UniqueViolation } from '../errors';
import type { Row } from '../sqlite/rows';
import { type LockConnection, LockLostError } from './lock-connection';
import { NotServingError, type StatementGate } from './statement-gate';

export type { Row };

/** Counts writes this process has committed (read by Store.changeVersion). */
export class LocalWrites {
  count = 0;
}

/**
 * How long a transaction is tried again when PostgreSQL reports a serialization conflict or
 * deadlock (as long as a statement waits for a lock): many writers of one user's rows at once
 * (parallel token creations at several replicas) conflict round after round, and each round one
 * of them commits. Past it, the conflict is passed on (the request is answered busy).
 */
const CONFLICT_RETRY_MS = 5000;
const isConflict = (err: unknown) => ['40001', '40P01'].includes(String((err as { code?: unknown })?.code));
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A pooled connection that the server ended (restart, failover, pg_terminate_backend) fails the
 * next statement sent on it; the pool then drops it. A read, or a BEGIN, that failed that way did
 * nothing and is sent again, instead of answering the request busy: at most once per connection the
 * pool can hold (each failure drops one dead connection) and once more on a fresh one.
 */
const isLostConnection = (err: unknown) => {
  const e = err as { code?: unknown; message?: unknown } | undefined;
  if (['57P01', '57P02', 'ECONNRESET', 'EPIPE'].includes(String(e?.code))) return true;
  return /^(Connection terminated( unexpectedly)?|Client has encountered a connection error and is not queryable)$/.test(String(e?.message ?? ''));
};

/**
 * Thrown when a transaction's connection was lost before COMMIT was sent (BEGIN, a statement of
 * `fn`, or between two): the server rolls back what it ran, so it may start again on another.
 */
class LostBeforeCommit extends Error {
  constructor(readonly original: unknown) {
    super('the connection was lost before COMMIT');
  }
}

interface TxState {
  client: PoolClient;
  ended: boolean;
  dirty: boolean;
  savepoints: number;
  period: number; // the serving lock's period it began in (StatementGate.check)
}

const hasNul = (v: unknown) => typeof v === 'string' && v.includes('\u0000');

/**
 * PostgreSQL text cannot hold NUL (SQLite's can), so no stored value contains one: a look-up by a
 * string with NUL (a login from a URL, say) matches nothing. Such a string is passed as NULL (an
 * array drops it), which matches nothing too, instead of failing the query.
 */
function lookupArgs(args: unknown[]): unknown[] {
  if (!args.some((a) => hasNul(a) || (Array.isArray(a) && a.some(hasNul)))) return args;
  return args.map((a) => (hasNul(a) ? null : Array.isArray(a) ? a.filter((v) => !hasNul(v)) : a));
}

/**
 * Reads run as prepared statements, named by their SQL text: each pooled connection parses and
 * plans a text once instead of on every call. The names are shared by every store in the process
 * (a name stands for one text); texts past MAX_PREPARED (SQL built with a varying number of
 * parameters) run unprepared.
 */
const MAX_PREPARED = 2000;
const statementNames = new Map<string, string>();

function statementName(sql: string): string | undefined {
  let name = statementNames.get(sql);
  if (!name && statementNames.size < MAX_PREPARED) statementNames.set(sql, (name = `tessera_read_${statementNames.size + 1}`));
  return name;
}

export class PgDb {
  /** `tx` set: a transaction on that client. `lock` set: every statement runs on that lock connection. `gate`: checked before each statement and COMMIT. */
  private constructor(
    private readonly pool: Pool,
    private readonly writes: LocalWrites,
    private readonly gate: StatementGate,
    private readonly tx?: TxState,
    private readonly lock?: LockConnection,
  ) {}

  static over(pool: Pool, writes: LocalWrites, gate: StatementGate): PgDb {
    return new PgDb(pool, writes, gate);
  }

  /**
   * Every statement, and every transaction, on the connection that holds a session lock: a
   * statement that succeeds ran while the lock was held (the server releases a session's locks
   * only when asked or when the session ends), and none is sent once the lock is known lost.
   */
  static onLock(lock: LockConnection, writes: LocalWrites, gate: StatementGate): PgDb {
    return new PgDb(lock as unknown as Pool, writes, gate, undefined, lock);
  }

  /** Whether this runs on a lock connection (PgDb.onLock): it owns no pool. */
  get onLockConnection(): boolean {
    return this.lock !== undefined;
  }

  get inTransaction(): boolean {
    return this.tx !== undefined;
  }

  private target(): Pool | PoolClient {
    if (!this.tx) return this.pool;
    if (this.tx.ended) throw new Error('this transaction has ended: use the store it was opened on');
    return this.tx.client;
  }

  /**
   * A read: a prepared statement of its connection (statementName), sent again after a lost
   * connection (isLostConnection). Also a write that may run twice (idempotent: a timestamp set,
   * expired rows deleted) and that no cache holds.
   */
  rows(sql: string, args: unknown[] = []): Promise<Row[]> {
    return this.prepared(sql, args, this.tx ? 0 : this.lostConnectionRetries());
  }

  /**
   * Bookkeeping written on nearly every request that no cache holds (audit events, rate-limit
   * counters): prepared like a read and, like one, not counted as this store's write
   * (Store.changeVersion). Never sent again after a lost connection: the server may have
   * committed it before the answer was lost, and a second run would count it twice.
   */
  bookkeeping(sql: string, args: unknown[] = []): Promise<Row[]> {
    return this.prepared(sql, args, 0);
  }

  private async prepared(sql: string, args: unknown[], resends: number): Promise<Row[]> {
    const target = this.target();
    for (let attempt = 1; ; attempt++) {
      await this.ready();
      try {
        const values = lookupArgs(args);
        const name = statementName(sql);
        const result = name ? await target.query({ name, text: sql, values }) : await target.query(sql, values);
        return result.rows;
      } catch (err) {
        if (!isLostConnection(err) || attempt > resends) throw err;
      }
    }
  }

  /** Whether a statement may be sent (statement-gate.ts): in a transaction, only in the period it began in. */
  private ready = async () => (this.tx ? this.gate.check(this.tx.period) : this.gate.ready());

  /** How many times a statement that met a dead pooled connection is sent again (never on a lock's: its lock is gone). */
  private lostConnectionRetries(): number {
    if (this.lock) return 0;
    return ((this.pool as { options?: { max?: number } }).options?.max ?? 10) + 1;
  }

  async row(sql: string, args: unknown[] = []): Promise<Row | undefined> {
    return (await this.rows(sql, args))[0];
  }

  /** A statement that changes data (rows: what RETURNING gave). */
  async write(sql: string, args: unknown[] = []): Promise<QueryResult> {
    const target = this.target();
    await this.ready();
    if (this.tx) {
      this.tx.dirty = true;
      return target.query(sql, args);
    }
    try {
      return await target.query(sql, args);
    } finally {
      this.writes.count++;
    }
  }

  /** Rows changed by a write. */
  async changes(sql: string, args: unknown[] = []): Promise<number> {
    return (await this.write(sql, args)).rowCount ?? 0;
  }

  /**
   * Runs `fn` so that a failure it expects (a unique violation the caller turns into an answer)
   * does not abort an enclosing transaction: inside one, under a savepoint rolled back on error.
   */
  async guarded<T>(fn: () => Promise<T>): Promise<T> {
    if (!this.tx) return fn();
    return this.transaction(() => fn());
  }

  /**
   * Runs `fn` in a SERIALIZABLE transaction on one pooled client: COMMIT when it returns, ROLLBACK
   * when it throws; run again (a fresh transaction) after a serialization conflict or deadlock,
   * or a connection lost before COMMIT was sent.
   * Inside a transaction it nests as a savepoint, rolled back alone when `fn` throws.
   * `readCommitted`: for a store method that serializes itself with locks it takes first (each
   * statement then sees what the transactions it waited for committed).
   */
  async transaction<T>(fn: (tx: PgDb) => Promise<T>, opts: { readCommitted?: boolean } = {}): Promise<T> {
    if (this.tx) return this.nested(fn);
    const deadline = Date.now() + CONFLICT_RETRY_MS;
    let lost = 0;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.once(fn, opts.readCommitted ? 'READ COMMITTED' : 'SERIALIZABLE');
      } catch (err) {
        if (err instanceof LostBeforeCommit) {
          if (++lost > this.lostConnectionRetries()) throw err.original;
          continue;
        }
        if (!isConflict(err) || Date.now() >= deadline) throw err;
        await pause(Math.random() * Math.min(100, 2 * attempt));
      }
    }
  }

  private async once<T>(fn: (tx: PgDb) => Promise<T>, isolation: 'SERIALIZABLE' | 'READ COMMITTED'): Promise<T> {
    await this.gate.ready();
    const client = await this.pool.connect();
    const state: TxState = { client, ended: false, dirty: false, savepoints: 0, period: this.gate.period };
    let broken: Error | undefined;
    // A checked-out client has no 'error' listener (the pool's is for idle ones): ended by the
    // server while `fn` awaits between statements, it would throw from its socket and end the
    // process. Heard here instead; its next statement fails busy. (A lock's connection listens itself.)
    const lost = (err?: Error) => {
      broken ??= err ?? new Error('the connection ended');
    };
    if (!this.lock) client.on('error', lost);
    let commitSent = false;
    try {
      await client.query(`BEGIN ISOLATION LEVEL ${isolation}`);
      const out = await fn(new PgDb(this.pool, this.writes, this.gate, state, this.lock));
      state.ended = true;
      // Never sent on a connection known lost, nor the serving lock lost since BEGIN or the store closing (statement-gate.ts).
      if (broken) throw broken;
      this.gate.check(state.period);
      commitSent = true;
      await client.query('COMMIT');
      return out;
    } catch (err) {
      state.ended = true;
      // Lost before COMMIT was sent (the connection, or the serving lock since BEGIN): nothing committed,
      // so run again (transaction() bounds it; a new BEGIN waits for the lock). Lost while COMMIT was on its way: passed on.
      const retry = !commitSent && (broken !== undefined || isLostConnection(err) || err instanceof NotServingError);
      await client.query('ROLLBACK').catch((e: Error) => {
        broken = e; // the connection is gone: the pool must not hand it out again
      });
      throw retry ? new LostBeforeCommit(err) : err;
    } finally {
      if (!this.lock) client.removeListener('error', lost);
      client.release(broken);
      if (state.dirty) this.writes.count++;
    }
  }

  private async nested<T>(fn: (tx: PgDb) => Promise<T>): Promise<T> {
    const tx = this.tx!;
    const client = this.target() as PoolClient;
    const name = `tessera_sp${++tx.savepoints}`;
    await client.query(`SAVEPOINT ${name}`);
    try {
      const out = await fn(this);
      await client.query(`RELEASE SAVEPOINT ${name}`);
      return out;
    } catch (err) {
      if (!tx.ended) await client.query(`ROLLBACK TO SAVEPOINT ${name}`);
      throw err;
    }
  }
}

/** Builds `$n` placeholders while collecting their values. */
export class Params {
  readonly values: unknown[] = [];

  add(v: unknown): string {
    this.values.push(v);
    return `$${this.values.length}`;
  }

  list(vs: readonly unknown[]): string {
    return vs.map((v) => this.add(v)).join(', ');
  }
}

/**
 * Runs `fn` (guarded: inside a transaction a violation does not abort it), turning unique
 * violations (SQLSTATE 23505) into UniqueViolation(field).
 */
export async function mapUnique<T>(db: PgDb, fn: () => Promise<T>, fieldFor: (constraint: string) => string): Promise<T> {
  try {
    return await db.guarded(fn);
  } catch (err) {
    const e = err as { code?: unknown; constraint?: unknown };
    if (e?.code === '23505') throw new UniqueViolation(fieldFor(String(e.constraint ?? '')));
    throw err;
  }
}

/** SQLSTATEs meaning "the database could not do it now, try again": not a bug. */
const BUSY_SQLSTATES = new Set([
  '40001', // serialization_failure
  '40P01', // deadlock_detected
  '55P03', // lock_not_available (lock_timeout)
  '57014', // query_canceled (statement_timeout)
  '53300', // too_many_connections
  '53400', // configuration_limit_exceeded
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up, shutting down, recovering)
]);
const NETWORK_ERRORS = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ENOTFOUND']);

/** Whether `err` means the database was busy or unreachable (the caller may try again later). */
export function isPgBusy(err: unknown): boolean {
  if (err instanceof LockLostError || err instanceof NotServingError) return true;
  const e = err as { code?: unknown; message?: unknown; cause?: unknown } | undefined;
  if (!e || typeof e !== 'object') return false;
  // An error that names the database (connectionError) carries pg's own as its cause.
  if (e.cause !== undefined && isPgBusy(e.cause)) return true;
  const code = typeof e.code === 'string' ? e.code : '';
  if (BUSY_SQLSTATES.has(code) || code.startsWith('08') || NETWORK_ERRORS.has(code)) return true;
  const message = typeof e.message === 'string' ? e.message : '';
  // object_not_in_prerequisite_state at connection start: the database refuses connections for now.
  if (code === '55000' && /is not currently accepting connections/.test(message)) return true;
  // node-postgres' own messages for a pool that could not connect in time or a connection lost mid-query.
  return /^(timeout exceeded when trying to connect|Connection terminated( unexpectedly| due to connection timeout)?|Client has encountered a connection error and is not queryable)$/.test(message);
}

/** foreign_key_violation (SQLSTATE 23503): a row written refers to a parent row that is not there. */
export function isPgMissingReference(err: unknown): boolean {
  return (err as { code?: unknown } | undefined)?.code === '23503';
}
