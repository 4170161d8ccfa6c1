// The PostgreSQL store on a real PostgreSQL (test/harness/postgres.ts; its migrations:
// store-postgres-migrations.test.ts): the atomic statements the SQLite store is tested for — also under concurrency, which PostgreSQL runs truly in parallel —, unique and busy
// errors, transactions, and the change version other replicas move through LISTEN/NOTIFY.
import * as assert from 'node:assert/strict';
import { Client } from 'pg';
import { UniqueViolation } from '../../src/provider/store/errors';
import { openPostgresStore, type PostgresStore } from '../../src/provider/store/postgres/postgres-store';
import { startPostgresProxy } from './helpers/postgres-proxy';
import { memoryKeySource, usePostgres } from './helpers/postgres-stores';

const MIN = 60_000;
const T0 = new Date('2030-01-01T00:00:00Z');

async function user(s: PostgresStore, login: string) {
  return s.users.create({ login, email: `${login}@x.test`, passwordHash: 'h', siteAdmin: false, createdAt: T0 });
}

let digestSerial = 0;
async function token(s: PostgresStore, userId: number, note = 'n') {
  const hashedToken = (++digestSerial).toString(16).padStart(64, '0');
  return s.tokens.create({ userId, kind: 'classic', note, scopes: ['repo'], status: 'active', expiresAt: null, tokenLastEight: 'abcd1234', hashedToken, createdAt: T0 });
}

/** Polls `check` until it holds (at most `ms`). */
async function eventually(check: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 10));
  }
  return check();
}

