// Opens the provider's SQLite database (node:sqlite): WAL, foreign keys on, a busy timeout so
// several provider processes can share one file, then runs pending migrations. The file is
// created 0600 in a 0700 folder; SQLite gives the -wal and -shm files the database file's mode.
import * as path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { ensurePrivateDirSync, ensurePrivateFileSync, narrowIfPresentSync } from '../../secrets/private-files';
import { runMigrations } from './migrate';
import { isSqliteBusy } from './rows';
import { MIGRATIONS } from './migrations';

export const DATABASE_FILE = 'tessera.db';

/** How long a start waits for another process that is converting a new file to WAL. */
const WAL_CONVERSION_BUDGET_MS = 30_000;

/**
 * Puts the file in WAL mode. WAL is a property of the file, so once any process converted it there
 * is nothing to do. The conversion needs the file to itself and SQLite does not run the busy
 * handler for it: when two processes open a new file at once, one is told "database is locked" at
 * once. It waits and tries again, until the other has converted the file or the budget is spent.
 */
function useWriteAheadLog(db: DatabaseSync): void {
  const deadline = Date.now() + WAL_CONVERSION_BUDGET_MS;
  const mode = () => (db.prepare('PRAGMA journal_mode').get() as { journal_mode: string }).journal_mode;
  for (let pause = 10; ; pause = Math.min(pause * 2, 250)) {
    try {
      if (mode() === 'wal') return;
      db.exec('PRAGMA journal_mode = WAL');
      if (mode() === 'wal') return;
    } catch (err) {
      if (!isSqliteBusy(err) || Date.now() > deadline) throw err;
    }
    if (Date.now() > deadline) throw new Error('could not put the database in WAL mode: another process holds it');
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, pause + Math.random() * pause);
  }
}

export function openDatabase(dataDir: string): DatabaseSync {
  ensurePrivateDirSync(dataDir);
  const file = path.join(dataDir, DATABASE_FILE);
  ensurePrivateFileSync(file);
  const db = new DatabaseSync(file);
  try {
    db.exec('PRAGMA busy_timeout = 5000');
    useWriteAheadLog(db);
    for (const suffix of ['-wal', '-shm']) narrowIfPresentSync(file + suffix);
    db.exec('PRAGMA synchronous = NORMAL');
    db.exec('PRAGMA foreign_keys = ON');
    runMigrations(db, MIGRATIONS);
  } catch (err) {
    db.close();
    throw err;
  }
  return db;
}
