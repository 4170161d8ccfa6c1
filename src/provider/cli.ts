// `tessera serve --data DIR [--db postgres://…] [--repos DIR] [--port N] [--host 127.0.0.1]
//  [--tls auto|off] [--tls-cert F --tls-key F] [--trust-proxy ADDR,…] [--signup open|closed]
//  [--public-host NAME]... [--public-url URL] [--max-connections N] [--rate-limit N] [--anonymous-rate-limit N]
//  [--max-push-size MIB]`
// `tessera reset-two-factor --data DIR | --db postgres://…` (the way out when the data key is lost for good)
// `tessera migrate --from DATA_DIR --to postgres://…` (team-migration/migrate-command.ts)
import './cli-early-signals'; // first: SIGINT and SIGTERM are caught from here on, also while the rest loads
import './cli-node-version'; // a Node without node:sqlite is told so, not crashed
import './quiet-sqlite-warning'; // before anything loads node:sqlite
import { existsSync } from 'node:fs';
import { isIP } from 'node:net';
import * as path from 'node:path';
import { parseCommandArgs, refuseArguments } from './cli-args';
import { handOverEarlySignals } from './cli-early-signals';
import { refuseForeignDataFolder } from './cli-data-folder';
import { hidePasswordsFromProcessList } from './cli-process-list';
import { refuseUnsafeFolder } from './secrets/private-files';
import { parseServedName, publicUrlHost } from './http/served-hosts';
import { isLoopbackHost, ProviderOptions, RunningProvider, startProvider } from './index';
import { resetAllTwoFactorPg } from './store/postgres/data-key-ledger';
import { connectionFailure, databaseUrlOption, describePostgresUrl } from './store/postgres/url';
import { DATABASE_FILE, DatabaseInUse, openDatabase } from './store/sqlite/database';
import { resetAllTwoFactor } from './store/sqlite/two-factor';
import { MIGRATE_USAGE, runMigrateCommand } from './team-migration/migrate-command';

const USAGE = `Usage: tessera serve --data DIR [--db postgres://USER@HOST/DB] [--repos DIR] [--port N]
                     [--host 127.0.0.1] [--tls auto|off] [--tls-cert FILE --tls-key FILE]
                     [--trust-proxy ADDR[,ADDR]...] [--signup open|closed]
                     [--public-host NAME[:PORT]]... [--public-url URL] [--max-connections N]
                     [--rate-limit N] [--anonymous-rate-limit N] [--max-push-size MIB]
       tessera reset-two-factor --data DIR | --db postgres://USER@HOST/DB
${MIGRATE_USAGE}

  reset-two-factor  the way out when the data key is lost for good (providers stopped): removes
                  two-factor authentication from every account in DIR/tessera.db, or in the team
                  database (--db, or TESSERA_DATABASE_URL when neither is given), and forgets
                  the key; the next start makes a new one. Refused while a provider runs
                  on DIR, or a team server on the database (on any host).

  --data          the data folder (made 0700 when missing): tessera.db (without --db),
                  secret.key (the key of the two-factor secrets: back it up with the database),
                  tls/ and repositories/ (without --repos).
  --port          the port to listen on (default 0: a free port, chosen at each start; the URL
                  printed says which).
  --host          the address to listen on (default 127.0.0.1).
  --tls           auto (default): HTTPS with a local CA made in DIR/tls (its path is printed);
                  off: plain HTTP, only on a loopback --host.
  --tls-cert, --tls-key  HTTPS with this certificate and key (PEM files) instead of the local CA.
  --signup        open (default): anyone may sign up (POST /api/v3/users); closed: after the
                  first account (the site admin), only the admin makes accounts.
  --db            (or TESSERA_DATABASE_URL) keep accounts and tokens in PostgreSQL (a team
                  server, one or several replicas) instead of DIR/tessera.db. The variable (or
                  PGPASSWORD, or ~/.pgpass) keeps the password out of the command line.
  --repos         the folder of bare repositories (default DIR/repositories); replicas of a
                  team server share one, on shared storage.
  --trust-proxy   the reverse proxies (IP addresses, CIDR ranges, or loopback) in front of the
                  server: the client address (lockout, audit log, rate limits) is then taken
                  from their X-Forwarded-For. Without it the header is ignored.
  --public-host   a name (or address) clients reach a team server by; repeatable. Requests
                  whose Host is not 127.0.0.1, localhost, [::1], --host or a public host are
                  refused (421), and with --tls auto the local CA covers exactly these names.
                  The first one names the server in its answers (clone_url, Location, ...):
                  https://NAME with its port, or the listening one.
  --public-url    the origin clients reach the server at, when the first --public-host does not
                  say it (behind a TLS-terminating proxy: https://tessera.example.com); its
                  host is served too, and the answers name the server by it.
  --max-connections  connections held at once (default 512); more are closed as they come.
  --rate-limit    API requests an hour for each user (default 5000).
  --anonymous-rate-limit  API requests an hour for each address without credentials (default 60).
  --max-push-size  the largest pack one git push may send, in MiB (default 2048, GitHub's 2 GiB).`;

interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

/** An address, a CIDR range, or one of the named ranges Fastify's trustProxy knows. */
function isProxyAddress(value: string): boolean {
  if (['loopback', 'linklocal', 'uniquelocal'].includes(value)) return true;
  const [addr, bits, extra] = value.split('/');
  const family = isIP(addr);
  if (!family || extra !== undefined) return false;
  return bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128));
}

/**
 * Parses argv (without node and script); TESSERA_DATABASE_URL from `env` when there is no --db.
 * Throws an Error with a message for the user.
 */
export function parseServeArgs(argv: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): ProviderOptions {
  const { values, positionals } = parseCommandArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      data: { type: 'string' },
      db: { type: 'string' },
      repos: { type: 'string' },
      'trust-proxy': { type: 'string', multiple: true },
      port: { type: 'string' },
      host: { type: 'string' },
      tls: { type: 'string' },
      'tls-cert': { type: 'string' },
      'tls-key': { type: 'string' },
      signup: { type: 'string' },
      'public-host': { type: 'string', multiple: true },
      'public-url': { type: 'string' },
      'max-connections': { type: 'string' },
      'rate-limit': { type: 'string' },
      'anonymous-rate-limit': { type: 'string' },
      'max-push-size': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) throw new Error(USAGE);
  if (positionals.length === 0) throw new Error('no command given (serve, reset-two-factor or migrate)');
  if (positionals[0] !== 'serve') throw new Error(`unknown command '${positionals[0]}'`);
  if (positionals.length > 1) throw new Error(`serve: unexpected argument '${positionals[1]}'`);
  if (!values.data) throw new Error('--data DIR is required');
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!/^\d+$/.test(values.port ?? '0') || port > 65535) throw new Error(`--port must be 0–65535`);
  const host = values.host ?? '127.0.0.1';
  let tls: ProviderOptions['tls'];
  if (values['tls-cert'] || values['tls-key']) {
    if (!values['tls-cert'] || !values['tls-key']) throw new Error('--tls-cert and --tls-key go together');
    if (values.tls !== undefined && values.tls !== 'auto') throw new Error('--tls-cert/--tls-key cannot be combined with --tls off');
    tls = { certFile: path.resolve(cwd, values['tls-cert']), keyFile: path.resolve(cwd, values['tls-key']) };
  } else {
    const mode = values.tls ?? 'auto';
    if (mode !== 'auto' && mode !== 'off') throw new Error(`--tls must be auto or off`);
    tls = mode;
  }
  if (tls === 'off' && !isLoopbackHost(host)) {
    throw new Error(`--tls off is refused for ${host}: plain HTTP is only allowed on a loopback address`);
  }
  const signup = values.signup ?? 'open';
  if (signup !== 'open' && signup !== 'closed') throw new Error('--signup must be open or closed');
  const publicHosts = values['public-host'] ?? [];
  for (const h of publicHosts) {
    try {
      parseServedName(h);
    } catch (err) {
      throw new Error(`--public-host: ${(err as Error).message}`);
    }
  }
  const publicUrl = values['public-url'];
  if (publicUrl !== undefined) {
    try {
      publicUrlHost(publicUrl);
    } catch (err) {
      throw new Error(`--public-url: ${(err as Error).message}`);
    }
  }
  const maxConnections = positiveWhole(values['max-connections'], '--max-connections must be a positive integer');
  const databaseUrl = databaseUrlOption(values.db, '--db', env);
  const rateLimit = {
    authenticated: positiveWhole(values['rate-limit'], '--rate-limit must be a positive whole number of requests an hour'),
    anonymous: positiveWhole(values['anonymous-rate-limit'], '--anonymous-rate-limit must be a positive whole number of requests an hour'),
  };
  const maxPushMib = positiveWhole(values['max-push-size'], '--max-push-size must be a positive whole number of MiB');
  const trustProxy = (values['trust-proxy'] ?? []).flatMap((v) => v.split(',')).map((v) => v.trim());
  for (const p of trustProxy) {
    if (!isProxyAddress(p)) throw new Error(`--trust-proxy: '${p}' is not an IP address, a CIDR range or loopback/linklocal/uniquelocal`);
  }
  return {
    dataDir: path.resolve(cwd, values.data),
    ...(values.repos ? { reposDir: path.resolve(cwd, values.repos) } : {}),
    ...(trustProxy.length ? { trustProxy } : {}),
    port,
    host,
    tls,
    signup,
    rateLimit,
    ...(publicHosts.length ? { publicHosts } : {}),
    ...(publicUrl !== undefined ? { publicUrl } : {}),
    ...(maxConnections !== undefined ? { limits: { maxConnections } } : {}),
    ...(maxPushMib !== undefined ? { maxPushBytes: maxPushMib * 1024 * 1024 } : {}),
    ...(databaseUrl ? { databaseUrl } : {}),
  };
}

