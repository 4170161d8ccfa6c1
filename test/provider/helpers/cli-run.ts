// `tessera` (the CLI) as a child process in its own process group, its output collected: for the
// tests of its command line. A test kills what it started (killGroup); the group is also killed
// when the run ends (guardProcessGroup).
import { ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';
import { guardProcessGroup } from './provider-process';

const CLI = path.resolve(__dirname, '../../../src/provider/cli.js');

export interface Cli {
  child: ChildProcess;
  stdout: string;
  stderr: string;
  exit: Promise<number | null>;
}

export function runCli(args: string[], env: NodeJS.ProcessEnv = {}): Cli {
  const child = spawn(process.execPath, [CLI, ...args], { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  guardProcessGroup(child);
  // 'close', not 'exit': once its output has been read to the end.
  const cli: Cli = {
    child,
    stdout: '',
    stderr: '',
    exit: new Promise((resolve) =>
      child.on('close', (code, signal) => {
        // Ended by a signal it did not handle (code null): say which, with what it wrote, where an exit code was expected.
        if (code === null) cli.stderr += `\n[ended by ${signal}]`;
        resolve(code);
      }),
    ),
  };
  child.stdout!.on('data', (d) => (cli.stdout += d));
  child.stderr!.on('data', (d) => (cli.stderr += d));
  return cli;
}

export async function waitFor(cli: Cli, re: RegExp, timeoutMs = 30_000, stream: 'stdout' | 'stderr' = 'stdout'): Promise<RegExpMatchArray> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const m = re.exec(cli[stream]);
    if (m) return m;
    if (cli.child.exitCode !== null || Date.now() > end) throw new Error(`no ${re} in output: ${cli.stdout} ${cli.stderr}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** How a command that should refuse to start ended: its exit code, or 'listening' when it started instead. */
export async function refusal(cli: Cli): Promise<number | null | 'listening'> {
  const started = waitFor(cli, /listening on/).then(
    () => 'listening' as const,
    () => new Promise<never>(() => undefined),
  );
  return Promise.race([cli.exit, started]);
}

export function killGroup(cli: Cli): void {
  try {
    if (cli.child.pid && cli.child.exitCode === null) process.kill(-cli.child.pid, 'SIGKILL');
  } catch {
    // already gone
  }
}
