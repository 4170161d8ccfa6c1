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

/** openDatabase with `alone` found another connection holding the database open. */
export class DatabaseInUse extends Error {
  constructor(readonly file: string) {
    super(`${file} is open in another process`);
    this.name = 'DatabaseInUse';
  }
}

/**
 * Takes the database for this connection alone (SQLite's exclusive locking mode: the file lock,
 * once taken, is held until the connection closes). A provider holds its database open for its
 * whole life, and in WAL mode every open connection keeps a shared lock on the file, so a running
 * provider — another process's or this one's — makes this fail at once, with DatabaseInUse; and
 * none can open the database while this connection has it.
 */
function takeAlone(db: DatabaseSync, file: string): void {
  db.exec('PRAGMA locking_mode = EXCLUSIVE');
  try {
    db.exec('BEGIN IMMEDIATE');
    db.exec('COMMIT');
  } catch (err) {
    if (isSqliteBusy(err)) throw new DatabaseInUse(file);
    throw err;
  }
}

/**
 * Opens (making it when missing) the database in `dataDir`. `alone`: refuses, with DatabaseInUse,
 * a database another connection has open, and keeps every other out until this one is closed.
 */
export function openDatabase(dataDir: string, opts: { alone?: boolean } = {}): DatabaseSync {
  ensurePrivateDirSync(dataDir);
  const file = path.join(dataDir, DATABASE_FILE);
  ensurePrivateFileSync(file);
  const db = new DatabaseSync(file);
  try {
    if (opts.alone) takeAlone(db, file);
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
