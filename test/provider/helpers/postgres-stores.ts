// One real PostgreSQL server per test file (test/harness/postgres.ts) and a fresh database for
// each store a test opens, so tests never see each other's rows.
import type { DataKeySource } from '../../../src/provider/secrets/data-key';
import { openPostgresStore, PostgresStore } from '../../../src/provider/store/postgres/postgres-store';
import { RunningPostgres, startPostgres } from '../../harness/postgres';

interface PostgresServer {
  /** The running server (set in `before`). */
  readonly server: RunningPostgres;
  /** The URL of a new, empty database. */
  newDatabase(): Promise<string>;
  /** A store over a new database (closed after the test). */
  newStore(): Promise<PostgresStore>;
  /** A store over `url` with this file's data key, as a replica (closed by the caller). */
  openStore(url: string): Promise<PostgresStore>;
  /** The data key every store of this file shares (as replicas share one key). */
  readonly dataKey: DataKeySource;
}

/** A data key kept in memory: made on first use, like a new key file. */
export function memoryKeySource(): DataKeySource {
  let key: Uint8Array | undefined;
  return {
    where: 'the test key',
    load: async () => key,
    save: async (k) => {
      key = k;
    },
  };
}

let serial = 0;

/** Starts PostgreSQL before the calling `describe`'s tests and stops it after them. */
export function usePostgres(): PostgresServer {
  let server: RunningPostgres | undefined;
  const open: PostgresStore[] = [];
  before(async function () {
    this.timeout(120_000);
    server = await startPostgres();
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.close()));
  });
  after(async () => {
    await server?.stop();
  });
  const newDatabase = () => server!.createDatabase(`t${process.pid}_${++serial}`);
  const dataKey = memoryKeySource();
  const openStore = (url: string) => openPostgresStore(url, { dataKey });
  return {
    dataKey,
    openStore,
    get server() {
      return server!;
    },
    newDatabase,
    async newStore() {
      const store = await openStore(await newDatabase());
      open.push(store);
      return store;
    },
  };
}
