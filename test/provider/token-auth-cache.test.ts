// The principal cache (src/provider/auth/principal-cache.ts) never outlives a change. Two real
// providers share one data folder: A runs in this process (built over its own store, so a test can
// also write through that store), B is a second `tessera serve` process. Every token is used on
// both first, so both hold it in their caches; then a change made through one of them (or through
// a third connection) must be seen by the very next request to either.
import * as assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { PrincipalCache } from '../../src/provider/auth/principal-cache';
import type { Principal } from '../../src/provider/auth/principal';
import { authenticateToken } from '../../src/provider/auth/token-auth';
import { generateToken, lastEight, tokenDigest } from '../../src/shared/token-format';
import { hashPassword } from '../../src/provider/auth/passwords';
import { DAY, ManualClock, MINUTE, SECOND } from '../../src/provider/clock';
import { createProviderContext } from '../../src/provider/context';
import { DATABASE_FILE } from '../../src/provider/store/sqlite/database';
import { openSqliteStore, SqliteStore } from '../../src/provider/store/sqlite/sqlite-store';
import type { TokenRecord } from '../../src/provider/store/tokens';
import type { UserRecord } from '../../src/provider/store/users';
import { ApiClient } from './helpers/api-client';
import { createUser, enable2fa } from './helpers/accounts';
import { addMember, createClassic, createFineGrained, createOrg, createRepo, newSession, Session, setPolicy } from './helpers/orgs';
import { InProcessProvider, startInProcessProvider } from './helpers/in-process-provider';
import type { TestProvider } from './helpers/provider';
import { startProviderProcess } from './helpers/provider-process';

const isPromise = (v: unknown) => typeof (v as { then?: unknown })?.then === 'function';

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
    t: { api, clock: new ManualClock(), dataDir, logs: [], provider: { url, apiUrl: `${url}/api/v3`, dataDir, close: async () => undefined }, close: async () => undefined },
    stop: () => b.stop(),
  };
}