/** A count option (connections, requests an hour): undefined when not given (the default applies). */
function positiveWhole(value: string | undefined, refusal: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < 1) throw new Error(refusal);
  return n;
}

/**
 * `reset-two-factor --data DIR` (SQLite) or `--db URL` / TESSERA_DATABASE_URL (the team database
 * on PostgreSQL): removes two-factor authentication from every account and forgets the data key,
 * so the next start makes a new one. An explicit --data always means the SQLite database in DIR.
 */
async function resetTwoFactor(argv: string[], io: CliIo, env: NodeJS.ProcessEnv): Promise<number> {
  let target: { dataDir: string } | { databaseUrl: string };
  try {
    const { values } = parseCommandArgs({ args: argv, strict: true, options: { data: { type: 'string' }, db: { type: 'string' } } });
    if (values.data !== undefined && values.db !== undefined) throw new Error('give --data DIR or --db URL, not both');
    const databaseUrl = values.data === undefined ? databaseUrlOption(values.db, '--db', env) : undefined;
    if (databaseUrl) target = { databaseUrl };
    else if (values.data) target = { dataDir: path.resolve(process.cwd(), values.data) };
    else throw new Error('--data DIR (or --db URL, or TESSERA_DATABASE_URL) is required');
  } catch (err) {
    return refuseArguments(io.err, 'reset-two-factor', err);
  }
  if ('databaseUrl' in target) {
    const where = `the PostgreSQL database at ${describePostgresUrl(target.databaseUrl)}`;
    try {
      const accounts = await resetAllTwoFactorPg(target.databaseUrl);
      io.out(`Removed two-factor authentication from ${accounts} account(s) in ${where}; the next replica to start makes its data key the database's (copy it to the others).`);
      return 0;
    } catch (err) {
      io.err(`tessera: ${where}: ${connectionFailure(err)}`);
      return 1;
    }
  }
  const { dataDir } = target;
  // A folder another user owns or may write to is refused, as a provider's start refuses it.
  try {
    refuseUnsafeFolder(dataDir, 'the data folder');
  } catch (err) {
    io.err(`tessera reset-two-factor: ${(err as Error).message}`);
    return 1;
  }
  if (!existsSync(path.join(dataDir, DATABASE_FILE))) {
    io.err(`tessera: no Tessera database in ${dataDir}`);
    return 1;
  }
  // Refused, in one line saying what to close, while a provider has the database open (the command
  // is for stopped providers: a running one goes on with the data key it read when it started); a
  // file that is no database is a message naming the folder, not a crash with a stack.
  try {
    const db = openDatabase(dataDir, { alone: true });
    try {
      const accounts = resetAllTwoFactor(db);
      io.out(`Removed two-factor authentication from ${accounts} account(s); the next start makes a new data key.`);
      return 0;
    } finally {
      db.close();
    }
  } catch (err) {
    io.err(err instanceof DatabaseInUse ? `tessera reset-two-factor: ${err.message}` : `tessera: the database in ${dataDir}: ${(err as Error).message}`);
    return 1;
  }
}

