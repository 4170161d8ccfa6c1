// Running the real git client hermetically (tests and the benchmark): its own HOME, no system
// config, no prompts, and trust in exactly one CA file. These machines export GIT_SSL_CAINFO
// (which overrides http.sslCAInfo), so it is set here to the CA under test.
import { spawn } from 'node:child_process';
import * as path from 'node:path';

interface GitRunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Environment for a git client process: the parent's environment without any GIT_* variable,
 * then HOME = `home`, GIT_CONFIG_NOSYSTEM, GIT_TERMINAL_PROMPT=0, GIT_SSL_CAINFO = `caFile`
 * (undefined: unset, so http.sslCAInfo in git config decides), a fixed identity, then `extra`.
 */
export function hermeticGitEnv(home: string, caFile: string | undefined, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('GIT_')) env[key] = value;
  }
  Object.assign(env, {
    HOME: home,
    XDG_CONFIG_HOME: path.join(home, '.config'),
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_TERMINAL_PROMPT: '0',
    GIT_AUTHOR_NAME: 'Tessera Test',
    GIT_AUTHOR_EMAIL: 'test@tessera.invalid',
    GIT_COMMITTER_NAME: 'Tessera Test',
    GIT_COMMITTER_EMAIL: 'test@tessera.invalid',
  });
  if (caFile !== undefined) env.GIT_SSL_CAINFO = caFile;
  return { ...env, ...extra };
}

/** Runs git asynchronously (the server under test may live in this same process). Never rejects. */
export function runGit(
  args: string[],
  opts: { cwd?: string; env: NodeJS.ProcessEnv; input?: string | Buffer; timeoutMs?: number },
): Promise<GitRunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, { cwd: opts.cwd, env: opts.env, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.stdin.on('error', () => undefined);
    let timer: NodeJS.Timeout | undefined;
    if (opts.timeoutMs) {
      timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs);
    }
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ code, signal, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
    child.stdin.end(opts.input ?? '');
  });
}

/** runGit that throws (with git's stderr) unless git exits 0. */
export async function git(args: string[], opts: { cwd?: string; env: NodeJS.ProcessEnv; input?: string | Buffer }): Promise<string> {
  const r = await runGit(args, opts);
  if (r.code !== 0) throw new Error(`git ${args.join(' ')} exited ${r.code ?? r.signal}:\n${r.stderr}`);
  return r.stdout;
}
