// PostgreSQL connection URLs: recognizing one, and naming the database without its credentials
// (for logs: a URL may carry a password).
import { Client } from 'pg';

/** Whether `url` names a PostgreSQL database (postgres:// or postgresql://). */
export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\/./i.test(url);
}

/**
 * Where pg connects for `url`, never the user name or password: `host:port/database` over TCP,
 * `the unix socket DIR/.s.PGSQL.PORT, database NAME` over a unix socket (a host that is a
 * folder: `postgres:///db?host=/var/run/postgresql`, `postgres://user@%2Fvar%2Frun%2Fpostgresql/db`).
 * pg's own reading of the URL, with what it fills in (the default port, PGHOST, ...).
 */
export function describePostgresUrl(url: string): string {
  let client: Client;
  try {
    client = new Client({ connectionString: url });
  } catch {
    return '(a URL pg cannot read)';
  }
  const { host, port, database } = client;
  if (host.startsWith('/')) return `the unix socket ${host.replace(/\/+$/, '')}/.s.PGSQL.${port}, database ${database ?? ''}`;
  return `${host.includes(':') ? `[${host}]` : host}:${port}/${database ?? ''}`;
}

/**
 * `url` with its password (`USER:PASSWORD@`, or a `password=` parameter) replaced by `***`;
 * undefined when it carries none. A URL that cannot be parsed but may hold credentials (an `@`)
 * keeps only its scheme.
 */
export function withoutPassword(url: string): string | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return url.includes('@') ? `${url.slice(0, url.indexOf('//') + 2)}…` : undefined;
  }
  const inQuery = u.searchParams.has('password');
  if (!u.password && !inQuery) return undefined;
  if (u.password) u.password = '***';
  if (inQuery) u.searchParams.set('password', '***');
  return u.toString();
}

/**
 * The team database's URL for a command: the flag's value when given, else TESSERA_DATABASE_URL
 * from `env` (which keeps the password out of the process's argv), else undefined. Throws an
 * Error naming where the URL came from when it is not a PostgreSQL URL pg can read.
 */
export function databaseUrlOption(flagValue: string | undefined, flag: string, env: NodeJS.ProcessEnv): string | undefined {
  const url = flagValue ?? (env.TESSERA_DATABASE_URL || undefined);
  if (url === undefined) return undefined;
  const source = flagValue !== undefined ? flag : 'TESSERA_DATABASE_URL';
  if (!isPostgresUrl(url)) throw new Error(`${source} must be a postgres:// or postgresql:// URL`);
  try {
    new Client({ connectionString: url }); // pg's own reading of it (and of the files it names); connects nowhere
  } catch (err) {
    // pg's errors leave the URL out (Node's name a file it could not read, never the password).
    throw new Error(`${source} cannot be used: ${(err as Error).message}`);
  }
  return url;
}

/**
 * Why connecting to the database failed, said for a person: pg's own words, except when the
 * server asks for a password and none was given (pg then speaks of the SASL exchange).
 */
export function connectionFailure(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  if (/client password must be a (non-empty )?string/.test(message)) {
    return 'the server asks for a password and none was given: put it in TESSERA_DATABASE_URL (postgres://USER:PASSWORD@HOST/DB), PGPASSWORD or ~/.pgpass';
  }
  return message;
}

/** An Error naming the database (never its credentials) and why connecting to it failed. */
export function connectionError(url: string, err: unknown): Error {
  return new Error(`the PostgreSQL database at ${describePostgresUrl(url)}: ${connectionFailure(err)}`, { cause: err });
}
