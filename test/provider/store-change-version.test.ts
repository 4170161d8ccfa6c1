// The change signal the principal cache relies on (Store.changeVersion, SQLite) and the cache
// itself (src/provider/auth/principal-cache.ts), on a real store: what moves the version and what
// does not, when another connection's commit is seen, the cache's bound, order and frozen records,
// authentication reading the store only when it must, and the account, repository and repository-count caches
// (store/store-version-cache.ts) alike.
import * as assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { PrincipalCache, type TokenWithUser } from '../../src/provider/auth/principal-cache';
import { authenticateToken } from '../../src/provider/auth/token-auth';
import { ManualClock, MINUTE } from '../../src/provider/clock';
import { createProviderContext } from '../../src/provider/create-context';
import { accountLogins, ownerByLogin, ownersByIds } from '../../src/provider/repos/account-owner';
import { repositoryByName } from '../../src/provider/repos/repository-by-name';
import { repositoryCountsOf } from '../../src/provider/repos/repository-counts';
import { withTransaction } from '../../src/provider/transaction';
import { DATABASE_FILE } from '../../src/provider/store/sqlite/database';
import { openSqliteStore, SqliteStore } from '../../src/provider/store/sqlite/sqlite-store';
import type { TokenRecord } from '../../src/provider/store/tokens';
import type { UserRecord } from '../../src/provider/store/users';
import { generateToken, lastEight, tokenDigest } from '../../src/shared/token-format';

