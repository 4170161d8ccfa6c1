// A session advisory lock's connection (repository locks, push locks, periodic jobs), held from the
// lock's taking to its release: its loss (the server ended the session) is known at once.
import type { PoolClient, QueryConfig, QueryResult } from 'pg';

/** A session lock held no more: its connection ended. Busy (503 with Retry-After): the client may try again. */
export class LockLostError extends Error {
  constructor(what: string, cause: Error | undefined) {
    super(`the ${what} lock's connection ended (${cause?.message ?? 'closed'}): the lock is lost`);
  }
}

/**
 * A lock pool's connection while it holds a session advisory lock, seen by PgDb.onLock as a pool
 * of that one connection: its 'error' and 'end' mark the lock lost (the server ended the session,
 * a failover), and from then on every statement fails with LockLostError instead of being sent.
 * A transaction on it is one at a time (`connect` waits for the previous one's release), and a
 * statement from outside waits for the open one to end, so that it never runs inside it.
 */
export class LockConnection {
  lost: LockLostError | undefined;
  private idle: Promise<void> = Promise.resolve();
  private readonly losing = new AbortController();
  private readonly onLost = (err?: Error) => {
    if (this.lost) return;
    this.lost = new LockLostError(this.what, err);
    this.log(this.lost.message);
    this.losing.abort(this.lost);
  };

  /** Aborted (its reason the LockLostError) once the lock is lost: for work that must stop then, not at its next statement. */
  get lostSignal(): AbortSignal {
    return this.losing.signal;
  }

  constructor(
    readonly client: PoolClient,
    private readonly what: string,
    private readonly log: (message: string) => void,
  ) {
    client.on('error', this.onLost);
    client.on('end', this.onLost);
  }

  query<R = Record<string, unknown>>(text: string, values?: unknown[]): Promise<QueryResult<R>>;
  query<R = Record<string, unknown>>(config: QueryConfig): Promise<QueryResult<R>>;
  async query<R = Record<string, unknown>>(textOrConfig: string | QueryConfig, values?: unknown[]): Promise<QueryResult<R>> {
    await this.idle;
    return this.send<R>(textOrConfig, values);
  }

  private send<R>(textOrConfig: string | QueryConfig, values?: unknown[]): Promise<QueryResult<R>> {
    if (this.lost) return Promise.reject(this.lost);
    return typeof textOrConfig === 'string' ? this.client.query<R>(textOrConfig, values) : this.client.query<R>(textOrConfig);
  }

  /** For PgDb's transactions: this connection, once no other transaction uses it; release() lets the next one have it. */
  async connect(): Promise<PoolClient> {
    const before = this.idle;
    let release!: () => void;
    this.idle = new Promise<void>((r) => (release = r));
    await before;
    return { query: (textOrConfig: string | QueryConfig, values?: unknown[]) => this.send(textOrConfig, values), release } as unknown as PoolClient;
  }

  /** Stops listening (before the connection goes back to its pool, or is closed). */
  detach(): void {
    this.client.removeListener('error', this.onLost);
    this.client.removeListener('end', this.onLost);
  }
}
