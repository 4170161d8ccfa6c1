// Runs the git binary (vscode.git's when known) without a shell. Secrets never go on the command
// line: callers pass them through the environment (GIT_CONFIG_COUNT/KEY/VALUE).
import { execFile } from 'node:child_process';

interface GitResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

let gitPath = 'git';
export function setGitPath(p: string | undefined): void {
  if (p) gitPath = p;
}

export function runGit(args: readonly string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<GitResult> {
  return new Promise((resolve) => {
    execFile(
      gitPath,
      [...args],
      { cwd: opts.cwd, env: opts.env ?? process.env, timeout: opts.timeoutMs ?? 120_000, maxBuffer: 16 * 1024 * 1024, windowsHide: true },
      (err, stdout, stderr) => {
        const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
        resolve({ code, stdout: String(stdout), stderr: String(stderr || (err && !stderr ? err.message : '')) });
      },
    );
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
