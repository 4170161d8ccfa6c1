// Which engine the provider tests run on: SQLite (the default) or, with TESSERA_TEST_DB=postgres,
// PostgreSQL — one real server for the whole mocha process (test/harness/postgres.ts), started on
// first use and stopped when the run ends, and a fresh database for every provider a test starts.
import { RunningPostgres, startPostgres } from '../../harness/postgres';

export type TestEngine = 'sqlite' | 'postgres';

/** The engine chosen by TESSERA_TEST_DB (`sqlite` or `postgres`; default `sqlite`). */
export function testEngine(): TestEngine {
  const v = (process.env.TESSERA_TEST_DB ?? 'sqlite').toLowerCase();
  if (v === 'sqlite' || v === 'postgres') return v;
  throw new Error(`TESSERA_TEST_DB must be 'sqlite' or 'postgres', not '${v}'`);
}

let server: Promise<RunningPostgres> | undefined;
let serial = 0;

// A root hook (this module is loaded while mocha reads the test files): the shared server stops
// once every test ran. The harness also stops it if the process exits first.
if (typeof after === 'function') {
  after(async function () {
    this.timeout(60_000);
    const s = server;
    server = undefined;
    if (s) await (await s).stop();
  });
}

/** The URL of a new, empty database on the run's shared PostgreSQL server. */
export async function newTestDatabaseUrl(): Promise<string> {
  server ??= startPostgres({ database: `shared_${process.pid}` });
  const s = await server;
  return s.createDatabase(`p${process.pid}_${++serial}`);
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
