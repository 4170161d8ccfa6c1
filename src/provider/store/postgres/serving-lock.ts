// The database's serving lock, which tells a running team server from anywhere: every replica
// holds it shared, on a connection of its own (application_name 'tessera (serving)'), for its
// whole life; `tessera migrate` takes it exclusively and holds it while it migrates. So a
// migration sees a server running on the database from any host (not only the processes of its
// own), and no server starts on a database being migrated. `tessera reset-two-factor --db` takes it
// exclusively too, for as long as it runs (data-key-ledger.ts). A replica whose lock connection ends
// (the server ended it, a failover, a restart) takes the lock again on a new connection at once,
// and again every second while the database cannot be reached; should a migration (or a reset)
// hold it by then, the lock is lost for good: `onLost` is told, and the replica stops (index.ts).
// So is it when a reset ran from start to end between the loss and the lock held again: the lock
// taken again, the database's data key is checked (checkOnRetake) before anything is sent.
// From the connection's end until the lock is held again (for good, should it be lost) the
// store's gate sends the database nothing (statement-gate.ts).
import type { ClientConfig } from 'pg';
import { ClosingClient } from './closing-client';
import type { StatementGate } from './statement-gate';

/** The advisory lock's key (one per database: advisory locks are the database's). */
export const SERVING_LOCK_KEY = `hashtext('tessera.serving')`;
export const SERVING_LOCK_APPLICATION = 'tessera (serving)';
/** How long a replica whose lock connection ended waits between two tries to take it again. */
const RETAKE_PAUSE_MS = 1000;

/** Who takes the lock alone: a migration, or a reset of two-factor authentication. */
const HELD_ALONE_BY = 'a `tessera migrate` (or `tessera reset-two-factor`)';
const MIGRATION_HOLDS_IT = `${HELD_ALONE_BY} is running on the database: start the server once it has ended`;

/** A replica's share of the serving lock. */
export class ServingLock {
  private client: ClosingClient | undefined;
  private released = false;
  private retry: NodeJS.Timeout | undefined;
  private retakeCheck: ((client: ClosingClient) => Promise<string | undefined>) | undefined;

  private constructor(
    private readonly config: ClientConfig,
    private readonly onLost: (reason: string) => void,
    private readonly log: (message: string) => void,
    private readonly gate: StatementGate,
  ) {}

  /**
   * Takes the lock shared on a new connection; throws when a migration holds it, or the database
   * cannot be reached. `onLost(reason)` is called once, should it be lost for good.
   */
  static async take(config: ClientConfig, onLost: (reason: string) => void, log: (message: string) => void, gate: StatementGate): Promise<ServingLock> {
    const lock = new ServingLock(config, onLost, log, gate);
    await lock.hold(true);
    return lock;
  }

  /**
   * `check` runs on the new connection each time the lock is held again, before the gate opens:
   * the reason this replica must not serve on (what changed while it did not hold the lock), or
   * undefined. (A reset, which takes the lock alone, cannot run while the lock is held shared.)
   */
  checkOnRetake(check: (client: ClosingClient) => Promise<string | undefined>): void {
    this.retakeCheck = check;
  }

  /** Connects and takes the lock shared; `first`: throws what went wrong, else tries again or reports the loss. */
  private async hold(first: boolean, cause?: string): Promise<void> {
    this.retry = undefined;
    const client = new ClosingClient({ ...this.config, application_name: SERVING_LOCK_APPLICATION });
    client.on('error', (err) => this.dropped(client, err.message));
    client.on('end', () => this.dropped(client, 'closed by the server'));
    let locked: boolean;
    let refused: string | undefined;
    try {
      await client.connect();
      locked = (await client.query<{ locked: boolean }>(`SELECT pg_try_advisory_lock_shared(${SERVING_LOCK_KEY}) AS locked`)).rows[0].locked;
      if (locked && !first && !this.released) refused = await this.retakeCheck?.(client);
    } catch (err) {
      await client.end().catch(() => undefined);
      if (first) throw err;
      if (!this.released) this.retry = setTimeout(() => void this.hold(false, cause), RETAKE_PAUSE_MS);
      return;
    }
    if (!locked || refused !== undefined || this.released) {
      await client.end().catch(() => undefined);
      if (!locked && first) throw new Error(MIGRATION_HOLDS_IT);
      if (this.released) return;
      this.gate.servingLockLostForGood();
      this.onLost(`its connection ended (${cause}), and ${refused ?? `${HELD_ALONE_BY} has taken it since`}`);
      return;
    }
    this.client = client;
    if (first) return;
    this.gate.servingLockHeld();
    this.log(`the database's serving lock is held again, on a new connection`);
  }

  /** The lock's connection ended: the lock is the server's no more; taken again at once. */
  private dropped(client: ClosingClient, cause: string): void {
    if (client !== this.client || this.released) return;
    this.client = undefined;
    this.gate.servingLockLost(cause);
    this.log(`the database's serving lock connection ended (${cause}): taking the lock again`);
    void this.hold(false, cause);
  }

  /** Lets the lock go (closing its connection); nothing is reported from then on. */
  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    clearTimeout(this.retry);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }
}

/**
 * Takes the serving lock exclusively on `client` (for a migration or a reset, which holds it until
 * the client ends); throws `refusal(servers)` when a server holds it, naming how many replicas do.
 */
export async function takeServingLockAlone(client: ClosingClient, refusal: (servers: number) => Error): Promise<void> {
  const got = await client.query<{ locked: boolean }>(`SELECT pg_try_advisory_lock(${SERVING_LOCK_KEY}) AS locked`);
  if (got.rows[0].locked) return;
  const holders = await client.query<{ n: string }>(
    `SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1`,
    [SERVING_LOCK_APPLICATION],
  );
  throw refusal(Number(holders.rows[0].n));
}
