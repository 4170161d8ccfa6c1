// Store.changeVersion for SQLite. Writes through this connection show in total_changes() (rows
// inserted, updated or deleted by this connection, any table, triggers included), less the rows of
// bookkeeping writes (ignore(), unwatched()): last_used_at, audit appends, rate-limit counters,
// sign-in attempts, OAuth codes. A request writes only through the store's methods and
// transactions, which say so (storeCalled(): once a call's statements have run, again when it
// settles, and at a transaction's end), so total_changes() is read again only after one: most
// requests, served from the caches, read it once or not at all (a write made on the connection
// directly, bypassing the store, is not seen until the next store call). Commits by any other connection or process
// on the same file show in PRAGMA data_version, which opens a read transaction (a few system
// calls), so it is read at most once per event-loop turn, as the turn's first read of the shared
// read transaction (shared-read.ts): another connection's commit is seen from the next turn on,
// i.e. by any request that arrived after it, by the caches and the turn's reads alike.
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { inWriteTransaction, readStatement } from './shared-read';

export class SqliteChangeVersion {
  private readonly totalChangesStmt: StatementSync;
  private readonly dataVersionStmt: StatementSync;
  private ignored = 0;
  private seenChanges = -1;
  /** Store calls and transactions that ran, and their count when total_changes() was last read. */
  private storeCalls = 0;
  private seenStoreCalls = -1;
  private seenDataVersion = -1;
  private version = 0;
  private dataVersionReadThisTurn = false;
  private readonly nextTurn = () => {
    this.dataVersionReadThisTurn = false;
  };

  constructor(private readonly db: DatabaseSync) {
    this.totalChangesStmt = db.prepare('SELECT total_changes()');
    this.totalChangesStmt.setReturnArrays(true);
    this.dataVersionStmt = db.prepare('PRAGMA data_version');
    this.dataVersionStmt.setReturnArrays(true);
  }

  /** `rows` just written through this connection are not a change (last_used_at, audit events). */
  ignore(rows: number): void {
    this.ignored += rows;
  }

  /**
   * `part` with the named async methods' writes not counted as a change: bookkeeping no cache
   * holds (sign-in attempts, OAuth codes, usage times), as PostgreSQL's change triggers leave the
   * same tables and columns out (postgres/change-notifications.ts). Each method writes before its
   * first await (node:sqlite is synchronous), so the rows it wrote are those total_changes() gained
   * during the call. Inside a transaction the rows count, as ignore() has it.
   */
  unwatched<T extends object>(part: T, methods: readonly (keyof T & string)[]): T {
    const out = Object.create(part) as Record<string, unknown>;
    for (const name of methods) {
      const method = (part as Record<string, unknown>)[name] as (...args: unknown[]) => Promise<unknown>;
      out[name] = async (...args: unknown[]) => {
        if (inWriteTransaction(this.db)) return method.apply(part, args);
        const before = this.totalChanges();
        const result = method.apply(part, args);
        this.ignored += this.totalChanges() - before;
        return result;
      };
    }
    return out as T;
  }

  /** A store call's statements have run (or it settled, or a transaction ended): total_changes() may have moved. */
  storeCalled(): void {
    this.storeCalls++;
  }

  private totalChanges(): number {
    return Number((this.totalChangesStmt.get() as unknown as [number])[0]);
  }

  current(): number | undefined {
    // Inside a transaction this connection sees its own uncommitted writes: no caching.
    if (inWriteTransaction(this.db)) return undefined;
    if (!this.dataVersionReadThisTurn) {
      // Inside the turn's shared read transaction (shared-read.ts): the version names what the turn's reads see.
      readStatement(this.db);
      const [dataVersion] = this.dataVersionStmt.get() as unknown as [number];
      if (dataVersion !== this.seenDataVersion) {
        this.seenDataVersion = dataVersion;
        this.version++;
      }
      this.dataVersionReadThisTurn = true;
      setImmediate(this.nextTurn).unref();
    }
    if (this.storeCalls !== this.seenStoreCalls) {
      this.seenStoreCalls = this.storeCalls;
      const changes = this.totalChanges() - this.ignored;
      if (changes !== this.seenChanges) {
        this.seenChanges = changes;
        this.version++;
      }
    }
    return this.version;
  }
}
