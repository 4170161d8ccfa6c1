// `tessera serve` as a child process (its own process group) over a given data folder, plain
// HTTP on 127.0.0.1: for tests that need a second process on the same data, or a process to kill.
import { ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';
import { ApiClient } from '../../builders/api-client';
import { TEST_RATE_LIMIT } from './provider';

const CLI = path.resolve(__dirname, '../../../src/provider/cli.js');

export interface ProviderProcess {
  child: ChildProcess;
  url: string;
  api: ApiClient;
  /** Everything it printed so far (stdout and stderr). */
  output(): string;
  /** SIGTERM, then SIGKILL to the group after 10 s; resolves once it exited. */
  stop(): Promise<void>;
  /** SIGKILL to the whole process group at once (a crash); resolves once it exited. */
  kill(): Promise<void>;
}

/** Every process started here that has not exited yet: a failed test must not leave one running. */
const running = new Set<ChildProcess>();

function killGroupOf(child: ChildProcess): void {
  try {
    if (child.pid && child.exitCode === null && child.signalCode === null) process.kill(-child.pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

// A root hook (this module is loaded while mocha reads the test files): whatever a test left
// running is killed, process group included, so the run can end.
if (typeof after === 'function') after(() => running.forEach(killGroupOf));

const SIGNALS = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 } as const;
let hooked = false;
/** Kills the groups when this process ends otherwise: on 'exit', and on a signal (which skips
 *  'exit': test-all stops a layer with SIGTERM), then exiting with 128 + the signal's number. */
function hookProcessEnd(): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', () => running.forEach(killGroupOf));
  for (const [sig, n] of Object.entries(SIGNALS)) {
    process.on(sig, () => {
      running.forEach(killGroupOf);
      process.exit(128 + n);
    });
  }
}

/**
 * Puts a child started with `detached: true` (a process group of its own, which a signal to the
 * test run does not reach) under the same guard: its group is killed after the run, when the run
 * exits, or when a signal ends it.
 */
export function guardProcessGroup(child: ChildProcess): void {
  hookProcessEnd();
  running.add(child);
  child.once('exit', () => running.delete(child));
}

/** Starts several at once; if any does not start, the others are stopped before the error is passed on. */
export async function startProviderProcesses(dataDir: string, count: number): Promise<ProviderProcess[]> {
  const started = await Promise.allSettled(Array.from({ length: count }, () => startProviderProcess(dataDir)));
  const failure = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  const ok = started.filter((s): s is PromiseFulfilledResult<ProviderProcess> => s.status === 'fulfilled').map((s) => s.value);
  if (failure) {
    await Promise.all(ok.map((p) => p.stop()));
    throw failure.reason;
  }
  return ok;
}

/** `databaseUrl`: `--db` (PostgreSQL) instead of SQLite in the data folder. */
export async function startProviderProcess(dataDir: string, timeoutMs = 30_000, databaseUrl?: string): Promise<ProviderProcess> {
  const limits = ['--rate-limit', String(TEST_RATE_LIMIT.authenticated), '--anonymous-rate-limit', String(TEST_RATE_LIMIT.anonymous)];
  const db = databaseUrl ? ['--db', databaseUrl] : [];
  const child = spawn(process.execPath, [CLI, 'serve', '--data', dataDir, ...db, '--port', '0', '--host', '127.0.0.1', '--tls', 'off', ...limits], {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  guardProcessGroup(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const isRunning = () => child.exitCode === null && child.signalCode === null;
  const killGroup = () => killGroupOf(child);
  const end = Date.now() + timeoutMs;
  let url: string | undefined;
  for (;;) {
    url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
    if (url) break;
    if (!isRunning() || Date.now() > end) {
      killGroup();
      throw new Error(`tessera serve did not start: ${out}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  const api = new ApiClient(url);
  return {
    child,
    url,
    api,
    output: () => out,
    async stop() {
      await api.close();
      if (isRunning()) {
        child.kill('SIGTERM');
        const timer = setTimeout(killGroup, 10_000);
        await exited;
        clearTimeout(timer);
      }
    },
    async kill() {
      killGroup();
      await exited;
      await api.close().catch(() => undefined);
    },
  };
}