/** `tessera help`, or any command with -h / --help: asks for the usage (answered on stdout, exit 0). */
function asksForHelp(argv: readonly string[]): boolean {
  return argv[0] === 'help' || argv.some((a) => a === '--help' || a === '-h');
}

export async function main(
  argv: string[],
  io: CliIo = { out: (l) => console.log(l), err: (l) => console.error(l) },
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  hidePasswordsFromProcessList(argv, io.err);
  if (asksForHelp(argv)) {
    io.out(USAGE);
    return 0;
  }
  if (argv[0] === 'reset-two-factor') {
    handOverEarlySignals(); // short, and undone by nothing: a signal ends it as it would any command
    return resetTwoFactor(argv.slice(1), io, env);
  }
  if (argv[0] === 'migrate') return runMigrateCommand(argv.slice(1), io, env);
  let opts: ProviderOptions;
  try {
    opts = parseServeArgs(argv, process.cwd(), env);
    refuseForeignDataFolder(opts.dataDir, typeof opts.tls === 'object' ? [opts.tls.certFile, opts.tls.keyFile] : []);
  } catch (err) {
    // `tessera serv …` or no command at all: the usage of every command; otherwise serve's.
    return refuseArguments(io.err, argv.includes('serve') ? 'serve' : undefined, err);
  }
  if (opts.databaseUrl && existsSync(path.join(opts.dataDir, DATABASE_FILE))) {
    // An embedded provider's folder served as a team's: its accounts are not where this one looks.
    io.err(
      `tessera: ${path.join(opts.dataDir, DATABASE_FILE)} is not used: the accounts and tokens are those of the PostgreSQL database at ` +
        `${describePostgresUrl(opts.databaseUrl)} (\`tessera migrate --from ${opts.dataDir}\` copies an embedded provider's into an empty one).`,
    );
  }
  // From here on SIGINT or SIGTERM closes the provider, also while it starts (the default action
  // would end the process at once, exit 130 or 143, with the start half done): a start under way
  // completes, then closes. Once each: a second Ctrl-C ends the process without waiting.
  let signalled: string | undefined;
  let closeOn: ((signal: string) => void) | undefined;
  const stop = (signal: string) => {
    if (signalled) return;
    signalled = signal;
    closeOn?.(signal);
  };
  const onSigint = () => stop('SIGINT');
  const onSigterm = () => stop('SIGTERM');
  process.once('SIGINT', onSigint);
  process.once('SIGTERM', onSigterm);
  handOverEarlySignals();
  // A signal that came while the modules loaded is dispatched now, before anything is started:
  // the command then ends having made nothing (no data folder, database, lock or socket).
  await new Promise((resolve) => setImmediate(resolve));
  if (signalled) {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigterm);
    io.err(`tessera: ${signalled}, shutting down`);
    return 0;
  }
  let provider: RunningProvider;
  try {
    provider = await startProvider({
      ...opts,
      log: (level, message) => io.err(`[${level}] ${message}`),
      logLevel: 'info',
    });
  } catch (err) {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigterm);
    io.err(`tessera: ${(err as Error).message}`);
    return 1;
  }
  return new Promise<number>((resolve) => {
    closeOn = (signal) => {
      io.err(`tessera: ${signal}, shutting down`);
      provider.close().then(
        () => resolve(0),
        (err) => {
          io.err(`tessera: error while closing: ${(err as Error).message}`);
          resolve(1);
        },
      );
    };
    // A team server that lost its database's serving lock has closed itself: exit 1, so that a
    // supervisor (systemd's Restart=on-failure) starts it again.
    void provider.stoppedOnItsOwn?.then((reason) => {
      process.off('SIGINT', onSigint);
      process.off('SIGTERM', onSigterm);
      io.err(`tessera: ${reason}; closed`);
      resolve(1);
    });
    // Signalled while it started: closed without saying it listens.
    if (signalled) return closeOn(signalled);
    io.out(`Tessera provider listening on ${provider.url}`);
    // Behind a proxy, or listening on 0.0.0.0: where clients go is not where it listens.
    if (provider.publicOrigin !== provider.url) io.out(`Clients reach it at ${provider.publicOrigin} (the extension's setting tessera.providerUrl)`);
    if (provider.caCertPath) io.out(`CA certificate: ${provider.caCertPath}`);
  });
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => {
    // A command that failed exits now, whatever it may have left open.
    if (code !== 0) process.exit(code);
    process.exitCode = code;
  });
}
