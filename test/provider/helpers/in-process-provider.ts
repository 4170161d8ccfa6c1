// The real app over its own store (SQLite in the data folder, or a fresh PostgreSQL database under
// TESSERA_TEST_DB=postgres), listening on 127.0.0.1 in this process, for tests that also need the
// context or the store behind it (to write past the API, or to hook the app).
// Unlike startTestProvider, the data folder is the caller's: close() leaves it in place.
import type { FastifyInstance } from 'fastify';
import type { AddressInfo } from 'node:net';
import { buildApp } from '../../../src/provider/app';
import type { PasswordHasher } from '../../../src/provider/auth/passwords';
import type { ManualClock } from '../../../src/provider/clock';
import type { ProviderContext } from '../../../src/provider/context';
import { createProviderContext } from '../../../src/provider/create-context';
import type { RouteModule } from '../../../src/provider/routes';
import { keyFileSource } from '../../../src/provider/secrets/data-key';
import { openPostgresStore, PostgresStore } from '../../../src/provider/store/postgres/postgres-store';
import { openSqliteStore, SqliteStore } from '../../../src/provider/store/sqlite/sqlite-store';
import { ApiClient } from '../../builders/api-client';
import { TEST_RATE_LIMIT, testPasswordHasher, type TestProvider } from './provider';
import { dropTestDatabase, testDatabaseUrl } from './test-database';

export interface InProcessProvider extends TestProvider {
  ctx: ProviderContext;
  store: SqliteStore | PostgresStore;
  /** Runs SQL statements on the store's own database (its connection, for SQLite). */
  execSql(sql: string): Promise<void>;
}

/**
 * `routes`: extra route modules, registered after the built-in ones (they may add hooks too).
 * `passwords`: the context's password hasher (e.g. one that counts or holds verifications;
 * default testPasswordHasher()).
 */
export async function startInProcessProvider(
  dataDir: string,
  clock: ManualClock,
  routes: readonly RouteModule[] = [],
  opts: { passwords?: PasswordHasher } = {},
): Promise<InProcessProvider> {
  const databaseUrl = await testDatabaseUrl();
  const store = databaseUrl ? await openPostgresStore(databaseUrl, { dataKey: keyFileSource(dataDir), dataDir }) : await openSqliteStore(dataDir);
  const ctx = createProviderContext(store, { clock, dataDir, rateLimit: TEST_RATE_LIMIT, passwords: opts.passwords ?? testPasswordHasher() });
  let app: FastifyInstance;
  try {
    app = buildApp(ctx, { routes });
    await app.listen({ port: 0, host: '127.0.0.1' });
  } catch (err) {
    await store.close();
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
      if (store instanceof SqliteStore) store.db.exec(sql);
      else await store.pool.query(sql);
    },
    provider: { url: ctx.origin, apiUrl: `${ctx.origin}/api/v3`, dataDir, close: async () => undefined },
    async close() {
      await api.close();
      await app.close();
      await store.close();
      if (databaseUrl) await dropTestDatabase(databaseUrl);
    },
  };
}
