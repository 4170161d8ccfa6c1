// A test's own connection to a provider's database, whichever the engine: read rows the API never
// shows (how a password or a recovery code is stored), or hold the write lock as another process
// would (SQLite: BEGIN IMMEDIATE; PostgreSQL: every table locked against writes, reads allowed).
import * as path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { Client } from 'pg';
import { DATABASE_FILE } from '../../../src/provider/store/sqlite/database';

interface DatabaseOf {
  dataDir: string;
  /** Set when the provider runs on PostgreSQL. */
  databaseUrl?: string;
}

type Row = Record<string, unknown>;

/** Every row `sql` selects (`?` placeholders, as SQLite writes them). */
export async function selectRows(p: DatabaseOf, sql: string, args: (string | number)[] = []): Promise<Row[]> {
  if (!p.databaseUrl) {
    const db = new DatabaseSync(path.join(p.dataDir, DATABASE_FILE), { readOnly: true });
    try {
      return db.prepare(sql).all(...args) as Row[];
    } finally {
      db.close();
    }
  }
  const client = new Client({ connectionString: p.databaseUrl });
  await client.connect();
  try {
    let n = 0;
    return (await client.query(sql.replace(/\?/g, () => `$${++n}`), args)).rows;
  } finally {
    await client.end();
  }
}

/** Holds the database's write lock from another connection until the returned function is called. */
export async function holdWriteLock(p: DatabaseOf): Promise<() => Promise<void>> {
  if (!p.databaseUrl) {
    const other = new DatabaseSync(path.join(p.dataDir, DATABASE_FILE));
    other.exec('BEGIN IMMEDIATE');
    return async () => {
      other.exec('ROLLBACK');
      other.close();
    };
  }
  const client = new Client({ connectionString: p.databaseUrl });
  await client.connect();
  await client.query('BEGIN');
  const tables = (await client.query<{ t: string }>(`SELECT quote_ident(tablename) AS t FROM pg_tables WHERE schemaname = current_schema()`)).rows.map((r) => r.t);
  await client.query(`LOCK TABLE ${tables.join(', ')} IN EXCLUSIVE MODE`);
  return async () => {
    await client.query('ROLLBACK');
    await client.end();
  };
}
