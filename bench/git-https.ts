// bench/git-https: wall time of `git push` and `git clone` of a generated repository (about
// 100 MB, thousands of commits) through the Tessera provider over HTTPS (a classic `repo` token
// as git's password, the full authorization layer, git routes → git http-backend), against the
// classic nginx + fcgiwrap + git-http-backend with Basic auth (htpasswd), on this machine, in one
// run. Both serve HTTPS on 127.0.0.1 with the same certificate; each server runs in its own
// processes; git runs hermetically and trusts that CA only. Also measures the provider's
// resident-memory growth during a 200 MB push.
//   npm run bench:git-https   [-- --mb 100 --commits 3000 --rounds 5 --memory-mb 200]
// Needs (Debian): apt-get install nginx fcgiwrap apache2-utils git
import { fork } from 'node:child_process';
import * as crypto from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createBareRepository } from '../src/provider/git/bare-repos';
import { ensureLocalCa } from '../src/provider/tls/local-ca';
import { generateRepository } from './git-https/generate-repo';
import { git, hermeticGitEnv, runGit } from './git-https/git-client';
import { findNginxTools, startNginxGitServer } from './git-https/nginx-git';
import { createRepository, setUpGitUser } from './git-https/provider-api';
import { measurePushMemory, mib, stopServerProcess, waitForMessage } from './git-https/push-memory';

interface Target {
  name: string;
  /** Remote URL for a repository, credentials included. */
  remote(repo: string): string;
  /** Makes an empty repository `bench/{repo}` on this server. */
  create(repo: string): Promise<void>;
  stop(): Promise<void>;
}

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i === -1) return fallback;
  const value = Number(process.argv[i + 1]);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} needs a positive number`);
  return value;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

async function timed(what: string, args: string[], opts: { cwd?: string; env: NodeJS.ProcessEnv }): Promise<number> {
  const start = process.hrtime.bigint();
  const r = await runGit(args, opts);
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.code !== 0) throw new Error(`${what} failed (${r.code ?? r.signal}):\n${r.stderr}`);
  return ms;
}

/** The real provider (token auth, authorization, git routes) in its own process; git uses a classic `repo` token. */
async function startTesseraProvider(dataDir: string): Promise<Target> {
  const child = fork(path.join(__dirname, 'git-https', 'provider-server.js'), ['--data', dataDir], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  try {
    const hello = await waitForMessage(child, 'listening');
    const { token } = await setUpGitUser(hello.url, hello.caCertPath, 'bench', []);
    const origin = hello.url.replace('https://', `https://x-access-token:${token}@`);
    return {
      name: 'Tessera',
      remote: (repo) => `${origin}/bench/${repo}.git`,
      create: (repo) => createRepository(hello.url, hello.caCertPath, token, repo),
      stop: () => stopServerProcess(child),
    };
  } catch (err) {
    await stopServerProcess(child);
    throw err;
  }
}

