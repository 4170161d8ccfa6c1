// `npm start` (scripts/start.mjs) for real, in a start folder of its own (TESSERA_START_DIR) on a free
// port, with the .vsix run-ui.mjs packed (--vsix; packed here when run alone): it prints the URL and
// the password; the workbench answers only after a sign-in with that password, which is kept 0600 in
// the 0700 start folder; Ctrl-C (SIGINT to its process group, as a terminal sends it) stops
// code-server's whole group. The port is remembered: the next start wants the same one and, when it
// is busy, stops with a message naming it instead of moving to another port.
// The password is a secret: no assertion message carries the output that holds it.
import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { freePort, REPO_ROOT } from '../harness/code-server';
import { groupAlive } from '../harness/process-groups';

const START = path.join(REPO_ROOT, 'scripts', 'start.mjs');

interface Started {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function runStart(dir: string, args: string[]): Started {
  const vsix = process.env.TESSERA_VSIX ? ['--vsix', process.env.TESSERA_VSIX] : [];
  const child = spawn(process.execPath, [START, ...vsix, ...args], {
    cwd: REPO_ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, TESSERA_START_DIR: dir },
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => out, exited };
}

/** The output with the password blanked out (for failure messages). */
const redacted = (text: string, secret?: string) => (secret ? text.split(secret).join('<password>') : text);

async function waitForOutput(s: Started, re: RegExp, timeoutMs: number, secret?: string): Promise<RegExpMatchArray> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const m = re.exec(s.output());
    if (m) return m;
    if (s.child.exitCode !== null || Date.now() > deadline) {
      throw new Error(`npm start never printed ${re}; it printed:\n${redacted(s.output(), secret).slice(-3000)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function waitGroupGone(pgid: number, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (groupAlive(pgid)) {
    if (Date.now() > deadline) throw new Error(`${what} (process group ${pgid}) is still running`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function killGroup(pid: number | undefined): void {
  if (!pid) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // gone
  }
}

describe('npm start (scripts/start.mjs)', function () {
  this.timeout(300_000);
  let dir: string;
  let started: Started | undefined;
  let serverGroup: number | undefined;

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-start-'));
  });
  after(() => {
    killGroup(started?.child.pid);
    killGroup(serverGroup);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('prints the URL and a password the workbench asks for; Ctrl-C stops code-server\'s whole process group', async () => {
    const port = await freePort();
    started = runStart(dir, ['--port', String(port)]);
    const [, password] = await waitForOutput(started, /Password: +(\S+)/, 240_000);
    const [, url] = await waitForOutput(started, /Open in your browser: +(\S+)/, 5_000, password);
    const [, group] = await waitForOutput(started, /code-server: process group (\d+)/, 5_000, password);
    serverGroup = Number(group);
    assert.ok(url.startsWith(`http://127.0.0.1:${port}/?folder=`), `the URL is on 127.0.0.1:${port}`);

    // kept: the folder 0700, the file 0600, the same password; the port remembered
    assert.equal((fs.statSync(dir).mode & 0o777).toString(8), '700');
    const file = path.join(dir, 'password');
    assert.equal((fs.statSync(file).mode & 0o777).toString(8), '600');
    assert.ok(fs.readFileSync(file, 'utf8').trim() === password, 'the printed password is the kept one');
    assert.equal(fs.readFileSync(path.join(dir, 'port'), 'utf8').trim(), String(port));

    // without signing in: the login page, not the workbench
    const anonymous = await fetch(url, { redirect: 'manual' });
    assert.equal(anonymous.status, 302);
    assert.match(anonymous.headers.get('location') ?? '', /login/);
    // a wrong password is refused; the right one gives a session cookie that opens the workbench
    const origin = `http://127.0.0.1:${port}`;
    const login = (pw: string) => fetch(`${origin}/login`, {
      method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ password: pw }).toString(),
    });
    const wrong = await login(`not-${password}`);
    assert.equal(wrong.headers.getSetCookie().some((c) => c.startsWith('code-server-session=')), false, 'no session for a wrong password');
    const right = await login(password);
    const cookie = right.headers.getSetCookie().find((c) => c.startsWith('code-server-session='));
    assert.ok(cookie, `a session for the right password (status ${right.status})`);
    const page = await fetch(url, { redirect: 'manual', headers: { cookie: cookie.split(';')[0] } });
    assert.equal(page.status, 200);
    assert.match(await page.text(), /vscode-workbench-web-configuration/, 'the workbench page');

    // Ctrl-C: SIGINT to the foreground group, as a terminal sends it
    assert.ok(groupAlive(serverGroup), 'code-server runs in its own process group');
    process.kill(-started.child.pid!, 'SIGINT');
    assert.equal(await started.exited, 0, redacted(started.output(), password).slice(-2000));
    await waitGroupGone(serverGroup, 'code-server');
    await waitGroupGone(started.child.pid!, 'npm start');
    assert.match(started.output(), /\[start\] SIGINT: stopping code-server/);
  });

  it('wants the same port next time; when it is busy, stops with a message naming it and --port', async () => {
    const port = Number(fs.readFileSync(path.join(dir, 'port'), 'utf8').trim());
    const holder = net.createServer();
    await new Promise<void>((resolve, reject) => {
      holder.once('error', reject);
      holder.listen(port, '127.0.0.1', () => resolve());
    });
    try {
      started = runStart(dir, []);
      const code = await started.exited;
      const out = started.output();
      assert.equal(code, 1, out);
      assert.match(out, new RegExp(`port ${port} on 127\\.0\\.0\\.1 is in use`));
      assert.match(out, /npm start -- --port <N>/);
      assert.match(out, /cannot unlock/);
      assert.doesNotMatch(out, /Open in your browser/, 'no other port was used');
    } finally {
      await new Promise((r) => holder.close(r));
    }
  });
});
