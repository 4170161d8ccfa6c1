// Measures the resident-memory growth of a server process while the real git client pushes a
// large repository of incompressible data through it over HTTPS. The server runs in its own
// process (forked, IPC; see rss-sampler.ts) so the client side does not disturb the measurement:
// by default the real provider (token auth, authorization, git routes), or the bare bridge.
import { ChildProcess, fork } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { createBareRepository, defaultRepositoriesRoot, repositoryPath } from '../../src/provider/git/bare-repos';
import { generateRepository } from './generate-repo';
import { git, hermeticGitEnv, runGit } from './git-client';
import { setUpGitUser } from './provider-api';
import type { ServerProcessMessage } from './rss-sampler';

interface PushMemoryResult {
  /** Bytes of random data in the pushed repository. */
  repositoryBytes: number;
  /** The server's RSS just before the push (after a GC). */
  baselineRss: number;
  /** The highest RSS sampled (every 10 ms) during the push. */
  peakRss: number;
  /** peakRss - baselineRss */
  growth: number;
  samples: number;
  pushMs: number;
  /** Highest ArrayBuffer/Buffer memory sampled (garbage included until V8 collects it). */
  peakArrayBuffers: number;
  /** Highest V8 heap use sampled. */
  peakHeapUsed: number;
  /** ArrayBuffer memory still held after a full GC at the end (what the push really kept). */
  retainedArrayBuffers: number;
}

export function waitForMessage<T extends ServerProcessMessage['type']>(
  child: ChildProcess,
  type: T,
): Promise<Extract<ServerProcessMessage, { type: T }>> {
  return new Promise((resolve, reject) => {
    const onMessage = (msg: ServerProcessMessage) => {
      if (msg.type === type) {
        child.off('message', onMessage);
        child.off('exit', onExit);
        resolve(msg as Extract<ServerProcessMessage, { type: T }>);
      }
    };
    const onExit = (code: number | null) => reject(new Error(`server process exited (${code}) before '${type}'`));
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

/** Asks a forked server process to close and waits for it (SIGKILL after 5 s). */
export async function stopServerProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    const t = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(t);
      resolve();
    });
    if (child.connected) child.send({ type: 'exit' });
    else child.kill('SIGTERM');
  });
}

/**
 * Pushes `megabytes` MB of random data in `commits` commits through the server process and
 * reports its RSS growth during the push. `server`: 'provider' (default; a user, a private
 * repository and a classic `repo` token made through the API, the token as git's password) or
 * 'bridge' (the bridge alone, no authentication).
 */
export async function measurePushMemory(opts: {
  workDir: string;
  megabytes: number;
  commits?: number;
  server?: 'provider' | 'bridge';
}): Promise<PushMemoryResult> {
  const server = opts.server ?? 'provider';
  const commits = opts.commits ?? Math.max(1, Math.round(opts.megabytes / 2));
  const data = path.join(opts.workDir, 'data');
  const home = path.join(opts.workDir, 'home');
  await fsp.mkdir(home, { recursive: true });
  const bridgeRoot = path.join(opts.workDir, 'repositories');
  const script = server === 'provider' ? 'provider-server.js' : 'bridge-server.js';
  const args = server === 'provider' ? ['--data', data] : ['--root', bridgeRoot, '--data', data];
  const child = fork(path.join(__dirname, script), args, { execArgv: ['--expose-gc'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  try {
    const listening = await waitForMessage(child, 'listening');
    let remote: string;
    let serverGitDir: string;
    if (server === 'provider') {
      const { token } = await setUpGitUser(listening.url, listening.caCertPath, 'bench', ['memory']);
      remote = listening.url.replace('https://', `https://x-access-token:${token}@`) + '/bench/memory.git';
      serverGitDir = repositoryPath(defaultRepositoriesRoot(data), 'bench', 'memory');
    } else {
      serverGitDir = await createBareRepository(bridgeRoot, 'bench', 'memory');
      remote = `${listening.url}/bench/memory.git`;
    }
    const env = hermeticGitEnv(home, listening.caCertPath);
    const work = path.join(opts.workDir, 'client.git');
    await git(['init', '--quiet', '--bare', '--initial-branch=main', work], { env });
    const generated = await generateRepository(work, {
      commits,
      randomBytesPerCommit: Math.floor((opts.megabytes * 1024 * 1024) / commits),
      env,
    });
    child.send({ type: 'start' });
    const started = Date.now();
    const push = await runGit(['push', remote, 'main:main'], { cwd: work, env });
    const pushMs = Date.now() - started;
    child.send({ type: 'stop' });
    const rss = await waitForMessage(child, 'rss');
    if (push.code !== 0) throw new Error(`push failed: ${push.stderr}`);
    const serverHead = (await git(['rev-parse', 'refs/heads/main'], { cwd: serverGitDir, env })).trim();
    if (serverHead !== generated.head) throw new Error(`server has ${serverHead}, pushed ${generated.head}`);
    return {
      repositoryBytes: generated.randomBytes,
      baselineRss: rss.baseline,
      peakRss: rss.peak,
      growth: rss.peak - rss.baseline,
      samples: rss.samples,
      pushMs,
      peakArrayBuffers: rss.peakArrayBuffers,
      peakHeapUsed: rss.peakHeapUsed,
      retainedArrayBuffers: rss.retainedArrayBuffers,
    };
  } finally {
    await stopServerProcess(child);
  }
}

export function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
