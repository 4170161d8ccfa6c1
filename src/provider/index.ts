// The token provider as a library: `startProvider` runs it in-process (the extension loads
// dist/provider.js lazily; the CLI wraps it). No top-level side effects, no process.exit, no
// process.cwd; close() releases everything.
import type { Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app';
import type { PasswordHasher } from './auth/passwords';
import { Clock, systemClock } from './clock';
import type { ProviderContext, RateLimitSettings } from './context';
import { createProviderContext } from './create-context';
import type { ConnectionLimits } from './http/connection-limits';
import { publicOrigin, publicUrlHost, servedNames } from './http/served-hosts';
import { Logger, LogLevel, LogThreshold, redactingLogger } from './logger';
import { keyFileSource, type DataKeySource } from './secrets/data-key';
import { ensurePrivateDirSync, refuseUnsafeFolder, removeEmptyMadeDirsSync, securePrivateTree } from './secrets/private-files';
import { openPostgresStore } from './store/postgres/postgres-store';
import { describePostgresUrl } from './store/postgres/url';
import { openSqliteStore } from './store/sqlite/sqlite-store';
import type { Store } from './store/store';
import { readCertificateFiles } from './tls/certificate-files';
import { DEFAULT_CERTIFICATE_CHECK_INTERVAL_MS, startCertificateRenewal, type CertificateRenewal } from './tls/certificate-renewal';
import { ensureLocalCa } from './tls/local-ca';
import { DEFAULT_SWEEP_INTERVAL_MS, startSweeper } from './tokens/sweeper';
import { VERSION } from './version';

export type { Clock } from './clock';
export { ManualClock, systemClock } from './clock';
export { VERSION } from './version';
export type { DataKeySource } from './secrets/data-key';
export type { RateLimitSettings } from './context';
export { DEFAULT_RATE_LIMITS } from './http/api-rate-limit';

export interface ProviderOptions {
  /**
   * Absolute path of the data folder (database, TLS material, repositories). Created when
   * missing; made readable by its owner only (0700, files 0600) at every start.
   */
  dataDir: string;
  /**
   * Where the key that encrypts the database's secrets is kept. Default: `secret.key` (0600)
   * in the data folder (with a PostgreSQL database, every replica needs the same key).
   */
  dataKey?: DataKeySource;
  /**
   * A PostgreSQL URL (postgres://…): the store lives there, shared by every replica given the
   * same URL, instead of `${dataDir}/tessera.db`. Default: SQLite in the data folder.
   */
  databaseUrl?: string;
  /**
   * With `databaseUrl`: how often the connection that listens for other replicas' changes is
   * checked (default 5 s). Caches are trusted only while a check sent within two intervals has
   * been answered, so a silently dropped connection holds stale tokens and permissions at most
   * about that long. Not a setting of `tessera serve`: tests pass a short one.
   */
  listenCheckIntervalMs?: number;
  /**
   * Absolute path of the folder of bare repositories. Default: `repositories` in the data folder.
   * Replicas of a team server share one (shared storage), as they share the database.
   */
  reposDir?: string;
  /**
   * The reverse proxies (addresses, CIDR ranges, or `loopback`) whose X-Forwarded-For names the
   * client: the client address then comes from that header (lockout, audit, rate limits).
   * Default none: the header is ignored and the address is the connection's peer.
   */
  trustProxy?: string[];
  /** 0 = a free port. Default 0. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 'auto' (local CA). 'off' only on loopback. */
  tls?: 'auto' | 'off' | { certFile: string; keyFile: string };
  /** Default 'open'. With 'closed' only an admin can create users (the first user always can). */
  signup?: 'open' | 'closed';
  /**
   * API requests an hour: per user (or account API token) and per client address without
   * credentials. Default GitHub's: 5,000 and 60.
   */
  rateLimit?: Partial<RateLimitSettings>;
  /** The largest pack one push may send, in bytes. Default GitHub's 2 GiB. */
  maxPushBytes?: number;
  clock?: Clock;
  log?: (level: LogLevel, message: string) => void;
  /**
   * The lowest level `log` keeps (or a function that tells it, for a sink whose level changes).
   * Lines below it are never built. Default 'debug': every line.
   */
  logLevel?: LogThreshold;
  /** How often the unused-token sweeper runs. Default one hour. */
  sweepIntervalMs?: number;
  /** How often a running provider with `tls: 'auto'` checks whether its certificate is due for renewal. Default twelve hours. */
  certificateCheckIntervalMs?: number;
  /**
   * Host names (or addresses, `NAME` or `NAME:PORT`) a team server is reached by, besides the
   * loopback names and `host` itself: requests for any other Host are refused, and the local CA
   * (`tls: 'auto'`) covers exactly these names. Default none.
   */
  publicHosts?: string[];
  /**
   * The origin clients reach a team server at, which the answers name it by (clone_url, Location,
   * the device flow's verification_uri, ...), e.g. `https://tessera.example.com` behind a proxy on
   * 443. Its host is served too. Default: the first public host (its port, or the listening one),
   * else the listening address.
   */
  publicUrl?: string;
  /** Request deadlines and the connection cap (http/connection-limits.ts), over the defaults. */
  limits?: Partial<ConnectionLimits>;
  /**
   * How passwords are hashed and verified. Default: scrypt with DEFAULT_SCRYPT, a few at once
   * (auth/passwords.ts). Not a setting of `tessera serve`: tests pass a cheaper one.
   */
  passwords?: PasswordHasher;
}

export interface RunningProvider {
  /** Origin, e.g. https://127.0.0.1:41234 */
  url: string;
  /**
   * The origin clients are to use, which the answers name the server by: `url`, or the public
   * one (publicUrl, or the first public host) when there is one.
   */
  publicOrigin: string;
  /** url + '/api/v3' */
  apiUrl: string;
  caCertPath?: string;
  caCertPem?: string;
  dataDir: string;
  close(): Promise<void>;
  /**
   * Resolves, with why, once the provider has closed on its own: a team server that lost its
   * database's serving lock (store/postgres/serving-lock.ts) stops serving and closes. Never
   * resolves otherwise. (Optional for the stand-ins of tests.)
   */
  stoppedOnItsOwn?: Promise<string>;
}

export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h) || h === '::ffff:127.0.0.1';
}

