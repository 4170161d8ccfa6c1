// Store.changeVersion for SQLite. Writes through this connection show in total_changes() (rows
// inserted, updated or deleted by this connection, any table, triggers included), read on every
// call, less the rows of last_used_at writes and audit appends (ignore()). Commits by any other connection or process
// on the same file show in PRAGMA data_version, which opens a read transaction (a few system
// calls), so it is read at most once per event-loop turn: another connection's commit is seen
// from the next turn on, i.e. by any request that arrived after it.
import type { DatabaseSync, StatementSync } from 'node:sqlite';

export class SqliteChangeVersion {
  private readonly totalChangesStmt: StatementSync;
  private readonly dataVersionStmt: StatementSync;
  private ignored = 0;
  private seenChanges = -1;
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

  current(): number | undefined {
    // Inside a transaction this connection sees its own uncommitted writes: no caching.
    if (this.db.isTransaction) return undefined;
    if (!this.dataVersionReadThisTurn) {
      const [dataVersion] = this.dataVersionStmt.get() as unknown as [number];
      if (dataVersion !== this.seenDataVersion) {
        this.seenDataVersion = dataVersion;
        this.version++;
      }
      this.dataVersionReadThisTurn = true;
      setImmediate(this.nextTurn).unref();
    }
    const [total] = this.totalChangesStmt.get() as unknown as [number];
    const changes = Number(total) - this.ignored;
    if (changes !== this.seenChanges) {
      this.seenChanges = changes;
      this.version++;
    }
    return this.version;
  }
}
