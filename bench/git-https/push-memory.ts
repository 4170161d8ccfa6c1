// Measures the resident-memory growth of a server process while the real git client pushes a
// large repository of incompressible data through it over HTTPS. The server runs in its own
// process (forked, IPC) so the client side does not disturb the measurement.
import { ChildProcess, fork } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { createBareRepository } from '../../src/provider/git/bare-repos';
import type { BridgeProcessMessage } from './bridge-server';
import { generateRepository } from './generate-repo';
import { git, hermeticGitEnv, runGit } from './git-client';

export interface PushMemoryResult {
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
}

function once<T extends BridgeProcessMessage['type']>(child: ChildProcess, type: T): Promise<Extract<BridgeProcessMessage, { type: T }>> {
  return new Promise((resolve, reject) => {
    const onMessage = (msg: BridgeProcessMessage) => {
      if (msg.type === type) {
        child.off('message', onMessage);
        child.off('exit', onExit);
        resolve(msg as Extract<BridgeProcessMessage, { type: T }>);
      }
    };
    const onExit = (code: number | null) => reject(new Error(`server process exited (${code}) before '${type}'`));
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

/**
 * Pushes `megabytes` MB of random data in `commits` commits through the bridge server process
 * (bench/git-https/bridge-server.js) and reports its RSS growth during the push.
 */
export async function measurePushMemory(opts: { workDir: string; megabytes: number; commits?: number }): Promise<PushMemoryResult> {
  const commits = opts.commits ?? Math.max(1, Math.round(opts.megabytes / 2));
  const root = path.join(opts.workDir, 'repositories');
  const data = path.join(opts.workDir, 'data');
  const home = path.join(opts.workDir, 'home');
  await fsp.mkdir(home, { recursive: true });
  await createBareRepository(root, 'bench', 'memory');

  const server = fork(path.join(__dirname, 'bridge-server.js'), ['--root', root, '--data', data], {
    execArgv: ['--expose-gc'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  try {
    const listening = await once(server, 'listening');
    const env = hermeticGitEnv(home, path.join(data, 'tls', 'ca.pem'));
    const work = path.join(opts.workDir, 'client.git');
    await git(['init', '--quiet', '--bare', '--initial-branch=main', work], { env });
    const generated = await generateRepository(work, {
      commits,
      randomBytesPerCommit: Math.floor((opts.megabytes * 1024 * 1024) / commits),
      env,
    });
    server.send({ type: 'start' });
    const started = Date.now();
    const push = await runGit(['push', `${listening.url}/bench/memory.git`, 'main:main'], { cwd: work, env });
    const pushMs = Date.now() - started;
    server.send({ type: 'stop' });
    const rss = await once(server, 'rss');
    if (push.code !== 0) throw new Error(`push failed: ${push.stderr}`);
    const serverHead = (await git(['rev-parse', 'refs/heads/main'], { cwd: path.join(root, 'bench', 'memory.git'), env })).trim();
    if (serverHead !== generated.head) throw new Error(`server has ${serverHead}, pushed ${generated.head}`);
    return {
      repositoryBytes: generated.randomBytes,
      baselineRss: rss.baseline,
      peakRss: rss.peak,
      growth: rss.peak - rss.baseline,
      samples: rss.samples,
      pushMs,
    };
  } finally {
    server.send({ type: 'exit' });
    await new Promise<void>((resolve) => {
      if (server.exitCode !== null) resolve();
      else {
        const t = setTimeout(() => server.kill('SIGKILL'), 5000);
        server.once('exit', () => {
          clearTimeout(t);
          resolve();
        });
      }
    });
  }
}

export function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
