// Opens the provider's SQLite database (node:sqlite): WAL, foreign keys on, a busy timeout so
// several provider processes can share one file, then runs pending migrations.
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { runMigrations } from './migrate';
import { MIGRATIONS } from './migrations';

export const DATABASE_FILE = 'tessera.db';

export function openDatabase(dataDir: string): DatabaseSync {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const db = new DatabaseSync(path.join(dataDir, DATABASE_FILE));
  try {
    db.exec('PRAGMA busy_timeout = 5000');
    db.exec('PRAGMA journal_mode = WAL');
    db.exec('PRAGMA synchronous = NORMAL');
    db.exec('PRAGMA foreign_keys = ON');
    runMigrations(db, MIGRATIONS);
  } catch (err) {
    db.close();
    throw err;
  }
  return db;
}
