// A real PostgreSQL for tests, started by the project itself: Debian's `postgresql` package
// (installed by scripts/system-packages.mjs when missing), a fresh cluster made by initdb in a
// scratch folder, listening on 127.0.0.1 only (and a unix socket in that folder), trust
// authentication for loopback, tuned for speed (no fsync: the data is thrown away). As root,
// initdb and postgres refuse to run, so they run as the `postgres` system user (or `nobody`),
// who owns the scratch folder. `stop()` runs `pg_ctl stop -m fast` and removes the folder; a
// server still running when the test process exits (a failed test, Ctrl-C) is stopped too.
import { spawnSync, SpawnSyncReturns } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

export interface RunningPostgres {
  /** postgres://postgres@127.0.0.1:PORT/tessera — an empty database made at start. */
  url: string;
  /** Creates another empty database and returns its URL. */
  createDatabase(name: string): Promise<string>;
  /** The folder of the server's unix socket (`postgres:///DB?host=FOLDER&port=PORT` reaches it). */
  socketDir: string;
  /** The server's PID (the postmaster). */
  pid: number;
  stop(): Promise<void>;
}

const ROOT = path.resolve(__dirname, '..', '..', '..');
const SUPERUSER = 'postgres';
const running = new Set<{ dir: string; bin: string; runAs?: string }>();

function findBinDir(): string | undefined {
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return undefined;
  const versions = readdirSync(base).filter((v) => /^\d+$/.test(v) && existsSync(path.join(base, v, 'bin', 'pg_ctl')));
  versions.sort((a, b) => Number(b) - Number(a));
  return versions.length ? path.join(base, versions[0], 'bin') : undefined;
}

async function binDir(): Promise<string> {
  let dir = findBinDir();
  if (dir) return dir;
  const mod = (await import(pathToFileURL(path.join(ROOT, 'scripts', 'system-packages.mjs')).href)) as {
    ensureSystemPackages(groups: string[]): Promise<string[]>;
  };
  await mod.ensureSystemPackages(['postgres']);
  dir = findBinDir();
  if (!dir) throw new Error('PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin after installing `postgresql`');
  return dir;
}

/** The unprivileged account the server runs as when this process is root. */
function serverUser(): { name: string; uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  for (const name of ['postgres', 'nobody']) {
    const r = spawnSync('id', ['-u', name], { encoding: 'utf8' });
    const g = spawnSync('id', ['-g', name], { encoding: 'utf8' });
    if (r.status === 0 && g.status === 0) return { name, uid: Number(r.stdout.trim()), gid: Number(g.stdout.trim()) };
  }
  throw new Error('running as root, and neither a `postgres` nor a `nobody` user exists to run PostgreSQL as');
}

function run(bin: string, args: string[], runAs: string | undefined): SpawnSyncReturns<string> {
  const [cmd, argv] = runAs ? ['runuser', ['-u', runAs, '--', bin, ...args]] : [bin, args];
  // cwd: a folder the server user can enter (runuser keeps the caller's, which may be private).
  return spawnSync(cmd, argv, { encoding: 'utf8', cwd: '/', env: { ...process.env, LC_ALL: 'C', LANG: 'C' } });
}

function check(r: SpawnSyncReturns<string>, what: string): void {
  if (r.error || r.status !== 0) {
    throw new Error(`${what} failed (${r.error?.message ?? `exit ${r.status}`}):\n${r.stdout ?? ''}${r.stderr ?? ''}`);
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

function stopSync(s: { dir: string; bin: string; runAs?: string }, mode: 'fast' | 'immediate'): void {
  if (existsSync(path.join(s.dir, 'data', 'postmaster.pid'))) {
    run(path.join(s.bin, 'pg_ctl'), ['stop', '-D', path.join(s.dir, 'data'), '-m', mode, '-w', '-t', '30'], s.runAs);
  }
  rmSync(s.dir, { recursive: true, force: true });
  running.delete(s);
}

let exitHooked = false;
function hookExit(): void {
  if (exitHooked) return;
  exitHooked = true;
  // The server is not our child: it must not outlive a test run that ends early.
  process.on('exit', () => {
    for (const s of [...running]) stopSync(s, 'immediate');
  });
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      for (const s of [...running]) stopSync(s, 'immediate');
      process.kill(process.pid, sig);
    });
  }
}

export async function startPostgres(opts: { database?: string } = {}): Promise<RunningPostgres> {
  const bin = await binDir();
  const user = serverUser();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tessera-pg-'));
  const state = { dir, bin, runAs: user?.name };
  running.add(state);
  hookExit();
  try {
    if (user) chownSync(dir, user.uid, user.gid);
    const data = path.join(dir, 'data');
    check(
      run(path.join(bin, 'initdb'), ['-D', data, '-U', SUPERUSER, '--auth=trust', '--no-sync', '--encoding=UTF8', '--locale=C'], user?.name),
      'initdb',
    );
    let lastError: unknown;
    for (let attempt = 0; attempt < 5; attempt++) {
      const port = await freePort();
      const conf = [
        `listen_addresses = '127.0.0.1'`,
        `port = ${port}`,
        `unix_socket_directories = '${dir}'`,
        'fsync = off',
        'synchronous_commit = off',
        'full_page_writes = off',
        'shared_buffers = 16MB',
        'max_connections = 100',
        `log_min_messages = warning`,
      ].join('\n');
      writeFileSync(path.join(data, 'postgresql.auto.conf'), `${conf}\n`);
      if (user) chownSync(path.join(data, 'postgresql.auto.conf'), user.uid, user.gid);
      const r = run(path.join(bin, 'pg_ctl'), ['start', '-D', data, '-w', '-t', '60', '-l', path.join(dir, 'server.log')], user?.name);
      if (r.status === 0) {
        const pid = Number(readFileSync(path.join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
        const base = `postgres://${SUPERUSER}@127.0.0.1:${port}`;
        const psql = (sql: string) =>
          check(run(path.join(bin, 'psql'), ['-h', dir, '-p', String(port), '-U', SUPERUSER, '-d', 'postgres', '-v', 'ON_ERROR_STOP=1', '-c', sql], user?.name), `psql ${sql}`);
        const createDatabase = async (name: string) => {
          if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`database name: ${name}`);
          psql(`CREATE DATABASE ${name}`);
          return `${base}/${name}`;
        };
        const url = await createDatabase(opts.database ?? 'tessera');
        let stopped: Promise<void> | undefined;
        return {
          url,
          socketDir: dir,
          pid,
          createDatabase,
          stop() {
            stopped ??= Promise.resolve().then(() => stopSync(state, 'fast'));
            return stopped;
          },
        };
      }
      lastError = new Error(`pg_ctl start failed (exit ${r.status}):\n${r.stderr}\n${readLog(dir)}`);
    }
    throw lastError;
  } catch (err) {
    stopSync(state, 'immediate');
    throw err;
  }
}

function readLog(dir: string): string {
  try {
    return readFileSync(path.join(dir, 'server.log'), 'utf8');
  } catch {
    return '';
  }
}
