// Store contract: organizations with their token policy, memberships, SSO credential authorizations.
import * as assert from 'node:assert/strict';
import { UniqueViolation } from '../../../src/provider/store/errors';
import { DEFAULT_TOKEN_POLICY } from '../../../src/provider/store/organizations';
import { at, makeOrg, makeToken, makeUser, MINUTE, StoreFactory, T0, withStore } from './fixtures';

const isLoginTaken = (e: unknown) => e instanceof UniqueViolation && e.field === 'login';

export function orgStoreContract(makeStore: StoreFactory): void {
  describe('organizations', () => {
    const s = withStore(makeStore);

    it('creates an org with the default policy and its creator as active owner; reads it by id, login (any case) and ids', async () => {
      const u = await makeUser(s.store);
      const org = await s.store.organizations.create({ login: 'Acme', name: 'Acme Inc', description: 'd', createdBy: u.id, createdAt: T0 });
      assert.equal(org.login, 'Acme');
      assert.equal(org.name, 'Acme Inc');
      assert.equal(org.createdBy, u.id);
      assert.deepEqual(org.policy, DEFAULT_TOKEN_POLICY);
      const owner = await s.store.memberships.get(org.id, u.id);
      assert.equal(owner?.role, 'owner');
      assert.equal(owner?.state, 'active');
      assert.deepEqual(await s.store.organizations.byId(org.id), org);
      assert.deepEqual(await s.store.organizations.byLogin('aCME'), org);
      const other = await makeOrg(s.store, u.id);
      assert.deepEqual((await s.store.organizations.byIds([other.id, org.id, org.id + 1000])).map((o) => o.id), [org.id, other.id].sort((a, b) => a - b));
      assert.deepEqual(await s.store.organizations.byIds([]), []);
      assert.equal(await s.store.organizations.byId(other.id + 1000), undefined);
      assert.equal(await s.store.organizations.byLogin('nope'), undefined);
    });

    it("refuses a login taken by an org or a user (any case), and a user login taken by an org, with UniqueViolation('login')", async () => {
      const u = await makeUser(s.store, 'mona');
      await s.store.organizations.create({ login: 'acme', createdBy: u.id, createdAt: T0 });
      await assert.rejects(s.store.organizations.create({ login: 'ACME', createdBy: u.id, createdAt: T0 }), isLoginTaken);
      await assert.rejects(s.store.organizations.create({ login: 'Mona', createdBy: u.id, createdAt: T0 }), isLoginTaken);
      await assert.rejects(makeUser(s.store, 'Acme'), isLoginTaken);
      assert.equal((await s.store.memberships.list({ userId: u.id })).length, 1, 'a refused org leaves no membership');
    });

    it('updates profile fields and policy fields given, leaving the others; an unknown id is undefined', async () => {
      const u = await makeUser(s.store);
      const org = await makeOrg(s.store, u.id);
      const up = await s.store.organizations.update(org.id, { name: 'N', updatedAt: at(1) });
      assert.equal(up?.name, 'N');
      assert.equal(up?.description, null);
      assert.equal(up?.updatedAt.getTime(), at(1).getTime());
      const p = await s.store.organizations.updatePolicy(org.id, { classicTokens: 'restricted', requireApproval: true, maxLifetimeClassicDays: 30, ssoRequired: true }, at(2));
      assert.deepEqual(p?.policy, { ...DEFAULT_TOKEN_POLICY, classicTokens: 'restricted', requireApproval: true, maxLifetimeClassicDays: 30, ssoRequired: true });
      const p2 = await s.store.organizations.updatePolicy(org.id, { maxLifetimeFineGrainedDays: 90, maxLifetimeClassicDays: null }, at(3));
      assert.equal(p2?.policy.maxLifetimeFineGrainedDays, 90);
      assert.equal(p2?.policy.maxLifetimeClassicDays, null);
      assert.equal(p2?.policy.requireApproval, true);
      assert.equal(await s.store.organizations.update(org.id + 1000, { name: 'x', updatedAt: T0 }), undefined);
      assert.equal(await s.store.organizations.updatePolicy(org.id + 1000, { ssoRequired: false }, T0), undefined);
    });
  });

  describe('memberships', () => {
    const s = withStore(makeStore);

    it('invites (pending), changes the role keeping the state, activates, lists oldest first with filters, counts and removes', async () => {
      const owner = await makeUser(s.store);
      const a = await makeUser(s.store);
      const b = await makeUser(s.store);
      const org = await makeOrg(s.store, owner.id);
      const inv = await s.store.memberships.upsert({ orgId: org.id, userId: a.id, role: 'member', invitedBy: owner.id, now: at(1) });
      assert.deepEqual(
        { role: inv.role, state: inv.state, invitedBy: inv.invitedBy },
        { role: 'member', state: 'pending', invitedBy: owner.id },
      );
      await s.store.memberships.upsert({ orgId: org.id, userId: b.id, role: 'member', invitedBy: owner.id, now: at(2) });
      const act = await s.store.memberships.activate(org.id, a.id, at(3));
      assert.equal(act?.state, 'active');
      const promoted = await s.store.memberships.upsert({ orgId: org.id, userId: a.id, role: 'owner', invitedBy: owner.id, now: at(4) });
      assert.equal(promoted.role, 'owner');
      assert.equal(promoted.state, 'active', 'a role change keeps the state');
      assert.deepEqual((await s.store.memberships.list({ orgId: org.id })).map((m) => m.userId), [owner.id, a.id, b.id]);
      assert.deepEqual((await s.store.memberships.list({ orgId: org.id, state: 'pending' })).map((m) => m.userId), [b.id]);
      assert.deepEqual((await s.store.memberships.list({ orgId: org.id, role: 'owner' })).map((m) => m.userId), [owner.id, a.id]);
      assert.deepEqual((await s.store.memberships.list({ orgId: org.id, limit: 1, offset: 1 })).map((m) => m.userId), [a.id]);
      assert.equal(await s.store.memberships.count({ orgId: org.id, state: 'active' }), 2);
      assert.equal(await s.store.memberships.count({ userId: b.id }), 1);
      assert.equal(await s.store.memberships.remove(org.id, b.id), true);
      assert.equal(await s.store.memberships.remove(org.id, b.id), false);
      assert.equal(await s.store.memberships.get(org.id, b.id), undefined);
      assert.equal(await s.store.memberships.activate(org.id, b.id, T0), undefined);
    });
  });

  describe('credential authorizations', () => {
    const s = withStore(makeStore);

    it('authorizes (and renews), reads, lists, touches at most once a minute, and removes per token or per user', async () => {
      const u = await makeUser(s.store);
      const v = await makeUser(s.store);
      const org = await makeOrg(s.store, u.id);
      const org2 = await makeOrg(s.store, u.id);
      const t = await makeToken(s.store, u.id);
      const t2 = await makeToken(s.store, v.id);
      const a = await s.store.credentialAuthorizations.authorize({ orgId: org.id, tokenId: t.id, userId: u.id, now: T0 });
      assert.deepEqual(a, { orgId: org.id, tokenId: t.id, userId: u.id, authorizedAt: T0, accessedAt: null });
      const renewed = await s.store.credentialAuthorizations.authorize({ orgId: org.id, tokenId: t.id, userId: u.id, now: at(MINUTE) });
      assert.equal(renewed.authorizedAt.getTime(), at(MINUTE).getTime());
      await s.store.credentialAuthorizations.authorize({ orgId: org2.id, tokenId: t.id, userId: u.id, now: at(2) });
      await s.store.credentialAuthorizations.authorize({ orgId: org.id, tokenId: t2.id, userId: v.id, now: at(3) });
      assert.deepEqual((await s.store.credentialAuthorizations.list(org.id)).map((x) => x.tokenId), [t2.id, t.id]);
      assert.deepEqual((await s.store.credentialAuthorizations.list(org.id, { userId: v.id })).map((x) => x.tokenId), [t2.id]);
      assert.deepEqual(await s.store.credentialAuthorizations.orgIdsForToken(t.id), [org.id, org2.id].sort((x, y) => x - y));

      await s.store.credentialAuthorizations.touch(org.id, t.id, at(2 * MINUTE));
      await s.store.credentialAuthorizations.touch(org.id, t.id, at(2 * MINUTE + 1000));
      assert.equal((await s.store.credentialAuthorizations.get(org.id, t.id))?.accessedAt?.getTime(), at(2 * MINUTE).getTime());
      await s.store.credentialAuthorizations.touch(org.id, t.id, at(3 * MINUTE));
      assert.equal((await s.store.credentialAuthorizations.get(org.id, t.id))?.accessedAt?.getTime(), at(3 * MINUTE).getTime());

      assert.equal(await s.store.credentialAuthorizations.remove(org2.id, t.id), true);
      assert.equal(await s.store.credentialAuthorizations.remove(org2.id, t.id), false);
      assert.equal(await s.store.credentialAuthorizations.removeForUser(org.id, v.id), 1);
      assert.equal(await s.store.credentialAuthorizations.get(org.id, t2.id), undefined);
      await s.store.tokens.delete(t.id);
      assert.deepEqual(await s.store.credentialAuthorizations.list(org.id), [], "a deleted token's authorizations go with it");
    });
  });
}
