// Starts the real provider (Fastify app, SQLite or PostgreSQL store, authorization layer, local CA, HTTPS on
// 127.0.0.1, git routes) exactly as `tessera serve` does, for the bench and the memory test.
import type { Clock } from '../../src/provider/clock';
import { startProvider } from '../../src/provider/index';
import type { LogLevel } from '../../src/provider/logger';

interface ProviderWithGit {
  /** https://127.0.0.1:PORT */
  url: string;
  caCertPath: string;
  caCertPem: string;
  close(): Promise<void>;
}

export async function startProviderWithGit(opts: {
  dataDir: string;
  /** A PostgreSQL URL; default SQLite in the data folder. */
  databaseUrl?: string;
  clock?: Clock;
  log?: (level: LogLevel, message: string) => void;
}): Promise<ProviderWithGit> {
  const p = await startProvider({ dataDir: opts.dataDir, ...(opts.databaseUrl ? { databaseUrl: opts.databaseUrl } : {}), tls: 'auto', host: '127.0.0.1', port: 0, clock: opts.clock, log: opts.log });
  if (!p.caCertPath || !p.caCertPem) throw new Error('the provider started without its local CA');
  return { url: p.url, caCertPath: p.caCertPath, caCertPem: p.caCertPem, close: () => p.close() };
}
