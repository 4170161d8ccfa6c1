// Store contract: users, two-factor state, sign-in failures and the audit log.
import * as assert from 'node:assert/strict';
import { UniqueViolation } from '../../../src/provider/store/errors';
import { at, makeOrg, makeUser, MINUTE, StoreFactory, T0, withStore } from './fixtures';

async function rejectsUnique(p: Promise<unknown>, field: string): Promise<void> {
  await assert.rejects(p, (err: unknown) => err instanceof UniqueViolation && err.field === field);
}

export function accountStoreContract(makeStore: StoreFactory): void {
  describe('users', () => {
    const s = withStore(makeStore);

    it('creates a user and finds it by id, login and email (case-insensitively); unknown ones are undefined', async () => {
      const u = await s.store.users.create({ login: 'Mona', email: 'Mona@Example.test', name: 'Mona L', passwordHash: 'h', siteAdmin: false, createdAt: T0 });
      assert.equal(u.login, 'Mona');
      assert.equal(u.name, 'Mona L');
      assert.equal(u.twoFactorEnabled, false);
      assert.equal(u.createdAt.getTime(), T0.getTime());
      assert.deepEqual(await s.store.users.byId(u.id), u);
      assert.deepEqual(await s.store.users.byLogin('mONA'), u);
      assert.deepEqual(await s.store.users.byEmail('mona@example.TEST'), u);
      assert.equal(await s.store.users.byId(u.id + 1000), undefined);
      assert.equal(await s.store.users.byLogin('nobody'), undefined);
      assert.equal(await s.store.users.byEmail('nobody@example.test'), undefined);
      // A name from a URL may hold NUL (which PostgreSQL text cannot): it matches nothing.
      assert.equal(await s.store.users.byLogin('Mo\u0000na'), undefined);
      assert.equal(await s.store.users.byEmail('mona@example.test\u0000'), undefined);
      assert.equal(await s.store.organizations.byLogin('a\u0000b'), undefined);
      assert.equal(await s.store.users.count(), 1);
      const other = await makeUser(s.store);
      assert.deepEqual((await s.store.users.byIds([other.id, u.id + 1000, u.id])).map((x) => x.id).sort((a, b) => a - b), [u.id, other.id].sort((a, b) => a - b));
      assert.deepEqual(await s.store.users.byIds([]), []);
    });

    it('refuses a taken login or email (any case) with UniqueViolation naming the field', async () => {
      await s.store.users.create({ login: 'octo', email: 'octo@example.test', passwordHash: 'h', siteAdmin: false, createdAt: T0 });
      await rejectsUnique(s.store.users.create({ login: 'OCTO', email: 'other@example.test', passwordHash: 'h', siteAdmin: false, createdAt: T0 }), 'login');
      await rejectsUnique(s.store.users.create({ login: 'other', email: 'OCTO@example.test', passwordHash: 'h', siteAdmin: false, createdAt: T0 }), 'email');
      assert.equal(await s.store.users.count(), 1);
    });

    it('updates the given fields only; a taken email is UniqueViolation; an unknown id is undefined', async () => {
      const a = await makeUser(s.store);
      const b = await makeUser(s.store);
      const updated = await s.store.users.update(a.id, { name: 'New', updatedAt: at(MINUTE) });
      assert.equal(updated?.name, 'New');
      assert.equal(updated?.email, a.email);
      assert.equal(updated?.updatedAt.getTime(), at(MINUTE).getTime());
      const email = await s.store.users.update(a.id, { email: 'fresh@example.test', updatedAt: at(2 * MINUTE) });
      assert.equal(email?.email, 'fresh@example.test');
      assert.equal(email?.name, 'New');
      await rejectsUnique(s.store.users.update(a.id, { email: b.email.toUpperCase(), updatedAt: at(3 * MINUTE) }), 'email');
      assert.equal((await s.store.users.byId(a.id))?.email, 'fresh@example.test');
      assert.equal(await s.store.users.update(b.id + 1000, { name: 'x', updatedAt: T0 }), undefined);
    });

    it('replaces a password hash only while it is still the one given, leaving updated_at alone', async () => {
      const a = await makeUser(s.store);
      const before = (await s.store.users.byId(a.id))!;
      assert.equal(await s.store.users.replacePasswordHash(a.id, 'not the stored hash', 'h2'), false);
      assert.equal((await s.store.users.byId(a.id))?.passwordHash, before.passwordHash);
      assert.equal(await s.store.users.replacePasswordHash(a.id, before.passwordHash, 'h2'), true);
      const after = (await s.store.users.byId(a.id))!;
      assert.equal(after.passwordHash, 'h2');
      assert.equal(after.updatedAt.getTime(), before.updatedAt.getTime());
      assert.equal(await s.store.users.replacePasswordHash(a.id, before.passwordHash, 'h3'), false, 'changed meanwhile');
      assert.equal(await s.store.users.replacePasswordHash(a.id + 1000, 'h2', 'h3'), false, 'no such user');
      const [x, y] = await Promise.all([s.store.users.replacePasswordHash(a.id, 'h2', 'x'), s.store.users.replacePasswordHash(a.id, 'h2', 'y')]);
      assert.equal(Number(x) + Number(y), 1, 'two at once: one wins');
    });

    it('createFirstIsAdmin makes exactly one site admin, even when several sign up at once', async () => {
      const made = await Promise.all(
        Array.from({ length: 8 }, (_, i) => s.store.users.createFirstIsAdmin({ login: `first${i}`, email: `first${i}@example.test`, passwordHash: 'h', createdAt: T0 })),
      );
      assert.equal(made.filter((u) => u.siteAdmin).length, 1);
      assert.equal(await s.store.users.count(), 8);
    });

    it('createFirst makes only the first user, as site admin, even when several sign up at once; then nothing', async () => {
      const made = await Promise.all(
        Array.from({ length: 8 }, (_, i) => s.store.users.createFirst({ login: `only${i}`, email: `only${i}@example.test`, passwordHash: 'h', createdAt: T0 })),
      );
      assert.deepEqual(made.filter((u) => u !== undefined).map((u) => u.siteAdmin), [true]);
      assert.equal(await s.store.users.count(), 1);
      assert.equal(await s.store.users.createFirst({ login: 'later', email: 'later@example.test', passwordHash: 'h', createdAt: T0 }), undefined);
      assert.equal(await s.store.users.byLogin('later'), undefined);
    });
  });

  describe('two-factor', () => {
    const s = withStore(makeStore);

    it('setup, enable with recovery codes, replay-safe time steps, single-use codes, disable', async () => {
      const u = await makeUser(s.store);
      assert.equal(await s.store.twoFactor.get(u.id), undefined);
      assert.equal(await s.store.twoFactor.enable(u.id, 'JBSWY3DPEHPK3PXP', 10, ['c1'], T0), false, 'no setup yet');
      await s.store.twoFactor.beginSetup(u.id, 'JBSWY3DPEHPK3PXP', T0);
      const pending = await s.store.twoFactor.get(u.id);
      assert.equal(pending?.enabled, false);
      assert.equal(pending?.secret, 'JBSWY3DPEHPK3PXP');
      assert.equal((await s.store.users.byId(u.id))?.twoFactorEnabled, false, 'setup alone does not count');
      assert.equal(await s.store.twoFactor.enable(u.id, 'JBSWY3DPEHPK3PXP', 10, ['d1', 'd2', 'd3'], at(MINUTE)), true);
      assert.equal(await s.store.twoFactor.enable(u.id, 'JBSWY3DPEHPK3PXP', 11, ['d4'], at(MINUTE)), false, 'already enabled');
      const on = await s.store.twoFactor.get(u.id);
      assert.equal(on?.enabled, true);
      assert.equal(on?.lastTimeStep, 10);
      assert.equal(on?.enabledAt?.getTime(), at(MINUTE).getTime());
      assert.equal((await s.store.users.byId(u.id))?.twoFactorEnabled, true);
      assert.equal(await s.store.twoFactor.remainingRecoveryCodes(u.id), 3);

      assert.equal(await s.store.twoFactor.acceptTimeStep(u.id, 10), false, 'not after the last step');
      assert.equal(await s.store.twoFactor.acceptTimeStep(u.id, 12), true);
      assert.equal(await s.store.twoFactor.acceptTimeStep(u.id, 11), false);

      assert.equal(await s.store.twoFactor.useRecoveryCode(u.id, 'd2', T0), true);
      assert.equal(await s.store.twoFactor.useRecoveryCode(u.id, 'd2', T0), false, 'single use');
      assert.equal(await s.store.twoFactor.useRecoveryCode(u.id, 'nope', T0), false);
      assert.equal(await s.store.twoFactor.remainingRecoveryCodes(u.id), 2);

      assert.equal(await s.store.twoFactor.replaceRecoveryCodes(u.id, ['n1', 'n2', 'n3', 'n4']), true);
      assert.equal(await s.store.twoFactor.remainingRecoveryCodes(u.id), 4, 'used and unused codes alike replaced');
      assert.equal(await s.store.twoFactor.useRecoveryCode(u.id, 'd3', T0), false, 'an old unused code is gone');
      assert.equal(await s.store.twoFactor.useRecoveryCode(u.id, 'n1', T0), true);
      assert.equal(await s.store.twoFactor.remainingRecoveryCodes(u.id), 3);

      assert.equal(await s.store.twoFactor.disable(u.id), true);
      assert.equal(await s.store.twoFactor.disable(u.id), false);
      assert.equal(await s.store.twoFactor.get(u.id), undefined);
      assert.equal(await s.store.twoFactor.remainingRecoveryCodes(u.id), 0);
      assert.equal((await s.store.users.byId(u.id))?.twoFactorEnabled, false);
      assert.equal(await s.store.twoFactor.replaceRecoveryCodes(u.id, ['x1']), false, 'no codes without 2FA');
      assert.equal(await s.store.twoFactor.remainingRecoveryCodes(u.id), 0);
    });

    it('enable confirms only the setup whose secret the code was checked against: not one begun again meanwhile', async () => {
      const u = await makeUser(s.store);
      await s.store.twoFactor.beginSetup(u.id, 'JBSWY3DPEHPK3PXP', T0);
      const confirmed = (await s.store.twoFactor.get(u.id))!.secret;
      // Setup begun again (another tab, another replica) between the code's check and enable.
      await s.store.twoFactor.beginSetup(u.id, 'KRSXG5CTMVRXEZLU', T0);
      assert.equal(await s.store.twoFactor.enable(u.id, confirmed, 10, ['d1'], at(MINUTE)), false);
      const pending = await s.store.twoFactor.get(u.id);
      assert.deepEqual([pending?.enabled, pending?.secret], [false, 'KRSXG5CTMVRXEZLU'], 'the authenticator never saw this secret: it stays pending');
      assert.equal(await s.store.twoFactor.enable(u.id, 'KRSXG5CTMVRXEZLU', 10, ['d1'], at(MINUTE)), true);
    });

    it('beginSetup leaves enabled 2FA alone (a setup begun as another request enabled it): false', async () => {
      const u = await makeUser(s.store);
      assert.equal(await s.store.twoFactor.beginSetup(u.id, 'JBSWY3DPEHPK3PXP', T0), true);
      await s.store.twoFactor.enable(u.id, 'JBSWY3DPEHPK3PXP', 10, ['d1'], at(MINUTE));
      assert.equal(await s.store.twoFactor.beginSetup(u.id, 'KRSXG5CTMVRXEZLU', at(2 * MINUTE)), false);
      const on = await s.store.twoFactor.get(u.id);
      assert.deepEqual([on?.enabled, on?.secret, on?.lastTimeStep], [true, 'JBSWY3DPEHPK3PXP', 10]);
      assert.equal(await s.store.twoFactor.remainingRecoveryCodes(u.id), 1);
    });

    it('a time step or a recovery code is accepted once even when tried many times at once', async () => {
      const u = await makeUser(s.store);
      await s.store.twoFactor.beginSetup(u.id, 'JBSWY3DPEHPK3PXP', T0);
      await s.store.twoFactor.enable(u.id, 'JBSWY3DPEHPK3PXP', 1, ['r1'], T0);
      const steps = await Promise.all(Array.from({ length: 10 }, () => s.store.twoFactor.acceptTimeStep(u.id, 5)));
      assert.equal(steps.filter(Boolean).length, 1);
      const codes = await Promise.all(Array.from({ length: 10 }, () => s.store.twoFactor.useRecoveryCode(u.id, 'r1', T0)));
      assert.equal(codes.filter(Boolean).length, 1);
    });
  });

  describe('sign-in failures', () => {
    const s = withStore(makeStore);

    it('reserves attempts: failures plus open reservations never pass the threshold; locks at it; starts over after the lock or window', async () => {
      const f = s.store.signInFailures;
      const limits = { windowMs: 60 * MINUTE, threshold: 3, lockMs: 10 * MINUTE, reservationTtlMs: 5 * MINUTE };
      const atMin = (m: number) => at(m * MINUTE);
      const reserve = async (m: number, key = 'k') => {
        const r = await f.reserveAttempt(key, atMin(m), limits);
        assert.ok(r, `reserved at ${m}`);
        return r;
      };
      const [r1, r2, r3] = [await reserve(0), await reserve(0), await reserve(0)];
      assert.equal(await f.reserveAttempt('k', atMin(0), limits), undefined, 'three open reservations: no fourth');
      await reserve(0, 'other');
      await f.settleAttempt(r1, 'failure', atMin(0), limits);
      assert.equal((await f.get('k'))?.count, 1);
      assert.equal((await f.get('k'))?.lockedUntil, null);
      assert.equal(await f.reserveAttempt('k', atMin(1), limits), undefined, 'one failure and two open reservations');
      await f.settleAttempt(r2, 'released', atMin(1), limits);
      assert.equal((await f.get('k'))?.count, 1, 'a released attempt does not count');
      const r4 = await reserve(1);
      await f.settleAttempt(r3, 'failure', atMin(1), limits);
      await f.settleAttempt(r4, 'failure', atMin(2), limits);
      const locked = await f.get('k');
      assert.equal(locked?.count, 3);
      assert.equal(locked?.lockedUntil?.toISOString(), atMin(12).toISOString());
      assert.equal(await f.reserveAttempt('k', atMin(5), limits), undefined, 'locked');
      const r5 = await reserve(13);
      await f.settleAttempt(r5, 'failure', atMin(13), limits);
      assert.equal((await f.get('k'))?.count, 1, 'a new count after the lock ended');
      assert.equal((await f.get('k'))?.lockedUntil, null);

      // A reservation left open (its process died) stops counting after reservationTtlMs; settled
      // late, it still counts, and a failure during a lock does not extend it.
      const stale = await reserve(20);
      await reserve(20);
      assert.equal(await f.reserveAttempt('k', atMin(21), limits), undefined, 'one failure and two open reservations');
      const [a, b] = [await reserve(26), await reserve(26)];
      assert.equal(await f.reserveAttempt('k', atMin(26), limits), undefined, 'the stale ones no longer count; these do');
      await f.settleAttempt(a, 'failure', atMin(26), limits);
      await f.settleAttempt(b, 'failure', atMin(26), limits);
      assert.equal((await f.get('k'))?.lockedUntil?.toISOString(), atMin(36).toISOString(), 'three failures in the window');
      await f.settleAttempt(stale, 'failure', atMin(27), limits);
      assert.equal((await f.get('k'))?.count, 4);
      assert.equal((await f.get('k'))?.lockedUntil?.toISOString(), atMin(36).toISOString(), 'failures during a lock do not extend it');

      const late = await reserve(200);
      await f.settleAttempt(late, 'failure', atMin(200), limits);
      assert.equal((await f.get('k'))?.count, 1, 'window passed');
      const ok = await reserve(201);
      await f.settleAttempt(ok, 'success', atMin(201), limits);
      assert.equal(await f.get('k'), undefined, 'a success clears the count');
      await f.settleAttempt(await reserve(202), 'failure', atMin(202), limits);
      await f.clear('k');
      assert.equal(await f.get('k'), undefined);
    });

    it('prune forgets only counts no longer in force: ended windows and ended locks; open reservations still count', async () => {
      const f = s.store.signInFailures;
      const limits = { windowMs: 60 * MINUTE, threshold: 3, lockMs: 10 * MINUTE, reservationTtlMs: 5 * MINUTE };
      const atMin = (m: number) => at(m * MINUTE);
      const fail = async (key: string, m: number, times = 1) => {
        for (let i = 0; i < times; i++) await f.settleAttempt((await f.reserveAttempt(key, atMin(m), limits))!, 'failure', atMin(m), limits);
      };
      await fail('window-ended', 0);
      await fail('lock-ended', 0, 3);
      await fail('recent', 50);
      await fail('locked', 55, 3);
      const open = await f.reserveAttempt('open', atMin(58), limits);
      await f.reserveAttempt('open', atMin(58), limits);
      assert.ok(open);
      assert.equal(await f.prune(atMin(61), limits), 2);
      assert.equal(await f.get('window-ended'), undefined);
      assert.equal(await f.get('lock-ended'), undefined);
      assert.equal((await f.get('recent'))?.count, 1);
      assert.equal((await f.get('locked'))?.lockedUntil?.toISOString(), atMin(65).toISOString());
      assert.equal(await f.reserveAttempt('locked', atMin(61), limits), undefined, 'still locked');
      assert.ok(await f.reserveAttempt('open', atMin(61), limits), 'two open reservations: a third');
      assert.equal(await f.reserveAttempt('open', atMin(61), limits), undefined, 'the reservations kept count');
    });

    it('of many concurrent reservations for one key, exactly the threshold are granted', async () => {
      const limits = { windowMs: 10 * MINUTE, threshold: 10, lockMs: MINUTE, reservationTtlMs: MINUTE };
      const got = await Promise.all(Array.from({ length: 60 }, () => s.store.signInFailures.reserveAttempt('user:many', T0, limits)));
      assert.equal(got.filter(Boolean).length, 10);
      await Promise.all(got.filter((r) => r !== undefined).map((r) => s.store.signInFailures.settleAttempt(r!, 'failure', T0, limits)));
      const state = await s.store.signInFailures.get('user:many');
      assert.equal(state?.count, 10);
      assert.equal(state?.lockedUntil?.getTime(), T0.getTime() + MINUTE);
    });
  });

  describe('audit', () => {
    const s = withStore(makeStore);

    it('appends events and lists them newest first, by user involved, org, action, with limit and offset; counts what a list matches', async () => {
      const a = await makeUser(s.store);
      const b = await makeUser(s.store);
      const org = await makeOrg(s.store, a.id);
      const base = { actorLogin: null, userLogin: null, orgId: null, orgLogin: null, tokenId: null, actorIp: null, data: {} };
      const e1 = await s.store.audit.append({ ...base, action: 'user.login', createdAt: T0, actorId: a.id, actorLogin: a.login, userId: a.id, userLogin: a.login, actorIp: '127.0.0.1' });
      const e2 = await s.store.audit.append({ ...base, action: 'org.add_member', createdAt: at(1), actorId: a.id, userId: b.id, orgId: org.id, orgLogin: org.login, data: { role: 'member', nested: { n: 1 } } });
      const e3 = await s.store.audit.append({ ...base, action: 'user.login', createdAt: at(2), actorId: b.id, userId: b.id, tokenId: 7 });
      assert.ok(e1.id < e2.id && e2.id < e3.id);
      assert.deepEqual(e2.data, { role: 'member', nested: { n: 1 } });
      assert.equal(e1.actorIp, '127.0.0.1');
      const ids = (events: { id: number }[]) => events.map((e) => e.id);
      assert.deepEqual(ids(await s.store.audit.list({ limit: 10, offset: 0 })), [e3.id, e2.id, e1.id]);
      assert.deepEqual(ids(await s.store.audit.list({ involvingUserId: b.id, limit: 10, offset: 0 })), [e3.id, e2.id]);
      assert.deepEqual(ids(await s.store.audit.list({ involvingUserId: a.id, limit: 10, offset: 0 })), [e2.id, e1.id]);
      assert.deepEqual(ids(await s.store.audit.list({ orgId: org.id, limit: 10, offset: 0 })), [e2.id]);
      assert.deepEqual(ids(await s.store.audit.list({ action: 'user.login', limit: 10, offset: 0 })), [e3.id, e1.id]);
      assert.deepEqual(ids(await s.store.audit.list({ limit: 1, offset: 1 })), [e2.id]);
      assert.deepEqual(ids(await s.store.audit.list({ tokenId: 7, limit: 10, offset: 0 })), [e3.id]);
      assert.equal(await s.store.audit.count({ tokenId: 7, involvingUserId: a.id }), 0);
      assert.equal(await s.store.audit.count({}), 3);
      assert.equal(await s.store.audit.count({ involvingUserId: b.id }), 2);
      assert.equal(await s.store.audit.count({ action: 'user.login', idBelow: e3.id }), 1);
      assert.equal(await s.store.audit.count({ orgId: org.id, action: 'user.login' }), 0);
      const [last] = await s.store.audit.list({ limit: 1, offset: 0 });
      assert.deepEqual(last, e3);
    });
  });
}