async function main(): Promise<void> {
  const mb = option('mb', 100);
  const commits = option('commits', 3000);
  const rounds = option('rounds', 5);
  const memoryMb = option('memory-mb', 200);

  const tools = await findNginxTools();
  if ('missing' in tools) {
    console.error(`bench:git-https needs ${tools.missing.join(', ')}. Install them with:\n  ${tools.hint}`);
    process.exit(2);
  }
  const gitVersion = (await runGit(['--version'], { env: process.env })).stdout.trim();
  console.log(`bench:git-https — ${gitVersion}, nginx ${tools.nginxVersion}, Node ${process.version}, ${os.cpus().length} CPUs`);
  const load = () => os.loadavg().map((x) => x.toFixed(1)).join(' ');
  console.log(`load average at start: ${load()} (other work on this machine makes the figures noisy)`);

  const tmp = await fsp.mkdtemp(path.join(os.tmpdir(), 'tessera-bench-git-'));
  const stops: Array<() => Promise<void>> = [];
  try {
    const dataDir = path.join(tmp, 'data');
    const ca = await ensureLocalCa(dataDir);
    const home = path.join(tmp, 'home');
    await fsp.mkdir(home, { recursive: true });
    const env = hermeticGitEnv(home, ca.caCertPath);
    const user = 'bench';
    const password = crypto.randomBytes(18).toString('base64url');

    // The repository to push and clone.
    const source = path.join(tmp, 'source.git');
    await git(['init', '--quiet', '--bare', '--initial-branch=main', source], { env });
    const genStart = Date.now();
    const generated = await generateRepository(source, {
      commits,
      randomBytesPerCommit: Math.floor((mb * 1024 * 1024) / commits),
      env,
    });
    const counted = await git(['count-objects', '-v'], { cwd: source, env });
    const size = Number(/size-pack: (\d+)/.exec(counted)?.[1] ?? 0) * 1024;
    console.log(`repository: ${commits} commits, ${mib(generated.randomBytes)} of random data, pack ${mib(size)} (generated in ${Date.now() - genStart} ms)`);

    const tessera = await startTesseraProvider(dataDir);
    stops.push(() => tessera.stop());

    // nginx's files: the same certificate and key, from the data folder.
    const keyFile = path.join(tmp, 'nginx-server-key.pem');
    const certFile = path.join(tmp, 'nginx-server.pem');
    await fsp.writeFile(keyFile, ca.keyPem, { mode: 0o600 });
    await fsp.writeFile(certFile, ca.certPem);
    const nginxRoot = path.join(tmp, 'nginx-repositories');
    const nginx = await startNginxGitServer({
      tools,
      prefix: path.join(tmp, 'nginx'),
      projectRoot: nginxRoot,
      certFile,
      keyFile,
      user,
      password,
    });
    stops.push(() => nginx.stop());
    const nginxOrigin = nginx.origin.replace('https://', `https://${user}:${password}@`);
    const nginxTarget: Target = {
      name: 'nginx',
      remote: (repo) => `${nginxOrigin}/bench/${repo}.git`,
      create: async (repo) => void (await createBareRepository(nginxRoot, 'bench', repo)),
      stop: () => nginx.stop(),
    };

    const targets = [tessera, nginxTarget];
    const times: Record<string, { push: number[]; clone: number[] }> = {};
    for (const t of targets) times[t.name] = { push: [], clone: [] };
    for (let round = 0; round < rounds; round++) {
      // Alternate the order so neither side always runs on a warmer page cache.
      const order = round % 2 === 0 ? targets : [...targets].reverse();
      for (const t of order) {
        const repo = `r${round}`;
        await t.create(repo);
        const push = await timed(`${t.name} push`, ['push', '--quiet', t.remote(repo), 'main:main'], { cwd: source, env });
        const dest = path.join(tmp, `clone-${t.name}-${round}`);
        const clone = await timed(`${t.name} clone`, ['clone', '--quiet', '--bare', t.remote(repo), dest], { env });
        const head = (await git(['rev-parse', 'refs/heads/main'], { cwd: dest, env })).trim();
        if (head !== generated.head) throw new Error(`${t.name}: cloned ${head}, expected ${generated.head}`);
        await fsp.rm(dest, { recursive: true, force: true });
        times[t.name].push.push(push);
        times[t.name].clone.push(clone);
        console.log(`  round ${round + 1} ${t.name.padEnd(7)} push ${push.toFixed(0).padStart(6)} ms   clone ${clone.toFixed(0).padStart(6)} ms`);
      }
    }
    const pushRatio = median(times.Tessera.push) / median(times.nginx.push);
    const cloneRatio = median(times.Tessera.clone) / median(times.nginx.clone);
    console.log('\nmedian wall time (ms)      push     clone');
    for (const t of targets) {
      console.log(`  ${t.name.padEnd(22)} ${median(times[t.name].push).toFixed(0).padStart(6)}   ${median(times[t.name].clone).toFixed(0).padStart(6)}`);
    }
    const verdict = (r: number) => (r <= 1.15 ? 'ok, target <= 1.15' : 'ABOVE the 1.15 target');
    console.log(`  ratio Tessera/nginx    push ${pushRatio.toFixed(2)}x (${verdict(pushRatio)})   clone ${cloneRatio.toFixed(2)}x (${verdict(cloneRatio)})`);

    console.log(`load average now: ${load()}`);
    for (const stop of stops.splice(0).reverse()) await stop();

    const memory = await measurePushMemory({ workDir: path.join(tmp, 'memory'), megabytes: memoryMb, server: 'provider' });
    console.log(
      `\nmemory: push of ${mib(memory.repositoryBytes)} through the Tessera provider: RSS ${mib(memory.baselineRss)} → peak ${mib(memory.peakRss)}, ` +
        `growth ${mib(memory.growth)} (${memory.growth < 64 * 1024 * 1024 ? 'ok, < 64 MiB' : 'ABOVE 64 MiB'}; ${memory.samples} samples, push ${memory.pushMs} ms; ` +
        `peak ArrayBuffers ${mib(memory.peakArrayBuffers)} (${mib(memory.retainedArrayBuffers)} after a GC), peak JS heap ${mib(memory.peakHeapUsed)})`,
    );
  } finally {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    await fsp.rm(tmp, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
