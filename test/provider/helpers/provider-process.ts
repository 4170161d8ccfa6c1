// `tessera serve` as a child process (its own process group) over a given data folder, plain
// HTTP on 127.0.0.1: for tests that need a second process on the same data, or a process to kill.
import { ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';
import { ApiClient } from './api-client';
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

export async function startProviderProcess(dataDir: string, timeoutMs = 30_000): Promise<ProviderProcess> {
  const child = spawn(process.execPath, [CLI, 'serve', '--data', dataDir, '--port', '0', '--host', '127.0.0.1', '--tls', 'off', '--anonymous-rate-limit', String(TEST_RATE_LIMIT.anonymous)], {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const running = () => child.exitCode === null && child.signalCode === null;
  const killGroup = () => {
    try {
      if (child.pid && running()) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  const end = Date.now() + timeoutMs;
  let url: string | undefined;
  for (;;) {
    url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
    if (url) break;
    if (!running() || Date.now() > end) {
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
      if (running()) {
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
