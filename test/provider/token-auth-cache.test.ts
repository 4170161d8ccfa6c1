// The principal cache (src/provider/auth/principal-cache.ts) never outlives a change. Two real
// providers share one data folder: A runs in this process (built over its own store, so a test can
// also write through that store), B is a second `tessera serve` process. Every token is used on
// both first, so both hold it in their caches; then a change made through one of them (or through
// a third connection) must be seen by the very next request to either.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { hashPassword } from '../../src/provider/auth/passwords';
import { DAY, ManualClock, MINUTE, SECOND } from '../../src/provider/clock';
import { DATABASE_FILE } from '../../src/provider/store/sqlite/database';
import { ApiClient } from '../builders/api-client';
import { createUser } from '../builders/users';
import { enableTwoFactor } from '../builders/two-factor';
import { newSession, type Session } from '../builders/sessions';
import { createClassicToken, createFineGrainedToken } from '../builders/tokens';
import { addMember, createOrg, setPolicy } from '../builders/orgs';
import { createRepo } from '../builders/repos';
import { InProcessProvider, startInProcessProvider } from './helpers/in-process-provider';
import type { TestProvider } from './helpers/provider';
import { startProviderProcess } from './helpers/provider-process';
import { describeSqliteOnly } from './helpers/test-database';

interface OtherProcess {
  api: ApiClient;
  /** For the helpers: B runs on the system clock (A's clock only ever moves forward from now). */
  t: TestProvider;
  stop(): Promise<void>;
}

/** Provider B: `tessera serve` over the same data folder, in its own process group. */
async function startOtherProcess(dataDir: string): Promise<OtherProcess> {
  const b = await startProviderProcess(dataDir);
  const { url, api } = b;
  return {
    api,
    t: { api, clock: new ManualClock(), dataDir, logs: [], provider: { url, publicOrigin: url, apiUrl: `${url}/api/v3`, dataDir, close: async () => undefined }, close: async () => undefined },
    stop: () => b.stop(),
  };
}

