// Opens the provider's SQLite database (node:sqlite): WAL, foreign keys on, a busy timeout so
// several provider processes can share one file, then runs pending migrations. The file is
// created 0600 in a 0700 folder; SQLite gives the -wal and -shm files the database file's mode.
import { closeSync, openSync, readSync } from 'node:fs';
import * as path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { ensurePrivateDirSync, ensurePrivateFileSync, narrowIfPresentSync } from '../../secrets/private-files';
import { runMigrations } from './migrate';
import { isSqliteBusy } from './rows';
import { MIGRATIONS } from './migrations';

export { DATABASE_FILE } from '../../data-folder-names';
import { DATABASE_FILE } from '../../data-folder-names';

/** How long a start waits for another process that is converting a new file to WAL. */
const WAL_CONVERSION_BUDGET_MS = 30_000;

/** The file's header says WAL (its write and read versions are 2), as it does once converted. */
function isWalFile(file: string): boolean {
  const header = Buffer.alloc(20);
  const fd = openSync(file, 'r');
  try {
    return readSync(fd, header, 0, 20, 0) === 20 && header[18] === 2 && header[19] === 2;
  } finally {
    closeSync(fd);
  }
}

/**
 * Puts the file in WAL mode. WAL is a property of the file, so once any process converted it there
 * is nothing to do. The conversion needs the file to itself and SQLite does not run the busy
 * handler for it: when two processes open a new file at once, one is told "database is locked" at
 * once. It waits and tries again, until the other has converted the file or the budget is spent.
 */
function useWriteAheadLog(db: DatabaseSync, dataDir: string): void {
  const file = path.join(dataDir, DATABASE_FILE);
  const deadline = Date.now() + WAL_CONVERSION_BUDGET_MS;
  const mode = () => (db.prepare('PRAGMA journal_mode').get() as { journal_mode: string }).journal_mode;
  for (let pause = 10; ; pause = Math.min(pause * 2, 250)) {
    let reading = true;
    try {
      if (mode() === 'wal') return;
      reading = false;
      db.exec('PRAGMA journal_mode = WAL');
      if (mode() === 'wal') return;
    } catch (err) {
      // A read still locked after the busy timeout, of a file in WAL mode (which no one converts any
      // more): a connection has the file alone, and waiting longer does not help.
      if (!isSqliteBusy(err) || Date.now() > deadline || (reading && isWalFile(file))) throw err;
    }
    if (Date.now() > deadline) throw new DatabaseHeld(dataDir);
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, pause + Math.random() * pause);
  }
}

/**
 * openDatabase with `alone` found another connection holding the database open: a provider (a VS
 * Code window's embedded one, `tessera serve --data`). Its message is the one line a command that
 * needs the data alone (tessera migrate, tessera reset-two-factor) says.
 */
export class DatabaseInUse extends Error {
  constructor(readonly dataDir: string) {
    super(
      `a provider is still running on ${dataDir} (it has ${DATABASE_FILE} open): close every VS Code window that uses Tessera's ` +
        `embedded provider (or stop \`tessera serve --data ${dataDir}\`), then run this again`,
    );
    this.name = 'DatabaseInUse';
  }
}

/**
 * openDatabase (for a provider) found the database held by a connection that has it alone: a
 * `tessera migrate` or `tessera reset-two-factor` running on the folder.
 */
export class DatabaseHeld extends Error {
  constructor(readonly dataDir: string) {
    super(
      `${path.join(dataDir, DATABASE_FILE)} is held by a \`tessera migrate\` (or another tessera command) running on it: ` +
        `start the provider again once it has ended (after a migration, use the team server: the setting tessera.providerUrl)`,
    );
    this.name = 'DatabaseHeld';
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
    if (isSqliteBusy(err)) throw new DatabaseInUse(path.dirname(file));
    throw err;
  }
}

/** How long a statement waits for another connection's lock (then SQLITE_BUSY). */
export const SQLITE_BUSY_TIMEOUT_MS = 5000;

/**
 * Opens (making it when missing) the database in `dataDir`. `alone`: refuses, with DatabaseInUse,
 * a database another connection has open, and keeps every other out until this one is closed;
 * without it, a database another connection has alone is refused with DatabaseHeld.
 */
export function openDatabase(dataDir: string, opts: { alone?: boolean } = {}): DatabaseSync {
  ensurePrivateDirSync(dataDir);
  const file = path.join(dataDir, DATABASE_FILE);
  ensurePrivateFileSync(file);
  const db = new DatabaseSync(file);
  try {
    if (opts.alone) takeAlone(db, file);
    db.exec(`PRAGMA busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
    useWriteAheadLog(db, dataDir);
    for (const suffix of ['-wal', '-shm']) narrowIfPresentSync(file + suffix);
    db.exec('PRAGMA synchronous = NORMAL');
    db.exec('PRAGMA foreign_keys = ON');
    runMigrations(db, MIGRATIONS);
  } catch (err) {
    db.close();
    // Still locked after the waits above: not another provider (they share the file), one that has it alone.
    if (!opts.alone && isSqliteBusy(err)) throw new DatabaseHeld(dataDir);
    throw err;
  }
  return db;
}
