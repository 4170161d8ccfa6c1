// The real app over its own store (SQLite in the data folder, or a fresh PostgreSQL database under
// TESSERA_TEST_DB=postgres), listening on 127.0.0.1 in this process, for tests that also need the
// context or the store behind it (to write past the API, or to hook the app).
// As with startTestProvider, a data folder the caller passes is the caller's (close() leaves it in
// place); without one, the provider makes a temporary folder and close() removes it.
import type { FastifyInstance } from 'fastify';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildApp } from '../../../src/provider/app';
import type { PasswordHasher } from '../../../src/provider/auth/passwords';
import { ManualClock } from '../../../src/provider/clock';
import type { ProviderContext } from '../../../src/provider/context';
import { createProviderContext } from '../../../src/provider/create-context';
import type { RouteModule } from '../../../src/provider/routes';
import { keyFileSource } from '../../../src/provider/secrets/data-key';
import { openPostgresStore, PostgresStore } from '../../../src/provider/store/postgres/postgres-store';
import { openSqliteStore, SqliteStore } from '../../../src/provider/store/sqlite/sqlite-store';
import { ApiClient } from '../../builders/api-client';
import { TEST_RATE_LIMIT, testPasswordHasher, type TestProvider } from './provider';
import { dropTestDatabase, testDatabaseUrl } from './test-database';
import { writeStatement } from '../../../src/provider/store/sqlite/shared-read';

export interface InProcessProvider extends TestProvider {
  ctx: ProviderContext;
  store: SqliteStore | PostgresStore;
  /** Runs SQL statements on the store's own database (its connection, for SQLite). */
  execSql(sql: string): Promise<void>;
}

export interface InProcessProviderOptions {
  /** The data folder (kept on close); default a temporary folder, removed on close. */
  dataDir?: string;
  /** Default a ManualClock at the current time. */
  clock?: ManualClock;
  /** Extra route modules, registered after the built-in ones (they may add hooks too). */
  routes?: readonly RouteModule[];
  /** The context's password hasher (e.g. one that counts or holds verifications); default testPasswordHasher(). */
  passwords?: PasswordHasher;
  /**
   * A PostgreSQL database of the caller's (kept on close), e.g. for a second replica: pass the
   * first one's `dataDir` too, so both read one data key and keep one folder of repositories.
   */
  databaseUrl?: string;
  /** Proxies whose X-Forwarded-For names the client address (as `tessera serve --trust-proxy`). */
  trustProxy?: string[];
  /** Says why every request is refused from then on (503), as a team server that lost its serving lock does while it stops. */
  refuseAll?: () => string | undefined;
}

export async function startInProcessProvider(opts: InProcessProviderOptions = {}): Promise<InProcessProvider> {
  const dataDir = opts.dataDir ?? (await mkdtemp(path.join(os.tmpdir(), 'tessera-in-process-')));
  const removeDataDir = async (): Promise<void> => {
    if (!opts.dataDir) await rm(dataDir, { recursive: true, force: true });
  };
  const clock = opts.clock ?? new ManualClock(Date.now());
  const databaseUrl = opts.databaseUrl ?? (await testDatabaseUrl());
  let store: SqliteStore | PostgresStore;
  try {
    store = databaseUrl ? await openPostgresStore(databaseUrl, { dataKey: keyFileSource(dataDir), dataDir }) : await openSqliteStore(dataDir);
  } catch (err) {
    await removeDataDir();
    throw err;
  }
  const ctx = createProviderContext(store, { clock, dataDir, rateLimit: TEST_RATE_LIMIT, passwords: opts.passwords ?? testPasswordHasher() });
  let app: FastifyInstance;
  try {
    app = buildApp(ctx, { routes: opts.routes ?? [], ...(opts.trustProxy ? { trustProxy: opts.trustProxy } : {}), ...(opts.refuseAll ? { refuseAll: opts.refuseAll } : {}) });
    await app.listen({ port: 0, host: '127.0.0.1' });
  } catch (err) {
    await store.close();
    await removeDataDir();
    throw err;
  }
  ctx.origin = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const api = new ApiClient(ctx.origin);
  return {
    ctx,
    store,
    api,
    clock,
    dataDir,
    logs: [],
    async execSql(sql) {
      if (store instanceof SqliteStore) {
        // Not inside the turn's shared read transaction (store/sqlite/shared-read.ts): committed at once.
        writeStatement(store.db);
        store.db.exec(sql);
      }
      else await store.pool.query(sql);
    },
    provider: { url: ctx.origin, publicOrigin: ctx.origin, apiUrl: `${ctx.origin}/api/v3`, dataDir, close: async () => undefined },
    async close() {
      await api.close();
      await app.close();
      await store.close();
      if (databaseUrl && !opts.databaseUrl) await dropTestDatabase(databaseUrl);
      await removeDataDir();
    },
  };
}