describe('token authentication cache: every change is seen at once, in this process and by another one', function () {
  this.timeout(60_000);
  let dataDir: string;
  let a: InProcessProvider;
  let b: OtherProcess;
  let both: [string, ApiClient][];

  before(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'tessera-cache-'));
    a = await startInProcessProvider(dataDir, new ManualClock(Date.now()));
    b = await startOtherProcess(dataDir);
    both = [
      ['this process', a.api],
      ['the other process', b.api],
    ];
  });
  after(async () => {
    await b?.stop();
    await a?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
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
    const tok = await createClassic(a, s, ['user']);
    await warm(tok.token);
    const revoke = await a.api.post('/credentials/revoke', { body: { credentials: [tok.token] } });
    assert.equal(revoke.status, 202, revoke.text);
    await expectRefused(tok.token, 'Bad credentials');
  });

  it('a token revoked through the other process is refused at once by both', async () => {
    const s = await newSession(a);
    const tok = await createClassic(a, s, ['user']);
    await warm(tok.token);
    const revoke = await b.api.post('/credentials/revoke', { body: { credentials: [tok.token] } });
    assert.equal(revoke.status, 202, revoke.text);
    await expectRefused(tok.token, 'Bad credentials');
  });

  it('a token deleted in either process is refused at once by both', async () => {
    const s = await newSession(a);
    for (const [where, api] of both) {
      const tok = await createClassic(a, s, ['user']);
      await warm(tok.token);
      const del = await api.delete(`/user/personal-access-tokens/${tok.id}`, { token: s.token });
      assert.equal(del.status, 204, `${where}: ${del.text}`);
      await expectRefused(tok.token, 'Bad credentials');
    }
  });

  it('a regenerated token: the old secret is refused at once by both, the new one works on both', async () => {
    const s = await newSession(a);
    for (const [where, api] of both) {
      const tok = await createClassic(a, s, ['user']);
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
    const tok = await createClassic(a, s, ['user']);
    await warm(tok.token);
    for (const [, api] of both) assert.equal((await api.get('/user', { token: tok.token })).headers.get('github-authentication-token-expiration'), null);
    const patch = await b.api.patch(`/user/personal-access-tokens/${tok.id}`, { token: s.token, body: { expires_in_days: 30 } });
    assert.equal(patch.status, 200, patch.text);
    for (const [where, api] of both) {
      const res = await api.get('/user', { token: tok.token });
      assert.equal(res.status, 200, where);
      assert.match(res.headers.get('github-authentication-token-expiration') ?? '', /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/, where);
    }
    const db = new DatabaseSync(path.join(dataDir, DATABASE_FILE));
    try {
      db.exec('PRAGMA busy_timeout = 5000');
      db.prepare('UPDATE tokens SET expires_at = ? WHERE id = ?').run(new Date(Date.now() - DAY).toISOString(), tok.id);
    } finally {
      db.close();
    }
    await expectRefused(tok.token, 'token expired');
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
    await a.store.users.update(s.user.id, { passwordHash: await hashPassword(newPassword), updatedAt: a.clock.now() });
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
    await enable2fa(a, user, s.token);
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
    const tok = await createFineGrained(a, member, { resource_owner: org, repositories: ['private'], permissions: { repository: { contents: 'read' } } });
    assert.equal(tok.status, 'pending');
    await warm(tok.token, 403);
    const queue = await b.api.get(`/orgs/${org}/personal-access-token-requests`, { token: owner.token });
    assert.equal(queue.json.length, 1, queue.text);
    const approve = await b.api.post(`/orgs/${org}/personal-access-token-requests/${queue.json[0].id}`, { token: owner.token, body: { action: 'approve' } });
    assert.equal(approve.status, 204, approve.text);
    for (const [where, api] of both) assert.equal((await api.get('/user', { token: tok.token })).status, 200, where);

    const classic = await createClassic(a, member, ['repo']);
    for (const [where, api] of both) assert.equal((await api.get(`/repos/${org}/private`, { token: classic.token })).status, 200, where);
    await setPolicy(b.t, org, owner, { classic_tokens: 'restricted' });
    for (const [where, api] of both) assert.equal((await api.get(`/repos/${org}/private`, { token: classic.token })).status, 403, where);
  });

  it('last_used_at is still written at most once a minute (this process’s clock)', async () => {
    const s = await newSession(a);
    const tok = await createClassic(a, s, ['user']);
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
    const tok = await createClassic(a, s, ['user'], { expires_in_days: 7 });
    for (let i = 0; i < 2; i++) assert.equal((await a.api.get('/user', { token: tok.token })).status, 200);
    a.clock.advance(8 * DAY);
    const res = await a.api.get('/user', { token: tok.token });
    assert.equal(res.status, 401);
    assert.equal(res.json.message, 'token expired');
  });
});

