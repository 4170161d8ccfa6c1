// Opens the provider's SQLite database (node:sqlite): WAL, foreign keys on, a busy timeout so
// several provider processes can share one file, then runs pending migrations. The file is
// created 0600 in a 0700 folder; SQLite gives the -wal and -shm files the database file's mode.
import * as path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { ensurePrivateDirSync, ensurePrivateFileSync, narrowIfPresentSync } from '../../secrets/private-files';
import { runMigrations } from './migrate';
import { MIGRATIONS } from './migrations';

export const DATABASE_FILE = 'tessera.db';

export function openDatabase(dataDir: string): DatabaseSync {
  ensurePrivateDirSync(dataDir);
  const file = path.join(dataDir, DATABASE_FILE);
  ensurePrivateFileSync(file);
  const db = new DatabaseSync(file);
  try {
    db.exec('PRAGMA busy_timeout = 5000');
    db.exec('PRAGMA journal_mode = WAL');
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
