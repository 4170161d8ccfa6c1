// Loads the provider bundle (dist/provider.js) lazily, in this extension host. The extension never
// imports src/provider (esbuild would bundle the whole service into extension.js and activation
// would pay for it); these types mirror src/provider/index.ts `startProvider`.
import { createRequire } from 'node:module';
import * as path from 'node:path';

type ProviderLogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | string;

/** Where the provider's data key is kept (mirrors src/provider/secrets/data-key.ts). */
export interface DataKeySource {
  readonly where: string;
  load(): Promise<Uint8Array | undefined>;
  save(key: Uint8Array): Promise<void>;
}

/**
 * The `code` of the provider's DataKeyError (mirrors DATA_KEY_ERROR_CODE in
 * src/provider/secrets/data-key.ts): the provider will not start because the data key it was
 * given is missing or is not the database's key.
 */
export const DATA_KEY_ERROR_CODE = 'TESSERA_DATA_KEY';

export function isDataKeyError(err: unknown): boolean {
  return (err as { code?: unknown } | undefined)?.code === DATA_KEY_ERROR_CODE;
}

interface StartProviderOptions {
  dataDir: string;
  dataKey?: DataKeySource;
  port?: number;
  host?: string;
  tls?: 'auto' | 'off' | { certFile: string; keyFile: string };
  signup?: 'open' | 'closed';
  log?: (level: ProviderLogLevel, message: string) => void;
  /** The lowest level `log` keeps, asked at each line: the provider builds no line below it. */
  logLevel?: () => 'debug' | 'info' | 'warn' | 'error';
  /** Requests an hour per key (GitHub's 5,000 authenticated, 60 anonymous when unset). */
  rateLimit?: { authenticated?: number; anonymous?: number };
}

export interface ProviderHandle {
  readonly url: string;
  readonly apiUrl: string;
  readonly caCertPath?: string;
  readonly caCertPem?: string;
  readonly dataDir: string;
  close(): Promise<void>;
}

export interface ProviderModule {
  startProvider(opts: StartProviderOptions): Promise<ProviderHandle>;
}

/** `require(<extension>/dist/provider.js)`, checked to have `startProvider`. */
export function loadProviderModule(extensionPath: string): ProviderModule {
  const file = path.join(extensionPath, 'dist', 'provider.js');
  const mod = createRequire(__filename)(file) as Partial<ProviderModule>;
  if (typeof mod?.startProvider !== 'function') throw new Error(`${file} does not export startProvider`);
  return mod as ProviderModule;
}
