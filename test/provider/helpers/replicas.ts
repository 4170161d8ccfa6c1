// Replicas of one team in a test: providers over PostgreSQL databases that share one data key (as a
// team copies secret.key to each replica), each closed after its test. Call inside a `describe`.
import type { DataKeySource } from '../../../src/provider/secrets/data-key';
import { memoryKeySource } from './postgres-stores';
import { startTestProvider, type TestProvider } from './provider';

type ReplicaOptions = Omit<NonNullable<Parameters<typeof startTestProvider>[0]>, 'databaseUrl' | 'dataKey'>;

export interface Replicas {
  /** A replica over `databaseUrl` (closed after the test). */
  replica(databaseUrl: string, options?: ReplicaOptions): Promise<TestProvider>;
  /** The key every replica shares, for a provider a test starts itself. */
  readonly dataKey: DataKeySource;
  /** Closes these after the test too (providers the test started itself). */
  keep(...providers: TestProvider[]): void;
}

export function useReplicas(): Replicas {
  const open: TestProvider[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((t) => t.close()));
  });
  const dataKey = memoryKeySource();
  return {
    dataKey,
    keep: (...providers) => void open.push(...providers),
    async replica(databaseUrl, options = {}) {
      const t = await startTestProvider({ ...options, databaseUrl, dataKey });
      open.push(t);
      return t;
    },
  };
}
