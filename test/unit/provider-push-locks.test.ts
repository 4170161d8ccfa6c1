// The SQLite store's push locks (src/provider/store/sqlite/push-locks.ts) over one folder, as the
// processes sharing a data folder take them: two PushLocks on one folder stand in for two
// processes (each of their steps is a file system call, so they interleave as processes do).
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PushUnderWayError } from '../../src/provider/store/errors';
import { PushLocks } from '../../src/provider/store/sqlite/push-locks';

describe('SQLite push locks across processes sharing a data folder', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'tessera-push-locks-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** Yields to the other takers `n` times (each a file system round trip). */
  async function busy(n: number): Promise<void> {
    for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
  }

  it('pushes share a repository’s lock, a rename or delete has it alone, and every taker ends (no deadlock)', async () => {
    const holders = [new PushLocks(path.join(dir, 'locks'), 60_000), new PushLocks(path.join(dir, 'locks'), 60_000)];
    for (let round = 0; round < 5; round++) {
      let pushes = 0;
      let moves = 0;
      const overlaps: string[] = [];
      const push = async (locks: PushLocks) =>
        locks.shared(7, async () => {
          pushes++;
          if (moves) overlaps.push('a push while a move ran');
          await busy(3);
          pushes--;
        });
      const move = async (locks: PushLocks) =>
        locks.exclusive(7, async () => {
          moves++;
          if (pushes || moves > 1) overlaps.push('a move beside another taker');
          await busy(3);
          moves--;
        });
      // Moves among themselves are ordered by their write transaction, not by this lock: one at a time here.
      let moveChain = Promise.resolve();
      const takers = Array.from({ length: 24 }, (_, i) => {
        const locks = holders[i % 2];
        if (i % 4 !== 3) return push(locks);
        moveChain = moveChain.then(() => move(locks));
        return moveChain;
      });
      await Promise.all(takers);
      assert.deepEqual(overlaps, [], `round ${round}`);
      assert.deepEqual(readdirSync(path.join(dir, 'locks')), [], 'every lock file removed');
    }
  });

  it('a rename or delete refuses (PushUnderWayError) when a push still holds the lock after the wait, and holds no lock then', async () => {
    const a = new PushLocks(path.join(dir, 'locks'), 200);
    const b = new PushLocks(path.join(dir, 'locks'), 200);
    let endPush!: () => void;
    const pushEnds = new Promise<void>((resolve) => (endPush = resolve));
    let pushRunning!: () => void;
    const running = new Promise<void>((resolve) => (pushRunning = resolve));
    const push = a.shared(1, async () => {
      pushRunning();
      await pushEnds;
    });
    await running;
    await assert.rejects(b.exclusive(1, async () => assert.fail('ran beside a push')), PushUnderWayError);
    endPush();
    await push;
    assert.equal(await b.exclusive(1, async () => 'moved'), 'moved');
    assert.deepEqual(readdirSync(path.join(dir, 'locks')), []);
  });

  it('takes over a lock file whose holder no longer runs, and one of another host once it is stale', async () => {
    const locks = new PushLocks(path.join(dir, 'locks'), 60_000);
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    const deadPid = Number(gone.stdout);
    assert.ok(deadPid > 0);
    await locks.shared(1, async () => undefined); // makes the folder
    const deadMove = path.join(dir, 'locks', '2.move.00112233445566ff');
    writeFileSync(deadMove, JSON.stringify({ host: os.hostname(), pid: deadPid, nonce: '00112233445566ff' }));
    const otherHostPush = path.join(dir, 'locks', '2.push.ffeeddccbbaa9988');
    writeFileSync(otherHostPush, JSON.stringify({ host: `not-${os.hostname()}`, pid: process.pid, nonce: 'ffeeddccbbaa9988' }));
    const longAgo = new Date(Date.now() - 120_000);
    utimesSync(otherHostPush, longAgo, longAgo);

    assert.equal(await locks.shared(2, async () => 'pushed'), 'pushed', 'the dead holder’s move holds no push back');
    assert.equal(await locks.exclusive(2, async () => 'moved'), 'moved', 'the stale push of another host holds no move back');
    assert.deepEqual(readdirSync(path.join(dir, 'locks')), [], 'both taken over (removed)');
  });
});