function originOf(protocol: 'http' | 'https', host: string, port: number): string {
  const h = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return `${protocol}://${h}:${port}`;
}

export async function startProvider(opts: ProviderOptions): Promise<RunningProvider> {
  if (!path.isAbsolute(opts.dataDir)) throw new Error(`dataDir must be an absolute path: ${opts.dataDir}`);
  const dataDir = path.normalize(opts.dataDir);
  const host = opts.host ?? '127.0.0.1';
  const tlsMode = opts.tls ?? 'auto';
  const signup = opts.signup ?? 'open';
  if (signup !== 'open' && signup !== 'closed') throw new Error(`signup must be 'open' or 'closed'`);
  for (const [name, value] of Object.entries(opts.rateLimit ?? {})) {
    if (value !== undefined && (!Number.isSafeInteger(value) || value < 1)) throw new Error(`rateLimit.${name} must be a positive integer`);
  }
  if (opts.maxPushBytes !== undefined && (!Number.isSafeInteger(opts.maxPushBytes) || opts.maxPushBytes < 1)) throw new Error('maxPushBytes must be a positive integer');
  if (tlsMode === 'off' && !isLoopbackHost(host)) {
    throw new Error(`refusing to serve without TLS on ${host}: --tls off is only allowed on a loopback address`);
  }
  const port = opts.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`invalid port: ${port}`);
  const publicHosts = [...(opts.publicHosts ?? []), ...(opts.publicUrl ? [publicUrlHost(opts.publicUrl)] : [])];
  const names = servedNames(host, publicHosts);
  const log: Logger = redactingLogger(opts.log, opts.logLevel);
  const clock = opts.clock ?? systemClock;

  // Given certificate files are checked before anything is made in the data folder.
  const given = typeof tlsMode === 'object' ? await readCertificateFiles(tlsMode) : undefined;
  if (opts.reposDir !== undefined && !path.isAbsolute(opts.reposDir)) throw new Error(`reposDir must be an absolute path: ${opts.reposDir}`);
  const reposDir = opts.reposDir ? path.normalize(opts.reposDir) : undefined;
  // A repositories folder someone else could have put a bare repository in (its hooks run on a
  // push) is refused as the data folder is, before anything is made.
  if (reposDir) refuseUnsafeFolder(reposDir, 'the repositories folder');
  const madeDataDir = await securePrivateTree(dataDir, typeof tlsMode === 'object' ? [tlsMode.certFile, tlsMode.keyFile] : []);
  // The store first: a team server whose database is down (or refuses the credentials, or the
  // data key) stops before anything else is made (TLS, repositories), and the data folder it
  // made for the key is removed again while still empty.
  let store: Store;
  // A team server that lost the serving lock stops (once it has started: stopOnLoss is set then).
  let lostLock: string | undefined;
  let stopOnLoss: ((reason: string) => void) | undefined;
  const onLost = (reason: string) => {
    lostLock ??= `the database's serving lock was lost (${reason}): this server stops`;
    log('error', lostLock);
    stopOnLoss?.(lostLock);
  };
  try {
    store = opts.databaseUrl
      ? await openPostgresStore(opts.databaseUrl, {
          dataKey: opts.dataKey ?? keyFileSource(dataDir),
          dataDir,
          log: (message) => log('warn', message),
          listenCheckIntervalMs: opts.listenCheckIntervalMs,
          serving: { onLost },
        })
      : await openSqliteStore(dataDir, opts.dataKey);
  } catch (err) {
    removeEmptyMadeDirsSync(dataDir, madeDataDir);
    throw err;
  }

  let https: { cert: string; key: string } | undefined;
  let caCertPath: string | undefined;
  let caCertPem: string | undefined;
  let app: FastifyInstance;
  let ctx: ProviderContext;
  try {
    if (reposDir) ensurePrivateDirSync(reposDir);
    if (tlsMode === 'auto') {
      const ca = await ensureLocalCa(dataDir, names.map((n) => n.name), log);
      https = { cert: ca.certPem, key: ca.keyPem };
      caCertPath = ca.caCertPath;
      caCertPem = ca.caCertPem;
    } else if (given) {
      https = given;
    }
    ctx = createProviderContext(store, { clock, log: opts.log, logLevel: opts.logLevel, signup, dataDir, rateLimit: opts.rateLimit, maxPushBytes: opts.maxPushBytes, ...(reposDir ? { reposDir } : {}), ...(opts.passwords ? { passwords: opts.passwords } : {}) });
    app = buildApp(ctx, { https, servedNames: names, refuseAll: () => lostLock, ...(opts.publicUrl ? { publicUrl: opts.publicUrl } : {}), ...(opts.limits ? { limits: opts.limits } : {}), ...(opts.trustProxy?.length ? { trustProxy: opts.trustProxy } : {}) });
    await app.listen({ port, host });
  } catch (err) {
    await store.close();
    throw err;
  }
  const address = app.server.address() as AddressInfo;
  const url = originOf(https ? 'https' : 'http', host, address.port);
  ctx.origin = publicOrigin(https ? 'https' : 'http', publicHosts, address.port, opts.publicUrl) ?? url;
  const sweeper = startSweeper(ctx, opts.sweepIntervalMs ?? DEFAULT_SWEEP_INTERVAL_MS);
  const renewal: CertificateRenewal | undefined =
    tlsMode === 'auto' && https
      ? startCertificateRenewal(app.server as HttpsServer, {
          dataDir,
          names: names.map((n) => n.name),
          certPem: https.cert,
          clock,
          log,
          intervalMs: opts.certificateCheckIntervalMs ?? DEFAULT_CERTIFICATE_CHECK_INTERVAL_MS,
        })
      : undefined;
  const database = opts.databaseUrl ? `, database: PostgreSQL at ${describePostgresUrl(opts.databaseUrl)}` : '';
  const repos = reposDir ? `, repositories: ${reposDir}` : '';
  const named = ctx.origin === url ? '' : `, answers name it ${ctx.origin}`;
  log('info', `provider ${VERSION} started at ${url} (data: ${dataDir}${database}${repos}${named})`);

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      await sweeper.stop();
      await renewal?.stop();
      await app.close();
      await store.close();
    })();
    return closing;
  };
  const stoppedOnItsOwn = new Promise<string>((resolve) => {
    stopOnLoss = (reason) => {
      // No request is served any more (refuseAll), and the work under way — a git push and its
      // git http-backend — is cut now rather than given the close's grace.
      const closed = close();
      app.server.closeAllConnections();
      void closed.then(() => resolve(reason), () => resolve(reason));
    };
  });
  if (lostLock) stopOnLoss!(lostLock);
  return {
    url,
    publicOrigin: ctx.origin,
    apiUrl: `${url}/api/v3`,
    ...(caCertPath ? { caCertPath, caCertPem } : {}),
    dataDir,
    close,
    stoppedOnItsOwn,
  };
}