describe('the store change version (SQLite) and the principal cache', () => {
  let dataDir: string;
  let store: SqliteStore;
  let user: UserRecord;
  let token: TokenRecord;

  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'tessera-version-'));
    store = await openSqliteStore(dataDir);
    const now = new Date();
    user = await store.users.create({ login: 'ver', email: 'ver@example.test', name: null, passwordHash: 'x', siteAdmin: false, createdAt: now });
    token = await store.tokens.create({
      userId: user.id, kind: 'classic', note: 'n', scopes: ['user'], status: 'active', expiresAt: null,
      tokenLastEight: '12345678', hashedToken: 'ab'.repeat(32), createdAt: now,
    });
  });
  afterEach(async () => {
    await store.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('stays put while nothing changes; moves on any write through this store, whatever the table', async () => {
    const v0 = store.changeVersion();
    assert.equal(typeof v0, 'number');
    assert.equal(store.changeVersion(), v0);
    await store.users.update(user.id, { name: 'x', updatedAt: new Date() });
    const v1 = store.changeVersion();
    assert.notEqual(v1, v0);
    await store.organizations.create({ login: 'ver-org', createdBy: user.id, createdAt: new Date() });
    const v2 = store.changeVersion();
    assert.notEqual(v2, v1);
    await store.tokens.delete(token.id);
    assert.notEqual(store.changeVersion(), v2);
  });

  it('moves on a commit by another connection, from the next event-loop turn on', async () => {
    await nextTurn();
    const v0 = store.changeVersion();
    const other = new DatabaseSync(path.join(dataDir, DATABASE_FILE));
    try {
      other.exec('PRAGMA busy_timeout = 5000');
      other.prepare('UPDATE tokens SET status = ? WHERE id = ?').run('revoked', token.id);
    } finally {
      other.close();
    }
    // Within the turn that looked already, the other connection's commit is not looked for again
    // (it costs a read transaction; requests read in one turn share one look).
    assert.equal(store.changeVersion(), v0);
    await nextTurn();
    assert.notEqual(store.changeVersion(), v0);
  });

  it('is unknown inside an open transaction', async () => {
    // (A raw BEGIN on the connection: in a turn of its own, as the turn's shared read transaction ends only with it.)
    await nextTurn();
    store.db.exec('BEGIN');
    try {
      assert.equal(store.changeVersion(), undefined);
    } finally {
      store.db.exec('ROLLBACK');
    }
    assert.equal(typeof store.changeVersion(), 'number');
  });

  it("does not move for a token's last_used_at write or an audit event, and still moves for every other write", async () => {
    const v0 = store.changeVersion();
    assert.equal(await store.tokens.touchLastUsed(token.id, new Date(), MINUTE), true);
    assert.equal(store.changeVersion(), v0, 'a last_used_at write keeps the version');
    await store.audit.append({
      action: 'test.event', createdAt: new Date(), actorId: user.id, actorLogin: user.login, userId: user.id, userLogin: user.login,
      orgId: null, orgLogin: null, tokenId: null, actorIp: null, data: {},
    });
    assert.equal(store.changeVersion(), v0, 'an audit event keeps the version');
    await store.users.update(user.id, { name: 'y', updatedAt: new Date() });
    assert.equal(await store.tokens.touchLastUsed(token.id, new Date(Date.now() + 2 * MINUTE), MINUTE), true);
    assert.notEqual(store.changeVersion(), v0, 'the user update still shows');
  });

  it('does not move for bookkeeping PostgreSQL leaves out too: sign-in attempts, device-code polls, an SSO authorization used', async () => {
    const limits = { threshold: 10, windowMs: MINUTE, lockMs: MINUTE, reservationTtlMs: MINUTE };
    const org = await store.organizations.create({ login: 'ver-sso', createdBy: user.id, createdAt: new Date() });
    await store.credentialAuthorizations.authorize({ orgId: org.id, tokenId: token.id, userId: user.id, now: new Date(0) });
    const app = await store.oauthApps.create({ clientId: 'ver-client', name: 'ver', url: 'https://app.example/', callbackUrl: null, ownerId: user.id, clientSecretDigest: null, createdAt: new Date() });
    const v0 = store.changeVersion();
    const reservation = await store.signInFailures.reserveAttempt('login:ver', new Date(), limits);
    assert.ok(reservation);
    await store.signInFailures.settleAttempt(reservation, 'failure', new Date(), limits);
    assert.equal((await store.signInFailures.get('login:ver'))?.count, 1);
    assert.equal(store.changeVersion(), v0, 'a sign-in attempt keeps the version');
    const code = await store.deviceCodes.create({ appId: app.id, deviceCodeDigest: 'cd'.repeat(32), userCodeDigest: 'ef'.repeat(32), scopes: [], intervalSeconds: 5, expiresAt: new Date(Date.now() + MINUTE), createdAt: new Date() });
    assert.equal(await store.deviceCodes.recordPoll(code.id, new Date(), 1000), true);
    assert.equal(store.changeVersion(), v0, 'a device code and its polls keep the version');
    await store.credentialAuthorizations.touch(org.id, token.id, new Date());
    assert.ok((await store.credentialAuthorizations.get(org.id, token.id))?.accessedAt, 'the use was written');
    assert.equal(store.changeVersion(), v0, "an SSO authorization's use keeps the version");
    await store.credentialAuthorizations.remove(org.id, token.id);
    assert.notEqual(store.changeVersion(), v0, 'removing the authorization still shows');
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

  /** Counts the store's token look-ups and last_used_at writes while `fn` runs. */
  async function counting(fn: (calls: { lookUps: number; touches: number }) => Promise<void>): Promise<void> {
    const lookUp = store.tokens.byDigestWithUser.bind(store.tokens);
    const touch = store.tokens.touchLastUsed.bind(store.tokens);
    const calls = { lookUps: 0, touches: 0 };
    store.tokens.byDigestWithUser = async (d) => {
      calls.lookUps++;
      return lookUp(d);
    };
    store.tokens.touchLastUsed = async (...args) => {
      calls.touches++;
      return touch(...args);
    };
    try {
      await fn(calls);
    } finally {
      store.tokens.byDigestWithUser = lookUp;
      store.tokens.touchLastUsed = touch;
    }
  }

  it('a cached token is not looked up again until the store changes; every check still runs on the cached copy', async () => {
    const clock = new ManualClock(new Date());
    const ctx = createProviderContext(store, { clock, dataDir });
    const { secret, made } = await newClassicToken(clock, 'cached');
    await counting(async (calls) => {
      assert.equal((await authenticateToken(ctx, secret)).token?.id, made.id);
      assert.deepEqual(calls, { lookUps: 1, touches: 1 });
      assert.equal((await authenticateToken(ctx, secret)).token?.id, made.id);
      assert.deepEqual(calls, { lookUps: 1, touches: 1 }, 'from the cache, last_used_at fresh: nothing read or written');
      await store.users.update(user.id, { name: 'changed', updatedAt: clock.now() });
      assert.equal((await authenticateToken(ctx, secret)).user.name, 'changed');
      assert.equal(calls.lookUps, 2, 'a write emptied the cache: looked up again');
      clock.advance(2 * MINUTE);
      await authenticateToken(ctx, secret);
      assert.deepEqual(calls, { lookUps: 2, touches: 2 }, 'last_used_at due on the cached copy: written, without a look-up');
      await authenticateToken(ctx, secret);
      assert.deepEqual(calls, { lookUps: 2, touches: 2 }, 'the cached copy learnt the write');
      await store.tokens.update(made.id, { expiresAt: new Date(clock.now().getTime() + MINUTE), updatedAt: clock.now() });
      await authenticateToken(ctx, secret);
      clock.advance(2 * MINUTE);
      await assert.rejects(authenticateToken(ctx, secret), /token expired/, 'expiry is checked against the clock on the cached copy');
      assert.equal(calls.lookUps, 3);
    });
  });

  it('two requests that look a token up together leave the cache fresh: the next one needs no write', async () => {
    // Pipelined requests both miss the cache, both look the token up and both find last_used_at
    // due. One write wins; the cached copy must still learn of it, or every later request would
    // try to write last_used_at again.
    const clock = new ManualClock(new Date());
    const ctx = createProviderContext(store, { clock, dataDir });
    const { secret, made } = await newClassicToken(clock, 'together');
    for (const p of await Promise.all([authenticateToken(ctx, secret), authenticateToken(ctx, secret)])) assert.equal(p.token?.id, made.id);
    await counting(async (calls) => {
      await authenticateToken(ctx, secret);
      assert.deepEqual(calls, { lookUps: 0, touches: 0 });
    });
  });

  it('a store that cannot tell (undefined) is read on every request; a wrong checksum is refused without a look-up', async () => {
    const clock = new ManualClock(new Date());
    const ctx = createProviderContext(store, { clock, dataDir });
    const { secret } = await newClassicToken(clock, 'unknown');
    await counting(async (calls) => {
      await nextTurn();
      store.db.exec('BEGIN');
      try {
        await authenticateToken(ctx, secret);
        await authenticateToken(ctx, secret);
      } finally {
        store.db.exec('ROLLBACK');
      }
      assert.equal(calls.lookUps, 2);
      const bad = secret.slice(0, -1) + (secret.endsWith('a') ? 'b' : 'a');
      await assert.rejects(authenticateToken(ctx, bad), /Bad credentials/);
      assert.equal(calls.lookUps, 2);
    });
  });

  it('empties when the version moves, keeps nothing read under an older version, stays bounded (one not used lately out first: second chance) and hands out frozen records', async () => {
    let version: number | undefined = 1;
    const cache = new PrincipalCache({ changeVersion: () => version }, 3);
    let reads = 0;
    const read = (i: number) => async (): Promise<TokenWithUser> => {
      reads++;
      return { token: { ...token, id: i, scopes: ['user'] }, user };
    };
    for (let i = 0; i < 3; i++) await cache.lookUp(`d${i}`, read(i));
    await cache.lookUp('d0', read(0)); // d0 used again: d1 is now the oldest not used since
    assert.equal(reads, 3);
    await cache.lookUp('d3', read(3));
    assert.equal(cache.size, 3);
    await cache.lookUp('d0', read(0));
    assert.equal(reads, 4, 'd0 stayed');
    await cache.lookUp('d1', read(1));
    assert.equal(reads, 5, 'd1 was dropped');
    const entry = (await cache.lookUp('d1', read(1)))!;
    assert.ok(Object.isFrozen(entry.token) && Object.isFrozen(entry.token.scopes) && Object.isFrozen(entry.user));
    assert.throws(() => (entry.token.scopes as string[]).push('admin:org'));
    version++;
    await cache.lookUp('d1', read(1));
    assert.equal(reads, 6, 'the version moved: read again');
    assert.equal(cache.size, 1);
    await cache.lookUp('stale', async () => {
      version!++; // a change lands while the read is under way
      await cache.lookUp('other', read(8));
      return read(9)();
    });
    assert.equal(cache.size, 1, 'read under the old version: not kept');
    version = undefined;
    await cache.lookUp('other', read(8));
    await cache.lookUp('other', read(8));
    assert.equal(cache.size, 0, 'a store that cannot tell: nothing kept');
  });

  it('accounts and their repository counts are read once while the store has not changed, again after a change, and past the cache inside a transaction', async () => {
    const ctx = createProviderContext(store, { clock: new ManualClock(new Date()), dataDir });
    const reads = { byLogin: 0, counts: 0 };
    const byLogin = store.users.byLogin.bind(store.users);
    const countByOwner = store.repositories.countByOwner.bind(store.repositories);
    store.users.byLogin = (login) => (reads.byLogin++, byLogin(login));
    store.repositories.countByOwner = (type, id) => (reads.counts++, countByOwner(type, id));
    const owner = (await ownerByLogin(ctx, 'VER'))!;
    assert.equal(owner.login, 'ver');
    assert.equal((await ownerByLogin(ctx, 'ver'))?.id, user.id);
    assert.equal(reads.byLogin, 1, 'one read for both spellings');
    assert.ok(Object.isFrozen(owner) && owner.type === 'User' && Object.isFrozen(owner.user));
    assert.deepEqual(await repositoryCountsOf(ctx, 'User', user.id), { public: 0, private: 0 });
    await repositoryCountsOf(ctx, 'User', user.id);
    assert.equal(reads.counts, 1);
    await store.repositories.create({ ownerType: 'User', ownerId: user.id, name: 'r', private: true, createdBy: user.id, createdAt: new Date() });
    assert.deepEqual(await repositoryCountsOf(ctx, 'User', user.id), { public: 0, private: 1 }, 'a write emptied the cache');
    await store.users.update(user.id, { name: 'renamed', updatedAt: new Date() });
    const renamed = await ownerByLogin(ctx, 'ver');
    assert.equal(renamed?.type === 'User' && renamed.user.name, 'renamed');
    assert.equal(reads.byLogin, 2);
    await withTransaction(ctx, async (tx) => {
      await tx.store.users.update(user.id, { name: 'inside', updatedAt: new Date() });
      const inside = await ownerByLogin(tx, 'ver');
      assert.equal(inside?.type === 'User' && inside.user.name, 'inside', 'a transaction reads its own writes, past the cache');
    });
    assert.equal(reads.byLogin, 2, 'the transaction read through its own store');
  });

  it('a repository by name is read once while the store has not changed (any spelling), again after a change; a missing one is never kept', async () => {
    const ctx = createProviderContext(store, { clock: new ManualClock(new Date()), dataDir });
    let reads = 0;
    const byOwnerAndName = store.repositories.byOwnerAndName.bind(store.repositories);
    store.repositories.byOwnerAndName = (type, id, name) => (reads++, byOwnerAndName(type, id, name));
    assert.equal(await repositoryByName(ctx, 'User', user.id, 'Tools'), undefined);
    assert.equal(await repositoryByName(ctx, 'User', user.id, 'Tools'), undefined);
    assert.equal(reads, 2, 'nothing kept for a repository that does not exist');
    const created = await store.repositories.create({ ownerType: 'User', ownerId: user.id, name: 'Tools', private: true, createdBy: user.id, createdAt: new Date() });
    const found = (await repositoryByName(ctx, 'User', user.id, 'tools'))!;
    assert.equal(found.id, created.id);
    assert.equal((await repositoryByName(ctx, 'User', user.id, 'TOOLS'))?.id, created.id);
    assert.equal(reads, 3, 'one read for both spellings');
    assert.ok(Object.isFrozen(found));
    await store.repositories.delete(created.id);
    assert.equal(await repositoryByName(ctx, 'User', user.id, 'tools'), undefined, 'a deletion is seen at once');
    assert.equal(reads, 4);
  });

  it('accounts read by ids together: kept ones from memory, only the missing ones read, in one query', async () => {
    const ctx = createProviderContext(store, { clock: new ManualClock(new Date()), dataDir });
    const other = await store.users.create({ login: 'ver2', email: 'ver2@example.test', name: null, passwordHash: 'x', siteAdmin: false, createdAt: new Date() });
    const asked: number[][] = [];
    const byIds = store.users.byIds.bind(store.users);
    store.users.byIds = (ids) => (asked.push([...ids]), byIds(ids));
    const first = await ownersByIds(ctx, [{ type: 'User', id: user.id }]);
    assert.deepEqual([...first.keys()], [`User:${user.id}`]);
    const both = await ownersByIds(ctx, [{ type: 'User', id: user.id }, { type: 'User', id: other.id }, { type: 'User', id: 999_999 }]);
    assert.deepEqual([...both.values()].map((o) => o.login).sort(), ['ver', 'ver2'], 'an unknown id is left out');
    assert.deepEqual(asked, [[user.id], [other.id, 999_999]], 'the kept one was not read again; the missing ones in one query');
    assert.deepEqual((await accountLogins(ctx, [{ type: 'User', id: other.id }])).get(`User:${other.id}`), 'ver2');
    assert.equal(asked.length, 2, 'from memory');
  });
});
