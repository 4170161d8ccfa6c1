// `npm start` (scripts/start.mjs) stopped by a signal during start-up, before code-server runs: the
// signal comes the moment a child process has spawned (helpers/signal-at-first-spawn): its first one
// (installing code-server, or esbuild packing the extension), the `git init` making the dev host's
// workspace (once a synchronous step, which no signal could interrupt), or code-server's CLI installing
// the .vsix. It stops that child's whole process group and exits 0, as a stop after start-up does,
// once that child has exited; nothing it started is left running. And on a first start, whose host
// is not installed yet: a signal while the host's Debian packages are checked (dpkg-query) or
// installed (apt-get) stops them at once, rather than being handled once they have finished.
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

describe("npm start: a signal while the host's Debian packages are checked or installed", function () {
  this.timeout(180_000);
  let dir: string;
  const groups: number[] = [];
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-start-packages-'));
  });
  afterEach(() => {
    fs.writeFileSync(path.join(dir, 'gate'), ''); // whatever still waits there ends
    for (const g of groups.splice(0)) {
      try { process.kill(-g, 'SIGKILL'); } catch { /* gone */ }
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /**
   * A repository whose host is not installed (the scripts copied, node_modules linked: its Node 24
   * and esbuild), and fakes first on PATH: dpkg-query says nothing is installed, sudo runs the
   * command it is given, apt-get succeeds; the `held` one instead writes its pid, waits for the
   * test's gate and, if it gets there, writes that it finished. Nothing is installed for real.
   */
  function firstStartRepository(held: 'dpkg-query' | 'apt-get'): { root: string; bin: string } {
    const root = path.join(dir, 'repo');
    fs.mkdirSync(path.join(root, 'scripts'), { recursive: true });
    for (const f of fs.readdirSync(path.join(REPO_ROOT, 'scripts'))) fs.copyFileSync(path.join(REPO_ROOT, 'scripts', f), path.join(root, 'scripts', f));
    fs.symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(root, 'node_modules'));
    const bin = path.join(dir, 'bin');
    fs.mkdirSync(bin);
    const fakes: Record<string, string> = { 'dpkg-query': 'exit 1', sudo: '[ "$1" = -n ] && shift\nexec "$@"', 'apt-get': 'exit 0' };
    fakes[held] = [
      `echo $$ > '${path.join(dir, 'held.pid')}'`,
      `while [ ! -e '${path.join(dir, 'gate')}' ]; do sleep 0.05; done`,
      `echo finished > '${path.join(dir, 'held.finished')}'`,
      'exit 1',
    ].join('\n');
    for (const [name, body] of Object.entries(fakes)) fs.writeFileSync(path.join(bin, name), `#!/bin/sh\n${body}\n`, { mode: 0o755 });
    return { root, bin };
  }

  for (const c of [{ signal: 'SIGTERM', held: 'dpkg-query' }, { signal: 'SIGINT', held: 'apt-get' }] as const) {
    it(`${c.signal} while ${c.held} runs: it is stopped, not waited for; exit 0, nothing left`, async () => {
      const { root, bin } = firstStartRepository(c.held);
      const port = await freePort();
      const start = spawn(process.execPath, [path.join(root, 'scripts', 'start.mjs'), '--port', String(port)], {
        cwd: root, detached: true, stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, PATH: `${bin}${path.delimiter}${process.env.PATH}`, TESSERA_START_DIR: path.join(dir, 'start') },
      });
      groups.push(start.pid!);
      let out = '';
      start.stdout.on('data', (d) => (out += d));
      start.stderr.on('data', (d) => (out += d));
      let exited: [number | null, NodeJS.Signals | null] | undefined;
      const exit = new Promise<[number | null, NodeJS.Signals | null]>((resolve) => start.once('exit', (code, signal) => resolve((exited = [code, signal]))));

      // The signal comes once the held command runs (as `kill <pid>` sends it: to npm start alone).
      const pidFile = path.join(dir, 'held.pid');
      while (!fs.existsSync(pidFile) || !fs.readFileSync(pidFile, 'utf8').trim()) {
        assert.equal(exited, undefined, `npm start exited before ${c.held} ran:\n${out.slice(-2000)}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      const heldPid = Number(fs.readFileSync(pidFile, 'utf8').trim());
      groups.push(heldPid);
      process.kill(start.pid!, c.signal);
      // A bound, not a timing: npm start that waits for the held command would wait for ever; the
      // gate then lets it finish, so that the test can say so.
      const deadline = Date.now() + 60_000;
      while (exited === undefined && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      if (exited === undefined) fs.writeFileSync(path.join(dir, 'gate'), '');
      const [code, exitSignal] = await exit;

      assert.equal(fs.existsSync(path.join(dir, 'held.finished')), false, `npm start waited for ${c.held} to finish:\n${out.slice(-2000)}`);
      assert.equal(processAlive(heldPid), false, `${c.held} (${heldPid}) still runs`);
      assert.deepEqual({ code, signal: exitSignal }, { code: 0, signal: null }, out.slice(-2000));
      assert.match(out, new RegExp(`\\[start\\] ${c.signal}: stopping start-up`));
      assert.match(out, /\[start\] stopped/);
      assert.doesNotMatch(out, /ERROR/);
      assert.ok(await groupGone(start.pid!), `npm start's process group ${start.pid} is still running`);
    });
  }
});
