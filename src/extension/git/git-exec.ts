// Runs the git binary (vscode.git's when known) without a shell. Secrets never go on the command
// line: callers pass them through the environment (GIT_CONFIG_COUNT/KEY/VALUE).
import { spawn } from 'node:child_process';

interface GitResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** The run was stopped through `opts.signal` (git and the processes it started were killed). */
  readonly cancelled: boolean;
}

let gitPath = 'git';
export function setGitPath(p: string | undefined): void {
  if (p) gitPath = p;
}

const MAX_OUTPUT = 16 * 1024 * 1024;

/**
 * Runs git and answers once it has exited (never rejects). `signal` stops it: git runs in a process
 * group of its own (POSIX), and the whole group (git-remote-https, index-pack, …) gets SIGTERM, so
 * git removes what it had begun, as it does on Ctrl-C.
 */
export function runGit(args: readonly string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number; signal?: AbortSignal } = {}): Promise<GitResult> {
  return new Promise((resolve) => {
    if (opts.signal?.aborted) {
      resolve({ code: 1, stdout: '', stderr: '', cancelled: true });
      return;
    }
    const group = process.platform !== 'win32' && !!opts.signal;
    const child = spawn(gitPath, [...args], { cwd: opts.cwd, env: opts.env ?? process.env, windowsHide: true, detached: group, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let size = 0;
    let why = '';
    const kill = (reason: string): void => {
      why ||= reason;
      try {
        if (group && child.pid) process.kill(-child.pid, 'SIGTERM');
        else child.kill('SIGTERM');
      } catch {
        // already gone
      }
    };
    const collect = (into: Buffer[]) => (b: Buffer) => {
      size += b.length;
      if (size > MAX_OUTPUT) kill('git wrote more output than expected');
      else into.push(b);
    };
    child.stdout.on('data', collect(out));
    child.stderr.on('data', collect(err));
    const timer = setTimeout(() => kill(`git ${args[0] ?? ''} did not finish within ${Math.round((opts.timeoutMs ?? 120_000) / 1000)} seconds`), opts.timeoutMs ?? 120_000);
    const onAbort = (): void => kill('cancelled');
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    let settled = false;
    const finish = (code: number, spawnError?: Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      const stderr = Buffer.concat(err).toString('utf8');
      const note = spawnError?.message ?? (why && why !== 'cancelled' ? why : '');
      resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: stderr || note, cancelled: !!opts.signal?.aborted });
    };
    child.on('error', (e) => finish(1, e));
    child.on('close', (code) => finish(code ?? 1));
  });
}

/** `git config --local --get <key>` in a repository; undefined when unset. */
export async function getLocalConfig(repoRoot: string, key: string): Promise<string | undefined> {
  const r = await runGit(['config', '--local', '--get', key], { cwd: repoRoot });
  return r.code === 0 ? r.stdout.trim() : undefined;
}

export async function setLocalConfig(repoRoot: string, key: string, value: string): Promise<void> {
  const r = await runGit(['config', '--local', key, value], { cwd: repoRoot });
  if (r.code !== 0) throw new Error(`git config ${key} failed: ${r.stderr.trim()}`);
}

/** Environment entries that add git config without touching files or argv (git ≥ 2.31). */
export function envConfig(base: NodeJS.ProcessEnv, entries: readonly [string, string][]): NodeJS.ProcessEnv {
  const env = { ...base };
  let n = Number(env.GIT_CONFIG_COUNT ?? '0');
  if (!Number.isInteger(n) || n < 0) n = 0;
  for (const [k, v] of entries) {
    env[`GIT_CONFIG_KEY_${n}`] = k;
    env[`GIT_CONFIG_VALUE_${n}`] = v;
    n++;
  }
  env.GIT_CONFIG_COUNT = String(n);
  return env;
}
