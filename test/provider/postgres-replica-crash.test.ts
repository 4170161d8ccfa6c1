// Two `tessera serve` replicas over one PostgreSQL database; 200 token creations split over both,
// and one replica is killed with SIGKILL (its whole process group) while its creations are in
// flight. Every creation either replica acknowledged (201) exists afterwards and authenticates,
// at the surviving replica and at a restarted one.
import * as assert from 'node:assert/strict';
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { DATA_KEY_FILE } from '../../src/provider/secrets/data-key';
import { createUser } from '../builders/users';
import { signIn } from '../builders/sessions';
import { ProviderProcess, startProviderProcess } from './helpers/provider-process';
import { newTestDatabaseUrl } from './helpers/test-database';

const TOTAL = 200;
const IN_FLIGHT_PER_REPLICA = 8;
/** B is killed as it sends a creation once this many of its creations were acknowledged. */
const KILL_AFTER = 40;


describe('two replicas on PostgreSQL: kill -9 of one during writes', function () {
  this.timeout(180_000);
  let tmp: string;
  const processes: ProviderProcess[] = [];
  before(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'tessera-replica-crash-'));
  });
  after(async () => {
    for (const p of processes) await p.kill();
    await rm(tmp, { recursive: true, force: true });
  });

  it('every acknowledged token of 200 created at both exists and works afterwards', async () => {
    const url = await newTestDatabaseUrl();
    const dirA = path.join(tmp, 'a');
    const dirB = path.join(tmp, 'b');
    const a = await startProviderProcess(dirA, 30_000, url);
    processes.push(a);
    // Replicas share the data key: B gets A's.
    await mkdir(dirB, { mode: 0o700 });
    await copyFile(path.join(dirA, DATA_KEY_FILE), path.join(dirB, DATA_KEY_FILE));
    const b = await startProviderProcess(dirB, 30_000, url);
    processes.push(b);
    const user = await createUser(a);
    const session = await signIn(a, user, ['admin:token', 'user']);

    const acknowledged: { token: string; at: string }[] = [];
    let next = 0;
    let ackAtB = 0;
    let cutOff = 0;
    let killed: Promise<void> | undefined;
    const worker = (p: ProviderProcess, at: string) => async () => {
      while (next < TOTAL) {
        const name = `replica ${next++}`;
        const isB = p === b;
        if (isB && killed) return;
        try {
          const sent = p.api.post('/user/personal-access-tokens', { token: session.token, body: { name, scopes: [] } });
          // Killed right after a creation is sent, so at least that one is under way (killed after an
          // answer, every other one in flight could already have been answered).
          if (isB && ackAtB >= KILL_AFTER && !killed) killed = b.kill();
          const res = await sent;
          if (res.status === 201) {
            acknowledged.push({ token: res.json.token, at });
            if (isB) ackAtB++;
          } else if (!(isB && killed)) throw new Error(`create ${name} at ${at}: ${res.status} ${res.text} ${p.output().slice(-3000)}`);
        } catch (err) {
          if (!(isB && killed)) throw err;
          cutOff++;
        }
      }
    };
    await Promise.all([
      ...Array.from({ length: IN_FLIGHT_PER_REPLICA }, worker(a, 'A')),
      ...Array.from({ length: IN_FLIGHT_PER_REPLICA }, worker(b, 'B')),
    ]);
    await killed;
    assert.equal(b.child.signalCode, 'SIGKILL', 'B was killed during the run');
    assert.ok(cutOff > 0, 'the kill came while creations at B were under way');
    assert.ok(acknowledged.some((x) => x.at === 'A') && acknowledged.some((x) => x.at === 'B'));
    console.log(`      ${acknowledged.length} creations acknowledged (${ackAtB} at B), ${cutOff} cut off by the kill`);

    const restarted = await startProviderProcess(dirB, 30_000, url);
    processes.push(restarted);
    for (const [i, { token, at }] of acknowledged.entries()) {
      const where = i % 2 ? a : restarted;
      const res = await where.api.get('/user', { token });
      assert.equal(res.status, 200, `a token acknowledged at ${at}: ${res.status}`);
    }
  });
});
