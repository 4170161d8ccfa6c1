// How a server starts and stops when things go wrong around it: a signal while its modules still
// load, a database that refuses its authentication; and the team database's serving lock, which
// every team server holds (so that `tessera migrate` and `tessera reset-two-factor --db`, in another
// process or on another host, see it) and whose loss stops the server.
import * as assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { startProvider } from '../../src/provider/index';
import { SERVING_LOCK_APPLICATION, SERVING_LOCK_KEY } from '../../src/provider/store/postgres/serving-lock';
import { openSqliteStore } from '../../src/provider/store/sqlite/sqlite-store';
import { enableTwoFactor } from '../builders/two-factor';
import { createUser } from '../builders/users';
import { killGroup, runCli, waitFor, type Cli } from './helpers/cli-run';
import { startPasswordAskingServer } from './helpers/postgres-proxy';
import { startTestProvider } from './helpers/provider';
import { newTestDatabaseUrl } from './helpers/test-database';

/** Polls `probe` until it holds or `ms` have passed; answers whether it held. */
async function eventually(probe: () => boolean, ms = 5000): Promise<boolean> {
  const end = Date.now() + ms;
  while (!probe() && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
  return probe();
}

describe('a server starting and stopping', function () {
  this.timeout(60_000);
  let dataDir: string;
  const started: Cli[] = [];
  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'tessera-lifecycle-'));
  });
  afterEach(async () => {
    started.splice(0).forEach(killGroup);
    await rm(dataDir, { recursive: true, force: true });
  });

  it('tessera serve: a SIGTERM that comes while its modules still load ends it cleanly (exit 0, one line) having started nothing', async () => {
    const signalWhileLoading = path.resolve(__dirname, 'helpers/signal-while-loading.js');
    const cli = runCli(['serve', '--data', dataDir, '--port', '0', '--tls', 'off'], { NODE_OPTIONS: `--require ${signalWhileLoading}` });
    started.push(cli);
    assert.equal(await cli.exit, 0, cli.stderr);
    assert.match(cli.stderr, /^tessera: SIGTERM, shutting down$/m);
    assert.doesNotMatch(cli.stdout, /listening on/);
    assert.deepEqual(await readdir(dataDir), [], 'no database, key, lock or folder made');
  });

  it('startProvider on a database that asks for a password none was given: refused, and its connection closed at once', async () => {
    const asking = await startPasswordAskingServer();
    const saved = { PGPASSWORD: process.env.PGPASSWORD, PGPASSFILE: process.env.PGPASSFILE };
    delete process.env.PGPASSWORD;
    process.env.PGPASSFILE = path.join(dataDir, 'no-pgpass');
    try {
      await assert.rejects(
        startProvider({ dataDir: path.join(dataDir, 'team'), databaseUrl: `postgres://tessera@127.0.0.1:${asking.port}/team`, tls: 'off' }),
        /asks for a password and none was given/,
      );
      assert.ok(await eventually(() => asking.openConnections() === 0), `${asking.openConnections()} connection(s) still open after the refusal`);
    } finally {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
      await asking.close();
    }
  });

  /** `tessera serve` on the team database `url` (given through TESSERA_DATABASE_URL), its data folder `name`. */
  function serveTeam(url: string, name: string): Cli {
    const cli = runCli(['serve', '--data', path.join(dataDir, name), '--port', '0', '--tls', 'off'], { TESSERA_DATABASE_URL: url });
    started.push(cli);
    return cli;
  }

  /** How `cli` ended, or 'still running' when it has not within `ms` (a bound, not a timing). */
  const exitWithin = (cli: Cli, ms = 20_000) => Promise.race([cli.exit, new Promise((r) => setTimeout(r, ms, 'still running'))]);

  it('tessera migrate, in another process, refuses a team database a server runs on; and a server does not start while a migration holds it', async () => {
    const url = await newTestDatabaseUrl();
    const fromDir = path.join(dataDir, 'embedded');
    await (await openSqliteStore(fromDir)).close();
    const server = serveTeam(url, 'replica');
    await waitFor(server, /listening on/);
    const migrate = runCli(['migrate', '--from', fromDir, '--data', path.join(dataDir, 'team')], { TESSERA_DATABASE_URL: url });
    started.push(migrate);
    assert.equal(await migrate.exit, 1, migrate.stderr);
    assert.match(migrate.stderr, /^tessera migrate: a team server is running on the PostgreSQL database at \S+ \(1 replica\(s\) hold it; `tessera serve` on this host or another\): stop every replica first/m);
    assert.deepEqual(await readdir(path.join(dataDir, 'team')).catch(() => []), [], 'nothing made for the team');
    server.child.kill('SIGTERM');
    assert.equal(await server.exit, 0, server.stderr);

    // What a migration holds while it runs: the lock taken alone.
    const migration = new Client({ connectionString: url });
    await migration.connect();
    try {
      await migration.query(`SELECT pg_advisory_lock(${SERVING_LOCK_KEY})`);
      const refused = serveTeam(url, 'late');
      assert.equal(await refused.exit, 1, refused.stderr);
      assert.match(refused.stderr, /^tessera: the PostgreSQL database at \S+: a `tessera migrate` \(or `tessera reset-two-factor`\) is running on the database: start the server once it has ended$/m);
      assert.doesNotMatch(refused.stdout, /listening on/);
    } finally {
      await migration.end();
    }
  });

  it('tessera reset-two-factor --db, in another process, refuses a team database a server runs on (nothing removed, one line saying what to do); runs once every replica is stopped', async () => {
    // A running replica keeps the data key it read at its start: a reset under it would leave it
    // sealing new secrets under a key the database no longer records.
    const url = await newTestDatabaseUrl();
    const server = await startTestProvider({ databaseUrl: url, dataDir: path.join(dataDir, 'replica') });
    let serverOpen = true;
    try {
      const user = await createUser(server);
      await enableTwoFactor(server, user);
      const refused = runCli(['reset-two-factor'], { TESSERA_DATABASE_URL: url });
      started.push(refused);
      assert.equal(await refused.exit, 1, refused.stdout);
      assert.equal(refused.stdout, '', 'nothing removed');
      assert.match(
        refused.stderr.trimEnd(),
        /^tessera: the PostgreSQL database at \S+: a team server is running on it \(1 replica\(s\) hold it; `tessera serve` on this host or another\): stop every replica, then run this again \(a running replica would go on with the key it read when it started\)$/,
      );
      assert.equal((await server.api.get('/user', { basic: user })).status, 401, 'two-factor is still asked for');
      await server.close();
      serverOpen = false;

      const reset = runCli(['reset-two-factor'], { TESSERA_DATABASE_URL: url });
      started.push(reset);
      assert.equal(await reset.exit, 0, reset.stderr);
      assert.match(reset.stdout, /^Removed two-factor authentication from 1 account\(s\) in the PostgreSQL database at /);
    } finally {
      if (serverOpen) await server.close();
    }
  });

  it('a team server whose serving lock is taken away (its connection ended and a migration took the lock meanwhile) stops: closed, exit 1 saying why; one whose connection merely ended takes it again', async () => {
    const url = await newTestDatabaseUrl();
    const server = serveTeam(url, 'replica');
    const [, origin] = await waitFor(server, /listening on (http:\/\/\S+)/);
    const admin = new Client({ connectionString: url });
    const migration = new Client({ connectionString: url });
    await Promise.all([admin.connect(), migration.connect()]);
    const endServingConnection = async () => {
      const ended = await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1`, [
        SERVING_LOCK_APPLICATION,
      ]);
      assert.equal(ended.rowCount, 1, 'one serving lock connection');
    };
    try {
      // Ended alone (a restart, a failover): the server takes the lock again and serves on.
      await endServingConnection();
      await waitFor(server, /the database's serving lock is held again/, 20_000, 'stderr');
      assert.equal((await fetch(`${origin}/-/health`)).status, 200);

      // Ended while a migration waits for it: the migration has it first, and the server stops.
      const migrating = migration.query(`SELECT pg_advisory_lock(${SERVING_LOCK_KEY})`);
      const waiting = async () => (await admin.query(`SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted`)).rows[0].n;
      while ((await waiting()) === 0) await new Promise((r) => setTimeout(r, 20)); // queued behind the server's share
      await endServingConnection();
      await migrating;
      assert.equal(await exitWithin(server), 1, server.stderr);
      assert.match(server.stderr, /^\[error\] the database's serving lock was lost \(its connection ended \(.+\), and a `tessera migrate` \(or `tessera reset-two-factor`\) has taken it since\): this server stops$/m);
      assert.match(server.stderr, /^tessera: the database's serving lock was lost .*; closed$/m);
      const left = await admin.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND pid <> $1`, [
        (migration as unknown as { processID: number }).processID,
      ]);
      assert.equal(left.rows[0].n, 0, 'no connection of the server left');
    } finally {
      await Promise.all([admin.end(), migration.end()]);
    }
  });
});
