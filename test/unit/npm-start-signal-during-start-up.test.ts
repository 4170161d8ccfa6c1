// `npm start` (scripts/start.mjs) stopped by a signal during start-up, before code-server runs: the
// signal comes the moment a child process has spawned (helpers/signal-at-first-spawn): its first one
// (installing code-server, or esbuild packing the extension), the `git init` making the dev host's
// workspace (once a synchronous step, which no signal could interrupt), or code-server's CLI installing
// the .vsix. It stops that child's whole process group and exits 0, as a stop after start-up does,
// once that child has exited; nothing it started is left running.
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { freePort, REPO_ROOT } from '../harness/code-server';
import { groupAlive } from '../harness/process-groups';

const START = path.join(REPO_ROOT, 'scripts', 'start.mjs');
const PRELOAD = path.resolve(__dirname, 'helpers/signal-at-first-spawn.js');

function processAlive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch { return false; }
}

/** Whether the process group `pgid` is gone within `ms` (a bound, not a timing). */
async function groupGone(pgid: number, ms = 10_000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (groupAlive(pgid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  return !groupAlive(pgid);
}

describe('npm start: a signal during start-up', function () {
  this.timeout(120_000);
  let dir: string;
  const groups: number[] = [];
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-start-signal-'));
  });
  afterEach(() => {
    for (const g of groups.splice(0)) {
      try { process.kill(-g, 'SIGKILL'); } catch { /* gone */ }
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });

  // `vsix`: start with --vsix (a file that is no extension: the signal comes before it is read).
  const cases = [
    { signal: 'SIGTERM', child: 'its first child' },
    { signal: 'SIGINT', child: 'its first child' },
    { signal: 'SIGTERM', child: "the workspace's git init", at: String.raw`^git .* init\b`, vsix: true },
    { signal: 'SIGINT', child: "code-server's --install-extension", at: String.raw` --install-extension `, vsix: true },
    { signal: 'SIGTERM', child: "code-server's --install-extension", at: String.raw` --install-extension `, vsix: true },
  ] as const;
  for (const c of cases) {
    const { signal } = c;
    it(`${signal} as ${c.child} has spawned: that child's process group stopped, exit 0, nothing left`, async () => {
      const port = await freePort();
      const args = ['--require', PRELOAD, START, '--port', String(port)];
      if ('vsix' in c) {
        fs.writeFileSync(path.join(dir, 'not-an-extension.vsix'), '');
        args.push('--vsix', path.join(dir, 'not-an-extension.vsix'));
      }
      const start = spawn(process.execPath, args, {
        cwd: REPO_ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'],
        env: {
          ...process.env, TESSERA_START_DIR: path.join(dir, 'start'), TESSERA_TEST_SIGNAL: signal,
          ...('at' in c ? { TESSERA_TEST_SIGNAL_AT: c.at } : {}),
        },
      });
      groups.push(start.pid!);
      let out = '';
      start.stdout.on('data', (d) => (out += d));
      start.stderr.on('data', (d) => (out += d));
      // Whether the signalled child still ran the moment npm start exited (it must have waited for it).
      let childAtExit: boolean | undefined;
      const [code, exitSignal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
        start.once('exit', (c, s) => {
          const pid = /signal-at-first-spawn: child (\d+)/.exec(out)?.[1];
          if (pid) childAtExit = processAlive(Number(pid));
          resolve([c, s]);
        }));

      const child = /signal-at-first-spawn: child (\d+)/.exec(out);
      assert.ok(child, `${c.child} was spawned and signalled:\n${out.slice(-2000)}`);
      groups.push(Number(child[1]));
      assert.equal(childAtExit, false, `${c.child} (${child[1]}) still ran when npm start exited:\n${out.slice(-2000)}`);
      assert.deepEqual({ code, signal: exitSignal }, { code: 0, signal: null }, out.slice(-2000));
      assert.match(out, new RegExp(`\\[start\\] ${signal}: stopping start-up`));
      assert.match(out, /\[start\] stopped/);
      assert.doesNotMatch(out, /ERROR/);
      assert.ok(await groupGone(Number(child[1])), `the child's process group ${child[1]} is still running`);
      assert.ok(await groupGone(start.pid!), `npm start's process group ${start.pid} is still running`);
    });
  }
});
