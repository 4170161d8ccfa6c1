// `npm start` (scripts/start.mjs) stopped by a signal during start-up, before code-server runs: the
// signal comes the moment its first child process (installing code-server, or esbuild packing the
// extension) has spawned (helpers/signal-at-first-spawn). It stops that child's whole process group
// and exits 0, as a stop after start-up does; nothing it started is left running.
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { freePort, REPO_ROOT } from '../harness/code-server';
import { groupAlive } from '../harness/process-groups';

const START = path.join(REPO_ROOT, 'scripts', 'start.mjs');
const PRELOAD = path.resolve(__dirname, 'helpers/signal-at-first-spawn.js');

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

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`${signal} as its first child has spawned: that child's process group stopped, exit 0, nothing left`, async () => {
      const port = await freePort();
      const start = spawn(process.execPath, ['--require', PRELOAD, START, '--port', String(port)], {
        cwd: REPO_ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, TESSERA_START_DIR: dir, TESSERA_TEST_SIGNAL: signal },
      });
      groups.push(start.pid!);
      let out = '';
      start.stdout.on('data', (d) => (out += d));
      start.stderr.on('data', (d) => (out += d));
      const [code, exitSignal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
        start.once('exit', (c, s) => resolve([c, s])));

      const child = /signal-at-first-spawn: child (\d+)/.exec(out);
      assert.ok(child, `a child process was spawned:\n${out.slice(-2000)}`);
      groups.push(Number(child[1]));
      assert.deepEqual({ code, signal: exitSignal }, { code: 0, signal: null }, out.slice(-2000));
      assert.match(out, new RegExp(`\\[start\\] ${signal}: stopping start-up`));
      assert.match(out, /\[start\] stopped/);
      assert.doesNotMatch(out, /ERROR/);
      assert.ok(await groupGone(Number(child[1])), `the child's process group ${child[1]} is still running`);
      assert.ok(await groupGone(start.pid!), `npm start's process group ${start.pid} is still running`);
    });
  }
});
