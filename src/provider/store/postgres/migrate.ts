// Runs the shared migration list (store/sqlite/migrations: each version's `postgres` SQL) on a
// PostgreSQL database: each pending version in its own transaction, recorded in
// schema_migrations. Concurrent starts (several replicas) serialize on a session advisory lock,
// so the schema is migrated once and the others find it done.
import type { Pool, PoolClient } from 'pg';
import { checkMigrationOrder, Migration, refuseNewerSchema } from '../sqlite/migrate';

/** The advisory lock every replica takes while migrating. */
const MIGRATION_LOCK_SQL = `hashtext('tessera.migrations')`;

export async function runPgMigrations(
  pool: Pool,
  migrations: readonly Migration[],
  opts: { now?: () => Date; afterMigrating?: (client: PoolClient) => Promise<void> } = {},
): Promise<number[]> {
  checkMigrationOrder(migrations);
  const now = opts.now ?? (() => new Date());
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    // Another replica may be migrating for longer than the connection's lock_timeout (which holds
    // for advisory locks too): wait for it as long as it takes, then restore the session's own.
    // One implicit transaction: if the wait fails, the SET is rolled back with it.
    await client.query(`SET lock_timeout = 0; SELECT pg_advisory_lock(${MIGRATION_LOCK_SQL}); RESET lock_timeout`);
    try {
      await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
        version INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        applied_at TIMESTAMPTZ NOT NULL
      )`);
      const done = new Set((await client.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map((r) => Number(r.version)));
      refuseNewerSchema(done.size ? Math.max(...done) : null, migrations);
      const applied: number[] = [];
      for (const m of migrations) {
        if (done.has(m.version)) continue;
        if (m.postgres === undefined) throw new Error(`migration ${m.version} (${m.name}) has no PostgreSQL version`);
        await client.query('BEGIN');
        try {
          if (typeof m.postgres === 'string') await client.query(m.postgres);
          else await m.postgres(client);
          await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [m.version, m.name, now()]);
          await client.query('COMMIT');
          applied.push(m.version);
        } catch (err) {
          await client.query('ROLLBACK').catch((e: Error) => (broken = e));
          throw new Error(`migration ${m.version} (${m.name}) failed: ${(err as Error).message}`);
        }
      }
      await opts.afterMigrating?.(client);
      return applied;
    } finally {
      await client.query(`SELECT pg_advisory_unlock(${MIGRATION_LOCK_SQL})`).catch((e: Error) => (broken = e));
    }
  } finally {
    client.release(broken);
  }
}

export async function appliedPgMigrations(pool: Pool): Promise<{ version: number; name: string; appliedAt: Date }[]> {
  const rows = (await pool.query('SELECT version, name, applied_at FROM schema_migrations ORDER BY version')).rows;
  return rows.map((r) => ({ version: Number(r.version), name: String(r.name), appliedAt: r.applied_at as Date }));
}
