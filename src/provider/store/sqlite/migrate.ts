// Versioned migrations: an ordered list, each applied once in its own transaction and recorded
// in schema_migrations. Runs at every start; concurrent starts serialize on BEGIN IMMEDIATE.
// The list is shared by both engines: each version carries its SQLite SQL (`up`) and its
// PostgreSQL SQL (`postgres`, run by store/postgres/migrate.ts).
import type { DatabaseSync } from 'node:sqlite';
import { isoTime } from '../../iso-time';

export interface Migration {
  /** Strictly increasing, never reused. */
  readonly version: number;
  readonly name: string;
  /** SQLite: SQL (may hold several statements) or a function for data migrations. */
  readonly up: string | ((db: DatabaseSync) => void);
  /**
   * PostgreSQL: the same change as SQL (several statements allowed) or a function given a
   * connection inside the migration's transaction. Every version of the shipped list has one.
   */
  readonly postgres?: string | ((db: { query(sql: string, values?: unknown[]): Promise<unknown> }) => Promise<void>);
}

/** Throws unless versions strictly increase. */
export function checkMigrationOrder(migrations: readonly Migration[]): void {
  for (let i = 1; i < migrations.length; i++) {
    if (migrations[i].version <= migrations[i - 1].version) {
      throw new Error(`migrations out of order: ${migrations[i - 1].version} then ${migrations[i].version}`);
    }
  }
}

/**
 * Throws when the database's newest applied version (`newest`, null: none) is past the last of
 * `migrations`: a newer Tessera made it, and this one would misread or damage it.
 */
export function refuseNewerSchema(newest: number | null, migrations: readonly Migration[]): void {
  const known = migrations.length ? migrations[migrations.length - 1].version : 0;
  if (newest !== null && newest > known) {
    throw new Error(`the database schema (version ${newest}) is newer than this provider knows (${known}); upgrade Tessera`);
  }
}

export function runMigrations(db: DatabaseSync, migrations: readonly Migration[], now: () => Date = () => new Date()): number[] {
  checkMigrationOrder(migrations);
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at TEXT NOT NULL
  )`);
  const applied: number[] = [];
  const isApplied = db.prepare('SELECT 1 AS x FROM schema_migrations WHERE version = ?');
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  const newest = db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number | null };
  refuseNewerSchema(newest.v, migrations);
  for (const m of migrations) {
    if (isApplied.get(m.version)) continue;
    db.exec('BEGIN IMMEDIATE');
    try {
      // Another process may have applied it while we waited for the write lock.
      if (!isApplied.get(m.version)) {
        if (typeof m.up === 'string') db.exec(m.up);
        else m.up(db);
        record.run(m.version, m.name, isoTime(now()));
        applied.push(m.version);
      }
      db.exec('COMMIT');
    } catch (err) {
      db.exec('ROLLBACK');
      throw new Error(`migration ${m.version} (${m.name}) failed: ${(err as Error).message}`);
    }
  }
  return applied;
}

export function appliedMigrations(db: DatabaseSync): { version: number; name: string }[] {
  return db.prepare('SELECT version, name FROM schema_migrations ORDER BY version').all() as { version: number; name: string }[];
}
