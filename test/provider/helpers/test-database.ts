// Which engine the provider tests run on: SQLite (the default) or, with TESSERA_TEST_DB=postgres,
// PostgreSQL — one real server for the whole mocha process (test/harness/postgres.ts), started on
// first use and stopped when the run ends, and a fresh database for every provider a test starts.
import * as path from 'node:path';
import { Client, Pool } from 'pg';
import { installChangeTriggers } from '../../../src/provider/store/postgres/change-notifications';
import { runPgMigrations } from '../../../src/provider/store/postgres/migrate';
import { MIGRATIONS } from '../../../src/provider/store/sqlite/migrations';
import { RunningPostgres, startPostgres } from '../../harness/postgres';

type TestEngine = 'sqlite' | 'postgres';

/** The engine chosen by TESSERA_TEST_DB (`sqlite` or `postgres`; default `sqlite`). */
export function testEngine(): TestEngine {
  const v = (process.env.TESSERA_TEST_DB ?? 'sqlite').toLowerCase();
  if (v === 'sqlite' || v === 'postgres') return v;
  throw new Error(`TESSERA_TEST_DB must be 'sqlite' or 'postgres', not '${v}'`);
}

interface SharedServer {
  server: RunningPostgres;
  /** A connection to the server's maintenance database, for CREATE DATABASE. */
  admin: Client;
}

let shared: Promise<SharedServer> | undefined;
let serial = 0;
const TEMPLATE = 'tessera_migrated';

/**
 * Starts the server and makes a template database already migrated (schema and change
 * triggers, no data key): each test database is a copy of it, which costs a fraction of
 * migrating a new one.
 */
async function startShared(): Promise<SharedServer> {
  const server = await startPostgres({ database: TEMPLATE });
  const pool = new Pool({ connectionString: server.url, max: 1 });
  try {
    await runPgMigrations(pool, MIGRATIONS, { afterMigrating: installChangeTriggers });
  } finally {
    await pool.end();
  }
  const admin = new Client({ connectionString: server.url.replace(/\/[^/]+$/, '/postgres') });
  await admin.connect();
  return { server, admin };
}

// A root hook (this module is loaded while mocha reads the test files): the shared server stops
// once every test ran. The harness also stops it if the process exits first.
if (typeof after === 'function') {
  after(async function () {
    // Stopping runs pg_ctl and removes the cluster's folder synchronously.
    this.timeout(300_000);
    const s = shared;
    shared = undefined;
    if (!s) return;
    const { server, admin } = await s;
    await admin.end().catch(() => undefined);
    await server.stop();
  });
}

/** The URL of a new, empty database on the run's shared PostgreSQL server. */
export async function newTestDatabaseUrl(): Promise<string> {
  shared ??= startShared();
  const { server, admin } = await shared;
  const name = `p${process.pid}_${++serial}`;
  await admin.query(`CREATE DATABASE ${name} TEMPLATE ${TEMPLATE}`);
  return server.url.replace(/\/[^/]+$/, `/${name}`);
}

/**
 * The database of `url` (made by newTestDatabaseUrl) reached through the shared server's unix
 * socket instead of TCP, in both spellings pg reads: the socket's folder as the `host` parameter,
 * or percent-encoded as the URL's host. `password` is put in (the server ignores it).
 */
export async function unixSocketUrls(url: string, password: string): Promise<{ socket: string; hostParameter: string; encodedHost: string }> {
  const { server } = await shared!;
  const u = new URL(url);
  const database = u.pathname.slice(1);
  return {
    socket: path.join(server.socketDir, `.s.PGSQL.${u.port}`),
    hostParameter: `postgres://${u.username}:${password}@/${database}?host=${server.socketDir}&port=${u.port}`,
    encodedHost: `postgresql://${u.username}:${password}@${encodeURIComponent(server.socketDir)}:${u.port}/${database}`,
  };
}

/** Drops a database made by newTestDatabaseUrl once its provider has closed (frees its disk). */
export async function dropTestDatabase(url: string): Promise<void> {
  const s = await shared;
  if (!s) return;
  const name = new URL(url).pathname.slice(1);
  if (!/^p\d+_\d+$/.test(name)) return;
  await s.admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
}

/**
 * The database a test provider should use: undefined for SQLite (the provider's data folder),
 * a fresh PostgreSQL database under TESSERA_TEST_DB=postgres.
 */
export async function testDatabaseUrl(): Promise<string | undefined> {
  return testEngine() === 'postgres' ? newTestDatabaseUrl() : undefined;
}

/**
 * A `describe` whose tests are about SQLite itself (its file, its locking, one process per data
 * folder): registered in the SQLite pass only, titled so; the PostgreSQL pass leaves it out.
 */
export function describeSqliteOnly(title: string, fn: (this: Mocha.Suite) => void): void {
  if (testEngine() === 'sqlite') describe(`${title} [SQLite only]`, fn);
}