describeSqliteOnly('token authentication cache: every change is seen at once, in this process and by another one', function () {
  this.timeout(60_000);
  let a: InProcessProvider;
  let b: OtherProcess;
  let both: [string, ApiClient][];

  before(async () => {
    a = await startInProcessProvider();
    b = await startOtherProcess(a.dataDir);
    both = [
      ['this process', a.api],
      ['the other process', b.api],
    ];
  });
  after(async () => {
    await b?.stop();
    await a?.close();
  });

  /** GET /user with `token` on both providers, twice each (the second answer comes from the cache). */
  async function warm(token: string, status = 200): Promise<void> {
    for (const [where, api] of both) {
      for (let i = 0; i < 2; i++) assert.equal((await api.get('/user', { token })).status, status, `${where}: GET /user before the change`);
    }
  }

  async function expectRefused(token: string, message: string): Promise<void> {
    for (const [where, api] of both) {
      const res = await api.get('/user', { token });
      assert.equal(res.status, 401, `${where}: ${res.text}`);
      assert.equal(res.json.message, message, where);
    }
  }

  it('a token revoked through POST /credentials/revoke in this process is refused at once by both', async () => {
    const s = await newSession(a);
    const tok = await createClassicToken(a, s, { scopes: ['user'] });
    await warm(tok.token);
    const revoke = await a.api.post('/credentials/revoke', { body: { credentials: [tok.token] } });
    assert.equal(revoke.status, 202, revoke.text);
    await expectRefused(tok.token, 'Bad credentials');
  });

  it('a token revoked through the other process is refused at once by both', async () => {
    const s = await newSession(a);
    const tok = await createClassicToken(a, s, { scopes: ['user'] });
    await warm(tok.token);
    const revoke = await b.api.post('/credentials/revoke', { body: { credentials: [tok.token] } });
    assert.equal(revoke.status, 202, revoke.text);
    await expectRefused(tok.token, 'Bad credentials');
  });

  it('a token deleted in either process is refused at once by both', async () => {
    const s = await newSession(a);
    for (const [where, api] of both) {
      const tok = await createClassicToken(a, s, { scopes: ['user'] });
      await warm(tok.token);
      const del = await api.delete(`/user/personal-access-tokens/${tok.id}`, { token: s.token });
      assert.equal(del.status, 204, `${where}: ${del.text}`);
      await expectRefused(tok.token, 'Bad credentials');
    }
  });

  it('a regenerated token: the old secret is refused at once by both, the new one works on both', async () => {
    const s = await newSession(a);
    for (const [where, api] of both) {
      const tok = await createClassicToken(a, s, { scopes: ['user'] });
      await warm(tok.token);
      const regen = await api.post(`/user/personal-access-tokens/${tok.id}/regenerate`, { token: s.token, body: {} });
      assert.equal(regen.status, 200, `${where}: ${regen.text}`);
      assert.notEqual(regen.json.token, tok.token);
      await expectRefused(tok.token, 'Bad credentials');
      await warm(regen.json.token);
    }
  });

  it('an expiry set in one process shows at once in the other; one written by a third connection is enforced at once by both', async () => {
    const s = await newSession(a);
    const tok = await createClassicToken(a, s, { scopes: ['user'] });
    await warm(tok.token);
    for (const [, api] of both) assert.equal((await api.get('/user', { token: tok.token })).headers.get('github-authentication-token-expiration'), null);
    const patch = await b.api.patch(`/user/personal-access-tokens/${tok.id}`, { token: s.token, body: { expires_in_days: 30 } });
    assert.equal(patch.status, 200, patch.text);
    for (const [where, api] of both) {
      const res = await api.get('/user', { token: tok.token });
      assert.equal(res.status, 200, where);
      assert.match(res.headers.get('github-authentication-token-expiration') ?? '', /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/, where);
    }
    const db = new DatabaseSync(path.join(a.dataDir, DATABASE_FILE));
    try {
      db.exec('PRAGMA busy_timeout = 5000');
      db.prepare('UPDATE tokens SET expires_at = ? WHERE id = ?').run(new Date(Date.now() - DAY).toISOString(), tok.id);
    } finally {
      db.close();
    }
    await expectRefused(tok.token, 'token expired');
  });

  it('a token expired now through the API in either process is refused at once by both', async () => {
    const s = await newSession(a);
    for (const [where, api] of both) {
      const tok = await createClassicToken(a, s, { scopes: ['user'] });
      await warm(tok.token);
      const expire = await api.post(`/user/personal-access-tokens/${tok.id}/expire`, { token: s.token, body: {} });
      assert.equal(expire.status, 200, `${where}: ${expire.text}`);
      // The other process expires it at its system time: this process's clock catches up (forward).
      a.clock.set(Math.max(a.clock.now().getTime(), Date.now()));
      await expectRefused(tok.token, 'token expired');
    }
  });

  it('a token narrowed through the API in either process loses the dropped scope at once in both', async () => {
    const s = await newSession(a);
    const repo = await createRepo(a, s, undefined, `narrow-${Date.now()}`, true);
    for (const [where, api] of both) {
      const tok = await createClassicToken(a, s, { scopes: ['repo', 'user'] });
      for (const [, each] of both) assert.equal((await each.get(`/repos/${repo.full_name}`, { token: tok.token })).status, 200, where);
      const patch = await api.patch(`/user/personal-access-tokens/${tok.id}`, { token: s.token, body: { scopes: ['user'] } });
      assert.equal(patch.status, 200, `${where}: ${patch.text}`);
      for (const [other, each] of both) {
        const res = await each.get(`/repos/${repo.full_name}`, { token: tok.token });
        assert.equal(res.status, 404, `${where} → ${other}: ${res.text}`); // a private repository is not found without repo
        assert.equal(res.headers.get('x-oauth-scopes'), 'user', `${where} → ${other}`);
      }
    }
  });

  it('a token revoked or deleted by another connection writing the database directly is refused at once by both', async () => {
    const s = await newSession(a);
    const revoked = await createClassicToken(a, s, { scopes: ['user'] });
    const deleted = await createClassicToken(a, s, { scopes: ['user'] });
    await warm(revoked.token);
    await warm(deleted.token);
    const db = new DatabaseSync(path.join(a.dataDir, DATABASE_FILE));
    try {
      db.exec('PRAGMA busy_timeout = 5000');
      db.prepare(`UPDATE tokens SET status = 'revoked' WHERE id = ?`).run(revoked.id);
      db.prepare('DELETE FROM tokens WHERE id = ?').run(deleted.id);
    } finally {
      db.close();
    }
    await expectRefused(revoked.token, 'Bad credentials');
    await expectRefused(deleted.token, 'Bad credentials');
  });

  it('a password change written through this process’s store: the old password no longer opens sudo, at once, in both', async () => {
    const s = await newSession(a);
    const oldPassword = s.user.password;
    for (const [where, api] of both) {
      const sudo = await api.post('/user/sudo', { token: s.token, body: { password: oldPassword } });
      assert.equal(sudo.status, 200, `${where}: ${sudo.text}`);
    }
    await warm(s.token);
    const newPassword = `${oldPassword}-changed`;
    const stored = (await a.store.users.byId(s.user.id))!.passwordHash;
    assert.equal(await a.store.users.replacePasswordHash(s.user.id, stored, await hashPassword(newPassword)), true);
    for (const [where, api] of both) {
      const stale = await api.post('/user/sudo', { token: s.token, body: { password: oldPassword } });
      assert.equal(stale.status, 403, `${where}: ${stale.text}`);
      const fresh = await api.post('/user/sudo', { token: s.token, body: { password: newPassword } });
      assert.equal(fresh.status, 200, `${where}: ${fresh.text}`);
    }
  });

  it('2FA enabled in this process and a profile changed in the other show at once in GET /user of both', async () => {
    const user = await createUser(a);
    const s: Session = { user, token: (await a.api.post('/authorizations', { basic: user, body: { note: 'cache', scopes: ['user'] } })).json.token };
    await warm(s.token);
    for (const [, api] of both) assert.equal((await api.get('/user', { token: s.token })).json.two_factor_authentication, false);
    await enableTwoFactor(a, user, s.token);
    for (const [where, api] of both) assert.equal((await api.get('/user', { token: s.token })).json.two_factor_authentication, true, where);
    const patch = await b.api.patch('/user', { token: s.token, body: { name: 'Renamed Elsewhere' } });
    assert.equal(patch.status, 200, patch.text);
    for (const [where, api] of both) assert.equal((await api.get('/user', { token: s.token })).json.name, 'Renamed Elsewhere', where);
  });

  it('an approval given in the other process lets a pending token in at once; an org policy change is enforced at once', async () => {
    const owner = await newSession(a);
    const member = await newSession(a);
    const org = await createOrg(a, owner);
    await addMember(a, org, owner, member);
    await createRepo(a, owner, org, 'private', true);
    await setPolicy(a, org, owner, { require_approval: true });
    const tok = await createFineGrainedToken(a, member, { resource_owner: org, repositories: ['private'], permissions: { repository: { contents: 'read' } } });
    assert.equal(tok.status, 'pending');
    await warm(tok.token, 403);
    const queue = await b.api.get(`/orgs/${org}/personal-access-token-requests`, { token: owner.token });
    assert.equal(queue.json.length, 1, queue.text);
    const approve = await b.api.post(`/orgs/${org}/personal-access-token-requests/${queue.json[0].id}`, { token: owner.token, body: { action: 'approve' } });
    assert.equal(approve.status, 204, approve.text);
    for (const [where, api] of both) assert.equal((await api.get('/user', { token: tok.token })).status, 200, where);

    const classic = await createClassicToken(a, member, { scopes: ['repo'] });
    for (const [where, api] of both) assert.equal((await api.get(`/repos/${org}/private`, { token: classic.token })).status, 200, where);
    await setPolicy(b.t, org, owner, { classic_tokens: 'restricted' });
    for (const [where, api] of both) assert.equal((await api.get(`/repos/${org}/private`, { token: classic.token })).status, 403, where);
  });

  it('last_used_at is still written at most once a minute (this process’s clock)', async () => {
    const s = await newSession(a);
    const tok = await createClassicToken(a, s, { scopes: ['user'] });
    const lastUsed = async () => (await a.api.get(`/user/personal-access-tokens/${tok.id}`, { token: s.token })).json.last_used_at as string | null;
    assert.equal((await a.api.get('/user', { token: tok.token })).status, 200);
    const first = await lastUsed();
    assert.ok(first);
    a.clock.advance(30 * SECOND);
    assert.equal((await a.api.get('/user', { token: tok.token })).status, 200);
    assert.equal(await lastUsed(), first, 'not written again within the minute');
    a.clock.advance(31 * SECOND);
    assert.equal((await a.api.get('/user', { token: tok.token })).status, 200);
    const second = await lastUsed();
    assert.ok(second && Date.parse(second) - Date.parse(first) >= MINUTE, `${first} → ${second}`);
  });

  // Last: it moves this process's clock far ahead.
  it('a token past its expiry on this process’s clock is refused at once, although cached', async () => {
    const s = await newSession(a);
    const tok = await createClassicToken(a, s, { scopes: ['user'], expires_in_days: 7 });
    for (let i = 0; i < 2; i++) assert.equal((await a.api.get('/user', { token: tok.token })).status, 200);
    a.clock.advance(8 * DAY);
    const res = await a.api.get('/user', { token: tok.token });
    assert.equal(res.status, 401);
    assert.equal(res.json.message, 'token expired');
  });
});
