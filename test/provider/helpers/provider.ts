// Starts a real provider in-process on 127.0.0.1 (port 0) with a fresh data folder and a
// movable clock. Default: plain HTTP on loopback (fast); pass `tls: 'auto'` for HTTPS with the
// local CA (the client then trusts that CA only). The store is SQLite in the data folder, or a
// fresh PostgreSQL database under TESSERA_TEST_DB=postgres (helpers/test-database.ts).
import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { boundedPasswordHasher, DEFAULT_SCRYPT, type PasswordHasher } from '../../../src/provider/auth/passwords';
import { ManualClock } from '../../../src/provider/clock';
import { ProviderOptions, RunningProvider, startProvider } from '../../../src/provider/index';
import { ApiClient } from '../../builders/api-client';
import { dropTestDatabase, testDatabaseUrl } from './test-database';

export interface TestProvider {
  provider: RunningProvider;
  api: ApiClient;
  clock: ManualClock;
  dataDir: string;
  /** The PostgreSQL database it runs on (undefined: SQLite in dataDir). */
  databaseUrl?: string;
  /** Every line the provider logged (already redacted by the provider). */
  logs: { level: string; message: string }[];
  close(): Promise<void>;
}

/**
 * Tests make many requests from one address and one user (sign-ups, bursts, fuzzing): GitHub's
 * hourly limits would stop a test file half way, so test providers get limits no test reaches.
 * Tests of the rate limit itself pass their own (small) limits; `undefined` brings back a default.
 */
export const TEST_RATE_LIMIT = { authenticated: 1_000_000, anonymous: 1_000_000 };

/**
 * The password hasher of test providers: scrypt as in production but with N = 2^10 instead of
 * 2^15, about 50 times less work. The suite signs up and signs in over a thousand times, and at
 * production cost hashing was the larger part of its CPU time. Tests of the stored hash itself
 * pass `passwords: boundedPasswordHasher()` (production's); `tessera serve` processes always hash
 * at production cost.
 */
export function testPasswordHasher(): PasswordHasher {
  return boundedPasswordHasher({ params: { ...DEFAULT_SCRYPT, N: 2 ** 10 } });
}

export async function startTestProvider(opts: Partial<Omit<ProviderOptions, 'clock'>> & { clock?: ManualClock; keepDataDir?: boolean } = {}): Promise<TestProvider> {
  const dataDir = opts.dataDir ?? (await mkdtemp(path.join(os.tmpdir(), 'tessera-test-')));
  const clock = opts.clock ?? new ManualClock(Date.now());
  const logs: { level: string; message: string }[] = [];
  const databaseUrl = 'databaseUrl' in opts ? opts.databaseUrl : await testDatabaseUrl();
  const provider = await startProvider({
    tls: 'off',
    ...opts,
    rateLimit: { ...TEST_RATE_LIMIT, ...opts.rateLimit },
    passwords: opts.passwords ?? testPasswordHasher(),
    ...(databaseUrl ? { databaseUrl } : {}),
    host: '127.0.0.1',
    port: opts.port ?? 0,
    dataDir,
    clock,
    log: (level, message) => logs.push({ level, message }),
  });
  const api = new ApiClient(provider.url, provider.caCertPem);
  return {
    provider,
    api,
    clock,
    dataDir,
    ...(databaseUrl ? { databaseUrl } : {}),
    logs,
    async close() {
      await api.close();
      await provider.close();
      if (!opts.keepDataDir && !opts.dataDir) await rm(dataDir, { recursive: true, force: true });
      if (databaseUrl && !('databaseUrl' in opts)) await dropTestDatabase(databaseUrl);
    },
  };
}
