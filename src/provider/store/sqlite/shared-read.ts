// One read transaction per event-loop turn, shared by the turn's reads. In WAL mode every statement
// run outside a transaction starts and ends a read transaction of its own (the wal-index header
// read, a read mark locked and unlocked in the -shm file: a few system calls), which costs more
// than most of the provider's reads themselves; a list request runs three or more. The first read
// of a turn (readStatement) opens a deferred transaction (BEGIN) that the turn's later reads join,
// ended (COMMIT: nothing to write) in the turn's check phase, so a request sees commits by other
// connections from the next turn on, as the change version does (change-version.ts reads PRAGMA
// data_version once per turn, inside this same transaction). Every write, and every BEGIN
// IMMEDIATE, ends it first (writeStatement): a write never joins it (it would commit only at the
// turn's end, and fail busy on a snapshot another process has written past), and a request sees
// its own writes at once. Statements other than the store's reads (statements.ts) end it too.
import type { DatabaseSync, StatementSync } from 'node:sqlite';

class SharedRead {
  open = false;
  private readonly beginStmt: StatementSync;
  private readonly commitStmt: StatementSync;
  private readonly endOfTurn = () => this.end();

  constructor(private readonly db: DatabaseSync) {
    this.beginStmt = db.prepare('BEGIN');
    this.commitStmt = db.prepare('COMMIT');
  }

  begin(): void {
    if (this.open || this.db.isTransaction) return;
    this.beginStmt.run();
    this.open = true;
    setImmediate(this.endOfTurn);
  }

  end(): void {
    if (!this.open) return;
    this.open = false;
    if (this.db.isOpen && this.db.isTransaction) this.commitStmt.run();
  }
}

const shared = new WeakMap<DatabaseSync, SharedRead>();

/** A read is about to run on `db`: it joins the turn's read transaction (opened now if there is none and no other transaction is open). */
export function readStatement(db: DatabaseSync): void {
  let s = shared.get(db);
  if (!s) shared.set(db, (s = new SharedRead(db)));
  s.begin();
}

/** Anything but a read of the store is about to run on `db` (a write, BEGIN IMMEDIATE, a savepoint): the turn's read transaction ends first. */
export function writeStatement(db: DatabaseSync): void {
  shared.get(db)?.end();
}

/** A transaction other than the turn's shared read is open on `db` (a write transaction: its uncommitted writes show). */
export function inWriteTransaction(db: DatabaseSync): boolean {
  return db.isTransaction && !shared.get(db)?.open;
}
