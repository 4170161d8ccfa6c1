// Transactions on the one connection. `inTransaction` runs synchronous statements as one unit:
// BEGIN IMMEDIATE … COMMIT, or a savepoint when a transaction is already open (a store method
// called with a transaction's store). `inAsyncTransaction` does the same for an async function;
// the caller (SqliteStore.transaction) makes sure nothing else runs on the connection meanwhile.
import type { DatabaseSync } from 'node:sqlite';
import { writeStatement } from './shared-read';

let savepoints = 0;

function begin(db: DatabaseSync): { commit(): void; rollback(): void } {
  // The turn's shared read transaction is no transaction of the caller's: it ends, and a write transaction begins.
  writeStatement(db);
  if (!db.isTransaction) {
    db.exec('BEGIN IMMEDIATE');
    return {
      commit: () => db.exec('COMMIT'),
      rollback: () => {
        if (db.isTransaction) db.exec('ROLLBACK');
      },
    };
  }
  const name = `tessera_sp_${++savepoints}`;
  db.exec(`SAVEPOINT ${name}`);
  return {
    commit: () => db.exec(`RELEASE ${name}`),
    rollback: () => db.exec(`ROLLBACK TO ${name}; RELEASE ${name}`),
  };
}

export function inTransaction<T>(db: DatabaseSync, fn: () => T): T {
  const tx = begin(db);
  try {
    const out = fn();
    tx.commit();
    return out;
  } catch (err) {
    tx.rollback();
    throw err;
  }
}

export async function inAsyncTransaction<T>(db: DatabaseSync, fn: () => Promise<T>): Promise<T> {
  const tx = begin(db);
  try {
    const out = await fn();
    tx.commit();
    return out;
  } catch (err) {
    tx.rollback();
    throw err;
  }
}

/** `?, ?, ?` for n parameters. */
export function placeholders(n: number): string {
  return Array.from({ length: n }, () => '?').join(', ');
}
