// A crash in the middle of writes loses nothing that was acknowledged: `tessera serve` creates
// tokens for many concurrent requests, is killed with SIGKILL (its whole process group) while
// requests are still in flight, and restarts on the same data. The database passes
// `PRAGMA integrity_check`, and every token whose creation was answered 201 authenticates.
import * as assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { DATABASE_FILE } from '../../src/provider/store/sqlite/database';
import { createUser } from '../builders/users';
import { signIn } from '../builders/sessions';
import { ProviderProcess, startProviderProcess } from './helpers/provider-process';

const IN_FLIGHT = 24;
/** The kill comes once this many creations were acknowledged, with IN_FLIGHT more under way. */
const KILL_AFTER = 120;


describe('crash durability: kill -9 during writes', function () {
  this.timeout(120_000);
  let dataDir: string;
  const processes: ProviderProcess[] = [];

  before(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'tessera-crash-'));
  });
  after(async () => {
    for (const p of processes) await p.kill();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('after SIGKILL amid concurrent token creations, the database is intact and every acknowledged token works', async () => {
    const first = await startProviderProcess(dataDir);
    processes.push(first);
    const user = await createUser(first);
    const session = await signIn(first, user, ['admin:token', 'user']);

    const acknowledged: string[] = [];
    let failed = 0;
    let killed: Promise<void> | undefined;
    let n = 0;
    const worker = async () => {
      while (!killed) {
        const name = `crash ${n++}`;
        try {
          const res = await first.api.post('/user/personal-access-tokens', { token: session.token, body: { name, scopes: [] } });
          if (res.status === 201) acknowledged.push(res.json.token);
          else if (!killed) throw new Error(`create ${name}: ${res.status} ${res.text}`);
        } catch (err) {
          if (!killed) throw err;
          failed++;
        }
        if (acknowledged.length >= KILL_AFTER && !killed) killed = first.kill();
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
    await killed;
    assert.equal(first.child.signalCode, 'SIGKILL');
    assert.ok(failed > 0, 'the kill came while creations were under way');
    console.log(`      ${acknowledged.length} creations acknowledged, ${failed} cut off by the kill`);

    const second = await startProviderProcess(dataDir);
    processes.push(second);
    const db = new DatabaseSync(path.join(dataDir, DATABASE_FILE), { readOnly: true });
    try {
      assert.deepEqual(db.prepare('PRAGMA integrity_check').all().map((r) => ({ ...r })), [{ integrity_check: 'ok' }]);
      assert.deepEqual(db.prepare('PRAGMA foreign_key_check').all(), []);
    } finally {
      db.close();
    }
    const refused: number[] = [];
    for (const [i, token] of acknowledged.entries()) {
      const res = await second.api.get('/user', { token });
      if (res.status !== 200) refused.push(i);
    }
    assert.deepEqual(refused, [], 'acknowledged tokens that do not authenticate after the restart');
  });
});
