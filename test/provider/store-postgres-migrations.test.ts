// The PostgreSQL store's migrations on a real PostgreSQL (test/harness/postgres.ts): the shared
// migration list runs once, in order, even with replicas starting together, and a replica that
// starts while another migrates waits for it however long it takes; a database a newer Tessera
// migrated is refused by every command, reset-two-factor included.
import * as assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client, Pool } from 'pg';
import { main } from '../../src/provider/cli';
import type { Migration } from '../../src/provider/store/sqlite/migrate';
import { MIGRATIONS } from '../../src/provider/store/sqlite/migrations';
import { appliedPgMigrations, runPgMigrations } from '../../src/provider/store/postgres/migrate';
import type { PostgresStore } from '../../src/provider/store/postgres/postgres-store';
import { usePostgres } from './helpers/postgres-stores';

async function user(s: PostgresStore, login: string) {
  return s.users.create({ login, email: `${login}@x.test`, passwordHash: 'h', siteAdmin: false, createdAt: new Date('2030-01-01T00:00:00Z') });
}

describe('provider PostgreSQL store: migrations', function () {
  this.timeout(60_000);
  const pg = usePostgres();

  it('every version of the shared list has its PostgreSQL SQL', () => {
    for (const m of MIGRATIONS) assert.ok(m.postgres, `migration ${m.version} has no PostgreSQL version`);
  });

  it('runs once, in order, recording versions; two replicas starting together migrate once; refuses a newer database', async () => {
    const url = await pg.newDatabase();
    const a = new Pool({ connectionString: url });
    const b = new Pool({ connectionString: url });
    try {
      const [ra, rb] = await Promise.all([runPgMigrations(a, MIGRATIONS), runPgMigrations(b, MIGRATIONS)]);
      const versions = MIGRATIONS.map((m) => m.version);
      assert.deepEqual([ra, rb].sort((x, y) => y.length - x.length), [versions, []], 'one replica migrated, the other found it done');
      assert.deepEqual((await appliedPgMigrations(a)).map((m) => m.version), versions);
      assert.deepEqual(await runPgMigrations(a, MIGRATIONS), [], 'idempotent');
      const extra: Migration = { version: 999, name: 'later', up: 'unused', postgres: 'CREATE TABLE later_table (id INTEGER)' };
      assert.deepEqual(await runPgMigrations(a, [...MIGRATIONS, extra]), [999]);
      await assert.rejects(runPgMigrations(b, MIGRATIONS), /newer/);
      const failing: Migration = { version: 1000, name: 'broken', up: 'unused', postgres: 'CREATE TABLE t1000 (id INTEGER); CREATE TABLE later_table (id INTEGER)' };
      await assert.rejects(runPgMigrations(a, [...MIGRATIONS, extra, failing]), /migration 1000/);
      assert.equal((await appliedPgMigrations(a)).length, MIGRATIONS.length + 1, 'a failed migration is rolled back, not recorded');
      assert.equal((await a.query(`SELECT to_regclass('t1000') AS t`)).rows[0].t, null, 'nothing of it stays');
      const noPostgres: Migration = { version: 1001, name: 'sqlite only', up: 'CREATE TABLE x (id INTEGER)' };
      await assert.rejects(runPgMigrations(a, [...MIGRATIONS, extra, noPostgres]), /no PostgreSQL version/);
    } finally {
      await a.end();
      await b.end();
    }
  });

  it('a replica starting while another migrates waits for it, longer than the 5 s lock_timeout, then opens', async () => {
    const url = await pg.newDatabase();
    const migrating = new Client({ connectionString: url }); // the other replica, migrating
    await migrating.connect();
    await migrating.query(`SELECT pg_advisory_lock(hashtext('tessera.migrations'))`);
    let failed: unknown;
    let settled = false;
    const opening = pg.openStore(url).then(
      (s) => ((settled = true), s),
      (err: unknown) => ((settled = true), (failed = err), undefined),
    );
    try {
      // Release once the server reports the new replica waiting for the lock for over 6 s.
      const end = Date.now() + 30_000;
      for (;;) {
        const { rows } = await migrating.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_stat_activity
           WHERE datname = current_database() AND wait_event = 'advisory' AND clock_timestamp() - query_start > interval '6 seconds'`,
        );
        if (rows[0].n > 0 || settled || Date.now() > end) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      assert.equal(settled, false, `still waiting after 6 s (${String(failed)})`);
    } finally {
      await migrating.end(); // releases the lock
    }
    const s = await opening;
    try {
      assert.ok(s, `opened once the other replica was done (${String(failed)})`);
      assert.equal((await s.pool.query<{ lock_timeout: string }>('SHOW lock_timeout')).rows[0].lock_timeout, '5s', 'its connection keeps its lock_timeout');
      assert.equal((await user(s, 'after-wait')).login, 'after-wait');
    } finally {
      await s?.close();
    }
  });

  it('a database a newer Tessera migrated: tessera reset-two-factor refuses it (exit 1, saying so) and removes nothing, as tessera serve refuses to start on it', async () => {
    const url = await pg.newDatabase();
    await (await pg.openStore(url)).close();
    const db = new Pool({ connectionString: url });
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'tessera-newer-'));
    try {
      await db.query(`INSERT INTO data_key (id, key_id, created_at) VALUES (1, 'a-key', now()) ON CONFLICT (id) DO NOTHING`);
      await db.query(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'later', now())`);
      const lines: string[] = [];
      const io = { out: (l: string) => lines.push(l), err: (l: string) => lines.push(l) };
      assert.equal(await main(['reset-two-factor', '--db', url], io, {}), 1, lines.join('\n'));
      assert.match(lines.join('\n'), /^tessera: the PostgreSQL database at .*: the database schema \(version 999\) is newer than this provider knows \(\d+\); upgrade Tessera$/);
      assert.equal((await db.query('SELECT count(*)::int AS n FROM data_key')).rows[0].n, 1, 'the data key is kept');
      lines.length = 0;
      assert.equal(await main(['serve', '--data', dataDir, '--db', url], io, {}), 1);
      assert.match(lines.join('\n'), /the database schema \(version 999\) is newer than this provider knows/);
    } finally {
      await db.end();
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('two stores opening one new database at once both work on the one schema', async () => {
    const url = await pg.newDatabase();
    const [a, b] = await Promise.all([pg.openStore(url), pg.openStore(url)]);
    try {
      const u = await user(a, 'both');
      assert.equal((await b.users.byLogin('BOTH'))?.id, u.id);
    } finally {
      await a.close();
      await b.close();
    }
  });
});