describe('change generation and the principal cache (SQLite store)', () => {
  let dataDir: string;
  let store: SqliteStore;
  let user: UserRecord;
  let token: TokenRecord;

  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'tessera-generation-'));
    store = await openSqliteStore(dataDir);
    const now = new Date();
    user = await store.users.create({ login: 'gen', email: 'gen@example.test', name: null, passwordHash: 'x', siteAdmin: false, createdAt: now });
    token = await store.tokens.create({
      userId: user.id, kind: 'classic', note: 'n', scopes: ['user'], status: 'active', expiresAt: null,
      tokenLastEight: '12345678', hashedToken: 'ab'.repeat(32), createdAt: now,
    });
  });
  afterEach(async () => {
    await store.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('stays put while nothing changes; moves on any write through this connection, whatever the table', async () => {
    const g0 = store.tokens.changeGeneration();
    assert.equal(typeof g0, 'number');
    assert.equal(store.tokens.changeGeneration(), g0);
    await store.users.update(user.id, { name: 'x', updatedAt: new Date() });
    const g1 = store.tokens.changeGeneration();
    assert.notEqual(g1, g0);
    await store.audit.append({
      action: 'test.event', createdAt: new Date(), actorId: user.id, actorLogin: user.login, userId: user.id, userLogin: user.login,
      orgId: null, orgLogin: null, tokenId: null, actorIp: null, data: {},
    });
    assert.notEqual(store.tokens.changeGeneration(), g1);
  });

  it('moves on a commit by another connection, from the next event-loop turn on', async () => {
    await nextTurn();
    const g0 = store.tokens.changeGeneration();
    const other = new DatabaseSync(path.join(dataDir, DATABASE_FILE));
    try {
      other.exec('PRAGMA busy_timeout = 5000');
      other.prepare('UPDATE tokens SET status = ? WHERE id = ?').run('revoked', token.id);
    } finally {
      other.close();
    }
    // Within the turn that looked already, the other connection's commit is not looked for again
    // (it costs a read transaction; requests read in one turn share one look).
    assert.equal(store.tokens.changeGeneration(), g0);
    await nextTurn();
    assert.notEqual(store.tokens.changeGeneration(), g0);
  });

  it('counts writes to every table: each has its insert, update and delete trigger, on this connection only', () => {
    const tables = (store.db.prepare(`SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'`).all() as { name: string }[]).map((r) => r.name);
    assert.ok(tables.includes('tokens') && tables.includes('users') && tables.includes('schema_migrations'), tables.join());
    const triggers = store.db.prepare(`SELECT tbl_name AS t, sql FROM temp.sqlite_schema WHERE type = 'trigger'`).all() as { t: string; sql: string }[];
    for (const table of tables) {
      for (const op of ['INSERT', 'UPDATE', 'DELETE']) {
        assert.ok(triggers.some((tr) => tr.t === table && tr.sql.includes(`AFTER ${op}`)), `${table}: no ${op} trigger`);
      }
    }
    const inFile = store.db.prepare(`SELECT COUNT(*) AS n FROM main.sqlite_schema WHERE type = 'trigger' AND sql LIKE '%tessera_row_written%'`).get() as { n: number };
    assert.equal(inFile.n, 0, 'the counting triggers are TEMP: nothing is added to the database file');
    assert.ok(triggers.every((tr) => tr.sql.includes('tessera_row_written')), 'only counting triggers are TEMP ones');
  });

  it('counts writes to a table another connection created after the store opened (a newer migration), and to one dropped and created again', async () => {
    const other = new DatabaseSync(path.join(dataDir, DATABASE_FILE));
    try {
      other.exec('PRAGMA busy_timeout = 5000');
      other.exec('CREATE TABLE extra (id INTEGER PRIMARY KEY, v TEXT)');
      await nextTurn();
      const g0 = store.tokens.changeGeneration();
      store.db.prepare('INSERT INTO extra (v) VALUES (?)').run('a');
      const g1 = store.tokens.changeGeneration();
      assert.notEqual(g1, g0, 'an insert into the new table moves the generation');
      other.exec('DROP TABLE extra');
      other.exec('CREATE TABLE extra (id INTEGER PRIMARY KEY, v TEXT)');
      await nextTurn();
      const g2 = store.tokens.changeGeneration();
      store.db.prepare('INSERT INTO extra (v) VALUES (?)').run('b');
      assert.notEqual(store.tokens.changeGeneration(), g2, 'the re-created table is counted again');
      store.db.prepare('UPDATE extra SET v = ?').run('c');
      const g3 = store.tokens.changeGeneration();
      assert.notEqual(g3, g2);
      store.db.prepare('DELETE FROM extra').run();
      assert.notEqual(store.tokens.changeGeneration(), g3, 'a delete moves it too');
    } finally {
      other.close();
    }
  });

  /** A classic `user` token of `user`'s, made through the store at the clock's time. */
  async function newClassicToken(clock: ManualClock, note: string): Promise<{ secret: string; made: TokenRecord }> {
    const secret = generateToken('classic');
    const made = await store.tokens.create({
      userId: user.id, kind: 'classic', note, scopes: ['user'], status: 'active', expiresAt: null,
      tokenLastEight: lastEight(secret), hashedToken: tokenDigest(secret), createdAt: clock.now(),
    });
    return { secret, made };
  }

  it('a cached token with a fresh last_used_at authenticates without a promise; a changed store, a stale last_used_at or a bad token do not', async () => {
    const clock = new ManualClock(new Date());
    const ctx = createProviderContext(store, { clock, dataDir });
    const { secret, made } = await newClassicToken(clock, 'sync');
    const first = authenticateToken(ctx, secret); // looked up, then last_used_at written
    assert.ok(isPromise(first));
    assert.equal((await first).token?.id, made.id);
    const second = authenticateToken(ctx, secret);
    assert.ok(!isPromise(second), 'from the cache, with last_used_at fresh: synchronous');
    assert.equal((second as Principal).token?.id, made.id);
    await store.users.update(user.id, { name: 'changed', updatedAt: clock.now() });
    const afterChange = authenticateToken(ctx, secret);
    assert.ok(isPromise(afterChange), 'a write emptied the cache: looked up again');
    assert.equal((await afterChange).user.name, 'changed');
    clock.advance(2 * MINUTE);
    assert.ok(isPromise(authenticateToken(ctx, secret)), 'last_used_at is due: written, so waited for');
    await nextTurn();
    const bad = secret.slice(0, -1) + (secret.endsWith('a') ? 'b' : 'a');
    assert.throws(() => authenticateToken(ctx, bad), /Bad credentials/, 'a wrong checksum is refused at once, without a look-up');
  });

  it('two requests that look a token up together leave the cache fresh: the next one needs no write', async () => {
    // Pipelined requests arrive in one socket read, so both miss the cache, both look the token up
    // and both find last_used_at due. One write wins; the cached copy must still learn of it, or
    // every later request would try to write last_used_at again (and wait for it).
    const clock = new ManualClock(new Date());
    const ctx = createProviderContext(store, { clock, dataDir });
    const { secret, made } = await newClassicToken(clock, 'together');
    const both = [authenticateToken(ctx, secret), authenticateToken(ctx, secret)];
    assert.ok(both.every(isPromise));
    for (const p of await Promise.all(both)) assert.equal(p.token?.id, made.id);
    const touches = store.tokens.touchLastUsed.bind(store.tokens);
    let writes = 0;
    store.tokens.touchLastUsed = async (...args) => {
      writes++;
      return touches(...args);
    };
    try {
      const next = authenticateToken(ctx, secret);
      assert.ok(!isPromise(next), 'last_used_at was written a moment ago: the cached copy knows it');
      assert.equal(writes, 0);
    } finally {
      store.tokens.touchLastUsed = touches;
    }
  });

  it('is unknown inside an open transaction', () => {
    store.db.exec('BEGIN');
    try {
      assert.equal(store.tokens.changeGeneration(), undefined);
    } finally {
      store.db.exec('ROLLBACK');
    }
    assert.equal(typeof store.tokens.changeGeneration(), 'number');
  });

  it("absorbs a token's own last_used_at write only when nothing else was written since the last look", async () => {
    const g0 = store.tokens.changeGeneration();
    assert.equal(await store.tokens.touchLastUsed(token.id, new Date(), MINUTE), true);
    assert.equal(store.tokens.changeGeneration(), g0, 'a lone last_used_at write keeps the generation');
    await store.users.update(user.id, { name: 'y', updatedAt: new Date() });
    assert.equal(await store.tokens.touchLastUsed(token.id, new Date(Date.now() + 2 * MINUTE), MINUTE), true);
    assert.notEqual(store.tokens.changeGeneration(), g0, 'the user update still shows');
  });

  it('the cache empties when the generation moves, ignores what was read under an older one, stays bounded and hands out frozen records', () => {
    let generation = 1;
    const cache = new PrincipalCache({ changeGeneration: () => generation }, 3);
    const found = (i: number) => ({ token: { ...token, id: i, scopes: ['user'] }, user });
    const g = cache.sync()!;
    for (let i = 0; i < 5; i++) cache.put(g, `d${i}`, found(i));
    assert.equal(cache.size, 3);
    assert.equal(cache.get('d0'), undefined, 'oldest out first');
    const entry = cache.get('d4')!;
    assert.ok(Object.isFrozen(entry.token) && Object.isFrozen(entry.token.scopes) && Object.isFrozen(entry.user));
    assert.throws(() => (entry.token.scopes as string[]).push('admin:org'));
    generation++;
    assert.equal(cache.sync(), generation);
    assert.equal(cache.size, 0);
    cache.put(g, 'stale', found(9));
    assert.equal(cache.get('stale'), undefined, 'read under the old generation: not kept');
  });
});
