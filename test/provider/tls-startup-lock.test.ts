// The local CA's startup lock (`tls/.lock`) as `tessera serve` meets it: a lock left by a serve
// killed while starting is taken over at once, by one of two starts; a lock whose holder cannot be
// checked is waited for, saying what for. Real `tessera serve` processes over one data folder.
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, open, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { ApiClient } from '../builders/api-client';
import { killGroup, runCli, waitFor, type Cli } from './helpers/cli-run';

describe('tessera serve: the local CA\'s startup lock', () => {
  let dataDir: string;
  const started: Cli[] = [];
  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'tessera-tls-lock-'));
  });
  afterEach(async () => {
    started.splice(0).forEach(killGroup);
    await rm(dataDir, { recursive: true, force: true });
  });

  /** A path as a regular expression that matches it literally. */
  const literally = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

  /**
   * A `tessera serve` SIGKILLed while it held the local CA's lock, `tls/.lock`: its CA file is a
   * FIFO, whose reading waits (inside the lock) until someone opens it for writing. Returns the
   * killed process's pid; the FIFO is left in place.
   */
  async function lockOfKilledServe(): Promise<{ pid: number; lock: string; fifo: string }> {
    const tls = path.join(dataDir, 'tls');
    await mkdir(tls, { mode: 0o700 });
    const fifo = path.join(tls, 'ca.pem');
    await new Promise<void>((resolve, reject) => execFile('mkfifo', [fifo], (err) => (err ? reject(err) : resolve())));
    const lock = path.join(tls, '.lock');
    const held = runCli(['serve', '--data', dataDir, '--port', '0']);
    started.push(held);
    const pid = held.child.pid!;
    while (!(await readFile(lock, 'utf8').catch(() => '')).includes(String(pid))) {
      assert.equal(held.child.exitCode, null, `serve ended before it held the lock: ${held.stderr}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    killGroup(held);
    await held.exit;
    return { pid, lock, fifo };
  }

  it('a TLS lock left by a serve killed while starting: the next start takes it over at once, saying whose it was', async () => {
    const { pid, lock, fifo } = await lockOfKilledServe();
    await rm(fifo);
    const next = runCli(['serve', '--data', dataDir, '--port', '0']);
    started.push(next);
    await waitFor(next, /listening on https:/);
    assert.match(next.stderr, new RegExp(`^\\[info\\] took over ${literally(lock)}: process ${pid}, which held it, no longer runs \\(it was killed while making or checking the local CA\\)$`, 'm'));
    assert.doesNotMatch(next.stderr, /waiting for/, 'nothing to wait for');
    next.child.kill('SIGTERM');
    assert.equal(await next.exit, 0, next.stderr);
    assert.deepEqual((await readdir(path.join(dataDir, 'tls'))).sort(), ['ca-key.pem', 'ca.pem', 'server-key.pem', 'server.pem'], 'the lock released, nothing left over');
  });

  it('two starts at once on a dead holder\'s TLS lock: one takes it over and makes the CA, the other says it waits for that one; both serve it', async () => {
    const { pid, lock, fifo } = await lockOfKilledServe();
    const pair = [runCli(['serve', '--data', dataDir, '--port', '0']), runCli(['serve', '--data', dataDir, '--port', '0'])];
    started.push(...pair);
    const tookOver = new RegExp(`took over ${literally(lock)}: process ${pid}, which held it`);
    // The one that took the lock over holds it, reading the FIFO; the other waits for it.
    let taker: Cli | undefined;
    for (;;) {
      taker = pair.find((c) => tookOver.test(c.stderr));
      const other = pair.find((c) => c !== taker);
      if (taker && other && new RegExp(`waiting for ${literally(lock)}: process ${taker.child.pid} holds it while making or checking the local CA`).test(other.stderr)) break;
      for (const c of pair) assert.ok(c.child.exitCode === null && !/listening/.test(c.stdout), `both wait for the lock: ${c.stdout} ${c.stderr}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    // Let the taker's read of the FIFO end (empty: no CA there, it makes one).
    await (await open(fifo, 'w')).close();
    const urls = await Promise.all(pair.map(async (c) => (await waitFor(c, /listening on (https:\/\/127\.0\.0\.1:\d+)/))[1]));
    assert.equal(pair.filter((c) => /took over/.test(c.stderr)).length, 1, 'one took the lock over');
    const caPem = await readFile(path.join(dataDir, 'tls', 'ca.pem'), 'utf8');
    for (const url of urls) {
      const api = new ApiClient(url, caPem);
      try {
        assert.equal((await api.get('/-/health')).json.service, 'tessera', `${url} serves a certificate of the one CA`);
      } finally {
        await api.close();
      }
    }
    for (const c of pair) c.child.kill('SIGTERM');
    for (const c of pair) assert.equal(await c.exit, 0, c.stderr);
  });

  it('a TLS lock whose holder cannot be checked (an older version\'s): the start says at once what it waits for, and goes on when it is removed', async () => {
    const lock = path.join(dataDir, 'tls', '.lock');
    await mkdir(path.dirname(lock), { mode: 0o700 });
    await writeFile(lock, '4194303', { mode: 0o600 });
    const cli = runCli(['serve', '--data', dataDir, '--port', '0']);
    started.push(cli);
    await waitFor(cli, new RegExp(`^\\[warn\\] waiting for ${literally(lock)}, left by process 4194303 \\(a lock of an older Tessera, which names no host\\), which cannot be checked from here: it may be a Tessera that was killed while making or checking the local CA\\. It is taken over once it is 30 s old; remove it if nothing is starting on this data folder\\.$`, 'm'), 30_000, 'stderr');
    assert.doesNotMatch(cli.stdout, /listening/);
    await rm(lock);
    await waitFor(cli, /listening on https:/);
    cli.child.kill('SIGTERM');
    assert.equal(await cli.exit, 0, cli.stderr);
  });
});
