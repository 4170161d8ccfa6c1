// Starts the real provider (Fastify app, SQLite store, authorization layer, local CA, HTTPS on
// 127.0.0.1) with the git routes. Once routes/index.ts lists registerGitRoutes this is plain
// startProvider; until then the same app is assembled here with the git routes added.
import type { AddressInfo } from 'node:net';
import { buildApp } from '../../src/provider/app';
import type { Clock } from '../../src/provider/clock';
import { createProviderContext } from '../../src/provider/context';
import { startProvider } from '../../src/provider/index';
import type { LogLevel } from '../../src/provider/logger';
import { ROUTE_MODULES } from '../../src/provider/routes';
import { registerGitRoutes } from '../../src/provider/routes/git';
import { openSqliteStore } from '../../src/provider/store/sqlite/sqlite-store';
import { ensureLocalCa } from '../../src/provider/tls/local-ca';

export interface ProviderWithGit {
  /** https://127.0.0.1:PORT */
  url: string;
  caCertPath: string;
  caCertPem: string;
  close(): Promise<void>;
}

export async function startProviderWithGit(opts: {
  dataDir: string;
  clock?: Clock;
  log?: (level: LogLevel, message: string) => void;
}): Promise<ProviderWithGit> {
  if (ROUTE_MODULES.includes(registerGitRoutes)) {
    const p = await startProvider({ dataDir: opts.dataDir, tls: 'auto', host: '127.0.0.1', port: 0, clock: opts.clock, log: opts.log });
    return { url: p.url, caCertPath: p.caCertPath!, caCertPem: p.caCertPem!, close: () => p.close() };
  }
  const ca = await ensureLocalCa(opts.dataDir);
  const store = openSqliteStore(opts.dataDir);
  const ctx = createProviderContext(store, { clock: opts.clock, dataDir: opts.dataDir, log: opts.log });
  const app = buildApp(ctx, { https: { cert: ca.certPem, key: ca.keyPem }, routes: [registerGitRoutes] });
  try {
    await app.listen({ port: 0, host: '127.0.0.1' });
  } catch (err) {
    await store.close();
    throw err;
  }
  const url = `https://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  ctx.origin = url;
  return {
    url,
    caCertPath: ca.caCertPath,
    caCertPem: ca.caCertPem,
    close: async () => {
      await app.close();
      await store.close();
    },
  };
}