describe('provider PostgreSQL store', function () {
  this.timeout(60_000);
  const pg = usePostgres();

  it('parallel attempts at two replicas get no more reservations than the threshold, and their failures all count', async () => {
    const url = await pg.newDatabase();
    const [a, b] = await Promise.all([pg.openStore(url), pg.openStore(url)]);
    try {
      const limits = { windowMs: 60 * MIN, threshold: 10, lockMs: 10 * MIN, reservationTtlMs: 5 * MIN };
      const reserved = await Promise.all(Array.from({ length: 30 }, (_, i) => (i % 2 ? a : b).signInFailures.reserveAttempt('user:1', T0, limits)));
      const granted = reserved.filter((r) => r !== undefined);
      assert.equal(granted.length, 10, 'exactly the threshold');
      await Promise.all(granted.map((r, i) => (i % 2 ? a : b).signInFailures.settleAttempt(r!, 'failure', T0, limits)));
      const state = await a.signInFailures.get('user:1');
      assert.equal(state?.count, 10);
      assert.ok(state?.lockedUntil, 'locked');
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('a TOTP step and a recovery code are each accepted once when calls race behind a row lock', async () => {
    // The store contract covers the rules; this holds them where PostgreSQL re-checks a locked row.
    const s = await pg.newStore();
    const now = new Date();
    const u = await s.users.createFirstIsAdmin({ login: 'a', email: 'a@x.test', passwordHash: 'h', createdAt: now });
    await s.twoFactor.beginSetup(u.id, 'SECRET', now);
    assert.equal(await s.twoFactor.enable(u.id, 'SECRET', 100, ['d1', 'd2', 'd3'], now), true);
    assert.equal(await s.twoFactor.useRecoveryCode(u.id, 'd1', now), true);
    // Racing calls held behind a row lock until all of them have read the row: each then
    // re-checks the row as the one before it left it.
    const racing = await behindRowLock(s, 'SELECT 1 FROM two_factor WHERE user_id = $1 FOR UPDATE', [u.id], 4, () => s.twoFactor.acceptTimeStep(u.id, 200));
    assert.equal(racing.filter(Boolean).length, 1, 'one time step, accepted once');
    const codes = await behindRowLock(s, `SELECT 1 FROM recovery_codes WHERE user_id = $1 AND code_digest = 'd2' FOR UPDATE`, [u.id], 4, () =>
      s.twoFactor.useRecoveryCode(u.id, 'd2', now),
    );
    assert.equal(codes.filter(Boolean).length, 1, 'one recovery code, used once');
    assert.equal(await s.twoFactor.remainingRecoveryCodes(u.id), 1);
    assert.equal(await s.twoFactor.disable(u.id), true);
    assert.equal(await s.twoFactor.remainingRecoveryCodes(u.id), 0);
  });

  it('the first of several concurrent sign-ups alone becomes site admin', async () => {
    const s = await pg.newStore();
    const made = await Promise.all(
      Array.from({ length: 8 }, (_, i) => s.users.createFirstIsAdmin({ login: `u${i}`, email: `u${i}@x.test`, passwordHash: 'h', createdAt: T0 })),
    );
    assert.equal(made.filter((u) => u.siteAdmin).length, 1);
    assert.equal(await s.users.count(), 8);
  });

  it('unique names answer UniqueViolation naming the field, case-insensitively, across users and organizations', async () => {
    const s = await pg.newStore();
    const a = await user(s, 'Alice');
    const taken = (field: string) => (e: unknown) => e instanceof UniqueViolation && e.field === field;
    await assert.rejects(user(s, 'alice'), taken('login'));
    await assert.rejects(s.users.create({ login: 'other', email: 'ALICE@x.test', passwordHash: 'h', siteAdmin: false, createdAt: T0 }), taken('email'));
    const b = await user(s, 'bob');
    await assert.rejects(s.users.update(b.id, { email: 'alice@X.test', updatedAt: T0 }), taken('email'));
    await assert.rejects(s.organizations.create({ login: 'ALICE', createdBy: a.id, createdAt: T0 }), taken('login'));
    const org = await s.organizations.create({ login: 'Acme', createdBy: a.id, createdAt: T0 });
    assert.equal((await s.memberships.get(org.id, a.id))?.role, 'owner');
    await assert.rejects(user(s, 'acme'), taken('login'));
    await assert.rejects(s.organizations.create({ login: 'acme', createdBy: a.id, createdAt: T0 }), taken('login'));
    const repo = await s.repositories.create({ ownerType: 'User', ownerId: a.id, name: 'Repo', private: false, createdBy: a.id, createdAt: T0 });
    await assert.rejects(s.repositories.create({ ownerType: 'User', ownerId: a.id, name: 'repo', private: true, createdBy: a.id, createdAt: T0 }), taken('name'));
    const key = { repositoryId: repo.id, title: 'k', key: 'ssh-ed25519 AAAA', readOnly: true, addedBy: a.id, tokenId: null, createdAt: T0 };
    await s.deployKeys.create(key);
    await assert.rejects(s.deployKeys.create(key), taken('key'));
    const t = await token(s, a.id);
    await assert.rejects(
      s.tokens.create({ userId: b.id, kind: 'classic', note: 'x', status: 'active', expiresAt: null, tokenLastEight: 'x', hashedToken: t.hashedToken, createdAt: T0 }),
      taken('hashed_token'),
    );
    // A user and an org racing for one login: exactly one gets it.
    const race = await Promise.allSettled([user(s, 'contested'), s.organizations.create({ login: 'CONTESTED', createdBy: a.id, createdAt: T0 })]);
    assert.equal(race.filter((r) => r.status === 'fulfilled').length, 1);
    assert.ok(race.every((r) => r.status === 'fulfilled' || taken('login')(r.reason)));
  });

  it('revokes what matches once, returning the tokens as they were, even when two sweeps race', async () => {
    const s = await pg.newStore();
    const u = await user(s, 'sweep');
    const old = await Promise.all(Array.from({ length: 5 }, (_, i) => token(s, u.id, `old${i}`)));
    await s.tokens.touchLastUsed(old[4].id, new Date(T0.getTime() + 100 * MIN), 0);
    const [x, y] = await Promise.all([
      s.tokens.revokeUnusedSince(new Date(T0.getTime() + MIN), new Date(), 'unused'),
      s.tokens.revokeUnusedSince(new Date(T0.getTime() + MIN), new Date(), 'unused'),
    ]);
    const ids = (ts: { id: number }[]) => ts.map((t) => t.id).sort((p, q) => p - q);
    assert.deepEqual(ids([...x, ...y]), ids(old.slice(0, 4)));
    assert.ok([...x, ...y].every((t) => t.status === 'active'), 'as they were before');
    assert.equal((await s.tokens.byId(old[0].id))?.status, 'revoked');
    assert.equal((await s.tokens.byId(old[4].id))?.status, 'active');
    const regenerated = await Promise.all(
      ['1', '2', '3'].map((n) =>
        s.tokens.replaceSecret(old[4].id, { previousDigest: old[4].hashedToken, hashedToken: n.repeat(64), tokenLastEight: n.repeat(8), updatedAt: T0 }),
      ),
    );
    assert.equal(regenerated.filter(Boolean).length, 1, 'of regenerations that read the same secret, one replaces it');
    const current = regenerated.find(Boolean)!;
    const byDigest = await s.tokens.revokeByDigests([current.hashedToken, old[0].hashedToken], new Date(), 'leaked');
    assert.deepEqual(byDigest.map((t) => t.id), [old[4].id]);
  });

  it('a periodic job runs at one replica at a time: the other, meanwhile, does not run it', async () => {
    const url = await pg.newDatabase();
    const [a, b] = await Promise.all([pg.openStore(url), pg.openStore(url)]);
    try {
      let release!: () => void;
      const held = new Promise<void>((r) => (release = r));
      let started!: () => void;
      const running = new Promise<void>((r) => (started = r));
      const atA = a.runExclusive('sweep', async () => {
        started();
        await held;
        return 'a';
      });
      await running;
      assert.equal(await b.runExclusive('sweep', async () => 'b'), undefined, 'held by A');
      release();
      assert.equal(await atA, 'a');
      assert.equal(await b.runExclusive('sweep', async () => 'b'), 'b', 'free once A is done');
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('as many repository locks and periodic jobs at once as the pool has connections: each holder still reads through the store', async () => {
    const url = await pg.newDatabase();
    // Two pooled connections stand for the default ten (ten parallel deletes, renames or git
    // requests for a repository whose bare repository moved, at one replica).
    const s = await openPostgresStore(url, { dataKey: pg.dataKey, maxConnections: 2 });
    try {
      const u = await user(s, 'owner');
      const [r1, r2] = await Promise.all(['one', 'two'].map((name) => s.repositories.create({ ownerType: 'User', ownerId: u.id, name, private: false, createdBy: u.id, createdAt: T0 })));
      // Every holder has its lock before any of them reads.
      const allHeld = (n: number) => {
        let arrived = 0;
        let go!: () => void;
        const all = new Promise<void>((r) => (go = r));
        return async () => {
          if (++arrived === n) go();
          await all;
        };
      };
      const locksHeld = allHeld(2);
      const names = await Promise.all([r1, r2].map((r) => s.withRepositoryLock(r.id, async (store) => {
        await locksHeld();
        return (await store.repositories.byId(r.id))?.name;
      })));
      assert.deepEqual(names, ['one', 'two']);
      const jobsHeld = allHeld(2);
      const jobs = await Promise.all(['sweep', 'prune'].map((name) => s.runExclusive(name, async () => {
        await jobsHeld();
        return (await s.repositories.byId(r1.id))?.name;
      })));
      assert.deepEqual(jobs, ['one', 'one']);
    } finally {
      await s.close();
    }
  });

  it('a database that is busy or unreachable is recognized by isBusy (503 + Retry-After), a bug is not', async function () {
    this.timeout(30_000);
    const s = await pg.newStore();
    const u = await user(s, 'busy');
    const holder = new Client({ connectionString: await urlOf(s) });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('LOCK TABLE tokens IN ACCESS EXCLUSIVE MODE');
      const err = await token(s, u.id).then(() => undefined, (e: unknown) => e);
      assert.ok(err, 'the write waited for the lock and gave up');
      assert.equal(s.isBusy(err), true, String(err));
    } finally {
      await holder.query('ROLLBACK');
      await holder.end();
    }
    assert.equal(s.isBusy(new Error('boom')), false);
    assert.equal(s.isBusy(new UniqueViolation('login')), false);
    const closedPort = pg.server.url.replace(/:\d+\//, ':1/');
    const unreachable = await pg.openStore(closedPort).then(() => undefined, (e: unknown) => e);
    assert.equal(s.isBusy(unreachable), true, String(unreachable));
  });

  describe('data at rest', () => {
    it('stores TOTP secrets encrypted under the shared data key; a replica with another key is refused', async () => {
      const url = await pg.newDatabase();
      const shared = memoryKeySource();
      const [a, b] = await Promise.all([openPostgresStore(url, { dataKey: shared }), openPostgresStore(url, { dataKey: shared })]);
      try {
        await assert.rejects(openPostgresStore(url, { dataKey: memoryKeySource() }), /needs the same key/, 'even before any secret is stored');
        const u = await user(a, 'sealed');
        await a.twoFactor.beginSetup(u.id, 'JBSWY3DPEHPK3PXP', T0);
        const raw = String((await a.pool.query('SELECT secret FROM two_factor WHERE user_id = $1', [u.id])).rows[0].secret);
        assert.match(raw, /^v1:/);
        assert.doesNotMatch(raw, /JBSWY3DPEHPK3PXP/);
        assert.equal((await b.twoFactor.get(u.id))?.secret, 'JBSWY3DPEHPK3PXP', 'the other replica opens it with the same key');
        await assert.rejects(openPostgresStore(url, { dataKey: memoryKeySource() }), /the PostgreSQL database at 127\.0\.0\.1:\d+\/t\d+_\d+ belongs to a data key that is not in the test key: every provider sharing it needs the same key/);
      } finally {
        await a.close();
        await b.close();
      }
    });
  });

  it('a rate-limit hit or refund or an audit event whose answer was lost is not sent again (it ran once); a read is', async () => {
    const url = await pg.newDatabase();
    const proxy = await startPostgresProxy(Number(new URL(url).port));
    const s = await pg.openStore(proxy.via(url));
    try {
      const lost = (err: unknown) => /Connection terminated unexpectedly/.test(String(err)) && s.isBusy(err);
      proxy.loseAnswerTo('INSERT INTO rate_limits');
      await assert.rejects(s.rateLimits.hit('k', T0, 10), lost);
      assert.equal(await s.rateLimits.peek('k', T0), 1, 'the hit counted once');
      assert.equal((await s.rateLimits.hit('k', T0, 10)).used, 2);
      proxy.loseAnswerTo('UPDATE rate_limits SET used = used - 1');
      await assert.rejects(s.rateLimits.refund('k', T0), lost);
      assert.equal(await s.rateLimits.peek('k', T0), 1, 'refunded once');
      const event = { action: 'test.event', createdAt: T0, actorId: null, actorLogin: null, userId: null, userLogin: null, orgId: null, orgLogin: null, tokenId: null, actorIp: null, data: {} };
      proxy.loseAnswerTo('INSERT INTO audit_events');
      await assert.rejects(s.audit.append(event), lost);
      assert.equal(await s.audit.count({}), 1, 'one event');
      proxy.loseAnswerTo('SELECT used FROM rate_limits');
      assert.equal(await s.rateLimits.peek('k', T0), 1, 'a read is sent again on another connection');
    } finally {
      await s.close();
      await proxy.close();
    }
  });

  describe('transactions', () => {
    it('commit together, roll back together, nest as savepoints, and refuse use after the end', async () => {
      const s = await pg.newStore();
      const u = await user(s, 'tx');
      await s.transaction(async (tx) => {
        await token(tx, u.id, 'a');
        await tx.users.update(u.id, { name: 'In tx', updatedAt: T0 });
      });
      assert.equal((await s.users.byId(u.id))?.name, 'In tx');
      await assert.rejects(
        s.transaction(async (tx) => {
          await token(tx, u.id, 'lost');
          // An expected failure inside the transaction keeps its type and does not poison it.
          await assert.rejects(user(tx, 'TX'), (e: unknown) => e instanceof UniqueViolation);
          await tx.users.update(u.id, { name: 'lost', updatedAt: T0 });
          throw new Error('roll back');
        }),
        /roll back/,
      );
      assert.equal((await s.users.byId(u.id))?.name, 'In tx');
      assert.deepEqual((await s.tokens.list({ userId: u.id })).map((t) => t.note), ['a']);
      let kept: PostgresStore | undefined;
      await s.transaction(async (tx) => {
        kept = tx;
        await assert.rejects(tx.transaction(async (inner) => { await token(inner, u.id, 'inner'); throw new Error('inner'); }), /inner/);
        await tx.transaction(async (inner) => { await token(inner, u.id, 'kept'); });
        assert.equal(tx.changeVersion(), undefined, 'no caching inside a transaction');
      });
      assert.deepEqual((await s.tokens.list({ userId: u.id })).map((t) => t.note), ['kept', 'a']);
      await assert.rejects(kept!.users.byId(u.id));
    });

    it('concurrent read-modify-write transactions lose no update (serializable, retried)', async () => {
      const s = await pg.newStore();
      const u = await user(s, 'rmw');
      const t = await token(s, u.id, '0');
      await Promise.all(
        Array.from({ length: 12 }, () =>
          s.transaction(async (tx) => {
            const now = await tx.tokens.byId(t.id);
            await tx.tokens.update(t.id, { note: String(Number(now!.note) + 1), updatedAt: T0 });
          }),
        ),
      );
      assert.equal((await s.tokens.byId(t.id))?.note, '12');
    });
  });

  describe('change version', () => {
    it("moves on this store's writes (not on its own last_used_at) and, within a second, on another replica's or another process's", async () => {
      const url = await pg.newDatabase();
      const [a, b] = await Promise.all([pg.openStore(url), pg.openStore(url)]);
      const other = new Client({ connectionString: url });
      await other.connect();
      try {
        const u = await user(a, 'gen');
        const t = await token(a, u.id);
        await new Promise((r) => setTimeout(r, 200)); // let a's own notifications arrive (ignored)
        const g0 = a.changeVersion();
        assert.equal(typeof g0, 'number');
        await a.tokens.touchLastUsed(t.id, new Date(), 60_000);
        await new Promise((r) => setTimeout(r, 200));
        assert.equal(a.changeVersion(), g0, 'its own last_used_at write keeps the version');
        await b.tokens.touchLastUsed(t.id, new Date(Date.now() + 120_000), 60_000);
        await new Promise((r) => setTimeout(r, 200));
        assert.equal(a.changeVersion(), g0, "another replica's last_used_at write keeps it too");
        await b.audit.append({ action: 'test.event', createdAt: T0, actorId: u.id, actorLogin: 'gen', userId: null, userLogin: null, orgId: null, orgLogin: null, tokenId: null, actorIp: null, data: {} });
        await a.audit.append({ action: 'test.event', createdAt: T0, actorId: u.id, actorLogin: 'gen', userId: null, userLogin: null, orgId: null, orgLogin: null, tokenId: null, actorIp: null, data: {} });
        await new Promise((r) => setTimeout(r, 200));
        assert.equal(a.changeVersion(), g0, 'audit appends (here or at another replica) keep it');
        await a.users.update(u.id, { name: 'x', updatedAt: T0 });
        const g1 = a.changeVersion();
        assert.notEqual(g1, g0, 'its own write moves it at once');
        await b.tokens.delete(t.id);
        assert.ok(await eventually(() => a.changeVersion() !== g1, 1000), "another replica's delete moves it within a second");
        const g2 = a.changeVersion();
        await other.query(`UPDATE organizations SET sso_required = TRUE`); // no rows: still a statement on a watched table
        await other.query(`UPDATE users SET name = 'psql' WHERE id = $1`, [u.id]);
        assert.ok(await eventually(() => a.changeVersion() !== g2, 1000), "another process's write moves it within a second");
      } finally {
        await other.end();
        await a.close();
        await b.close();
      }
    });

    it('is undefined while the listening connection is down, and moves once it is back', async () => {
      const s = await pg.newStore();
      const g0 = s.changeVersion();
      assert.equal(typeof g0, 'number');
      const admin = new Client({ connectionString: await urlOf(s) });
      await admin.connect();
      try {
        await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query = 'LISTEN tessera_changes'`);
      } finally {
        await admin.end();
      }
      assert.ok(await eventually(() => s.changeVersion() === undefined, 2000), 'undefined once the connection is lost');
      assert.ok(await eventually(() => typeof s.changeVersion() === 'number', 5000), 'listening again');
      assert.notEqual(s.changeVersion(), g0);
    });
  });
});

/**
 * Runs `n` calls of `call` while another connection holds the rows `lockSql` locks, releasing
 * them only once all `n` wait for that lock: the calls have all read their snapshot by then.
 */
async function behindRowLock<T>(s: PostgresStore, lockSql: string, args: unknown[], n: number, call: () => Promise<T>): Promise<T[]> {
  const holder = new Client({ connectionString: await urlOf(s) });
  await holder.connect();
  try {
    await holder.query('BEGIN');
    await holder.query(lockSql, args);
    const calls = Array.from({ length: n }, call);
    const end = Date.now() + 10_000;
    for (;;) {
      // Asked on another connection: inside the holder's transaction the view would not change.
      const { rows } = await s.pool.query(`SELECT COUNT(*) AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()`);
      if (Number(rows[0].n) >= n) break;
      if (Date.now() > end) throw new Error(`only ${rows[0].n} of ${n} calls waited for the lock`);
      await new Promise((r) => setTimeout(r, 10));
    }
    await holder.query('COMMIT');
    return await Promise.all(calls);
  } finally {
    await holder.end();
  }
}

async function urlOf(s: PostgresStore): Promise<string> {
  const r = await s.pool.query('SELECT current_database() AS db, inet_server_port() AS port');
  return `postgres://postgres@127.0.0.1:${r.rows[0].port}/${r.rows[0].db}`;
}
