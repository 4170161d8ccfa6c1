// Basic sign-in and lockout: wrong password, unknown login and a locked account answer the same
// 401; 10 failures lock the account (and, separately, the client address) for 10 minutes; the
// lock lives in the store, so another provider process on the same data sees it.
import * as assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { ManualClock } from '../../src/provider/clock';
import { createUser, TestUser, uniqueLogin } from './helpers/accounts';
import { startTestProvider, TestProvider } from './helpers/provider';

const MINUTE = 60_000;

async function basicGetUser(t: TestProvider, login: string, password: string) {
  return t.api.get('/user', { basic: { login, password } });
}

describe('sign-in with Basic and lockout', () => {
  let t: TestProvider;
  let user: TestUser;

  beforeEach(async () => {
    t = await startTestProvider();
    user = await createUser(t);
  });
  afterEach(async () => t.close());

  it('accepts the right password (login or email) with method 2 (scheme case-insensitive)', async () => {
    const ok = await basicGetUser(t, user.login, user.password);
    assert.equal(ok.status, 200);
    assert.equal(ok.json.login, user.login);
    const byEmail = await basicGetUser(t, user.email, user.password);
    assert.equal(byEmail.status, 200);
    const lower = await t.api.get('/user', {
      headers: { authorization: `basic ${Buffer.from(`${user.login}:${user.password}`).toString('base64')}` },
    });
    assert.equal(lower.status, 200);
  });

  it('answers a wrong password and an unknown login identically (401 Bad credentials)', async () => {
    const wrong = await basicGetUser(t, user.login, 'wrong password');
    const unknown = await basicGetUser(t, uniqueLogin('ghost'), 'wrong password');
    assert.equal(wrong.status, 401);
    assert.equal(unknown.status, 401);
    assert.equal(wrong.text, unknown.text);
    assert.deepEqual(wrong.json, { message: 'Bad credentials' });
    assert.equal(wrong.headers.get('x-github-otp'), null);
  });

  it('locks the account after 10 failures for 10 minutes, with the same answer, then lets it in again', async () => {
    for (let i = 0; i < 10; i++) {
      const r = await basicGetUser(t, user.login, `wrong ${i}`);
      assert.equal(r.status, 401);
    }
    const locked = await basicGetUser(t, user.login, user.password);
    assert.equal(locked.status, 401);
    assert.deepEqual(locked.json, { message: 'Bad credentials' }, 'a locked account looks like a wrong password');

    t.clock.advance(9 * MINUTE);
    assert.equal((await basicGetUser(t, user.login, user.password)).status, 401, 'still locked after 9 minutes');

    t.clock.advance(1 * MINUTE + 1000);
    const after = await basicGetUser(t, user.login, user.password);
    assert.equal(after.status, 200, 'the lock expired after 10 minutes');
  });

  it('counts an unknown login the same way (a lock does not reveal that a login exists)', async () => {
    const ghost = uniqueLogin('ghost');
    const answers = new Set<string>();
    for (let i = 0; i < 12; i++) answers.add((await basicGetUser(t, ghost, 'x')).text);
    assert.deepEqual([...answers], [JSON.stringify({ message: 'Bad credentials' })]);
  });

  it('locks the client address after 10 failures across different logins', async () => {
    for (let i = 0; i < 10; i++) await basicGetUser(t, uniqueLogin('spray'), 'password');
    const blocked = await basicGetUser(t, user.login, user.password);
    assert.equal(blocked.status, 401, 'the address is locked even for a right password');
    t.clock.advance(10 * MINUTE + 1000);
    assert.equal((await basicGetUser(t, user.login, user.password)).status, 200);
  });

  it('records failed sign-ins in the audit log without the password', async () => {
    await basicGetUser(t, user.login, 'wrong-password-xyz');
    const log = await t.api.get('/user/audit-log', { basic: user });
    const failed = log.json.filter((e: { action: string }) => e.action === 'user.failed_login');
    assert.equal(failed.length, 1);
    assert.equal(failed[0].user, user.login);
    assert.ok(!log.text.includes('wrong-password-xyz'));
    assert.ok(!log.text.includes(user.password));
  });
});

describe('lockout shared between provider processes on one database', () => {
  it('a lock made through one provider holds on another over the same data folder', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'tessera-shared-'));
    const clock = new ManualClock();
    const a = await startTestProvider({ dataDir, clock });
    const b = await startTestProvider({ dataDir, clock });
    try {
      const user = await createUser(a);
      assert.equal((await b.api.get('/user', { basic: user })).status, 200, 'B sees the user made through A');
      for (let i = 0; i < 10; i++) await a.api.get('/user', { basic: { login: user.login, password: `bad${i}` } });
      assert.equal((await b.api.get('/user', { basic: user })).status, 401, 'B refuses: locked through A');
    } finally {
      await a.close();
      await b.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
