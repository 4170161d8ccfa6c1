// Store contract: the approval queue (requests of fine-grained tokens for an org) and grants.
import * as assert from 'node:assert/strict';
import type { NewToken, Store } from '../../../src/provider/store/store';
import type { TokenRequestTokenFilter } from '../../../src/provider/store/token-requests';
import { at, makeOrg, makeToken, makeUser, MINUTE, StoreFactory, T0, withStore } from './fixtures';

async function setup(store: Store) {
  const owner = await makeUser(store);
  const dev = await makeUser(store);
  const org = await makeOrg(store, owner.id);
  const fg = () => makeToken(store, dev.id, { kind: 'fine_grained', resourceOwnerType: 'Organization', resourceOwnerId: org.id, repositorySelection: 'all', permissions: {}, status: 'pending' });
  return { owner, dev, org, fg };
}

export function approvalStoreContract(makeStore: StoreFactory): void {
  describe('token requests and grants', () => {
    const s = withStore(makeStore);

    it("opens a request (cancelling the token's earlier pending one), reads it within its org, lists with filters", async () => {
      const { dev, org, fg, owner } = await setup(s.store);
      const other = await makeOrg(s.store, owner.id);
      const t = await fg();
      const r1 = await s.store.tokenRequests.create({ orgId: org.id, tokenId: t.id, userId: dev.id, justification: 'ci', createdAt: T0 });
      assert.deepEqual(
        { status: r1.status, justification: r1.justification, reviewerId: r1.reviewerId, reviewedAt: r1.reviewedAt },
        { status: 'pending', justification: 'ci', reviewerId: null, reviewedAt: null },
      );
      const r2 = await s.store.tokenRequests.create({ orgId: org.id, tokenId: t.id, userId: dev.id, justification: null, createdAt: at(1) });
      assert.equal((await s.store.tokenRequests.byId(org.id, r1.id))?.status, 'cancelled');
      assert.equal(await s.store.tokenRequests.byId(other.id, r2.id), undefined, 'another org does not see it');
      const t2 = await fg();
      const r3 = await s.store.tokenRequests.create({ orgId: org.id, tokenId: t2.id, userId: dev.id, justification: null, createdAt: at(2) });
      const ids = async (q: Parameters<Store['tokenRequests']['list']>[0]) => (await s.store.tokenRequests.list(q)).map((r) => r.id);
      assert.deepEqual(await ids({ orgId: org.id }), [r1.id, r2.id, r3.id]);
      assert.deepEqual(await ids({ orgId: org.id, status: 'pending' }), [r2.id, r3.id]);
      assert.deepEqual(await ids({ tokenId: t2.id }), [r3.id]);
      assert.deepEqual(await ids({ userId: owner.id }), []);
      assert.equal(await s.store.tokenRequests.cancelPending(t2.id, at(3)), 1);
      assert.equal(await s.store.tokenRequests.cancelPending(t2.id, at(3)), 0);
    });

    it('lists a page of requests oldest or newest first and counts them', async () => {
      const { dev, org, fg, owner } = await setup(s.store);
      const other = await makeOrg(s.store, owner.id);
      const made = [];
      for (let i = 0; i < 5; i++) made.push(await s.store.tokenRequests.create({ orgId: org.id, tokenId: (await fg()).id, userId: dev.id, justification: null, createdAt: at(i) }));
      await s.store.tokenRequests.create({ orgId: other.id, tokenId: (await fg()).id, userId: dev.id, justification: null, createdAt: at(9) });
      await s.store.tokenRequests.cancelPending(made[2].tokenId, at(10));
      const pending = [made[0].id, made[1].id, made[3].id, made[4].id];
      const ids = async (q: Parameters<Store['tokenRequests']['list']>[0]) => (await s.store.tokenRequests.list(q)).map((r) => r.id);
      const queue = { orgId: org.id, status: 'pending' as const };
      assert.deepEqual(await ids({ ...queue, limit: 2, offset: 1 }), pending.slice(1, 3));
      assert.deepEqual(await ids({ ...queue, descending: true }), [...pending].reverse());
      assert.deepEqual(await ids({ ...queue, descending: true, limit: 3, offset: 2 }), [pending[1], pending[0]]);
      assert.deepEqual(await ids({ ...queue, limit: 2, offset: 4 }), []);
      assert.equal(await s.store.tokenRequests.count(queue), 4);
      assert.equal(await s.store.tokenRequests.count({ ...queue, limit: 1, offset: 3 }), 4, 'limit and offset aside');
      assert.equal(await s.store.tokenRequests.count({ orgId: org.id }), 5);
      assert.equal(await s.store.tokenRequests.count({ orgId: org.id, status: 'approved' }), 0);
    });

    it('filters the queue in the query: requester, token, repository, permission and last use; pages and counts what passes', async () => {
      const { owner, dev, org } = await setup(s.store);
      const other = await makeUser(s.store);
      const repo = await s.store.repositories.create({ ownerType: 'Organization', ownerId: org.id, name: 'web', private: true, createdBy: owner.id, createdAt: T0 });
      const elsewhere = await s.store.repositories.create({ ownerType: 'Organization', ownerId: org.id, name: 'api', private: true, createdBy: owner.id, createdAt: T0 });
      const fg = async (userId: number, over: Partial<NewToken>) => {
        const t = await makeToken(s.store, userId, { kind: 'fine_grained', resourceOwnerType: 'Organization', resourceOwnerId: org.id, status: 'pending', ...over });
        const r = await s.store.tokenRequests.create({ orgId: org.id, tokenId: t.id, userId, justification: null, createdAt: T0 });
        return { t, r };
      };
      const all = await fg(dev.id, { repositorySelection: 'all', permissions: { repository: { contents: 'read' } } });
      const subset = await fg(dev.id, { repositorySelection: 'subset', permissions: { organization: { members: 'read' }, repository: { issues: 'write' } } });
      await s.store.fineGrainedTokens.setRepositories(subset.t.id, [repo.id]);
      const subsetElsewhere = await fg(other.id, { repositorySelection: 'subset', permissions: { repository: { contents: 'write' } } });
      await s.store.fineGrainedTokens.setRepositories(subsetElsewhere.t.id, [elsewhere.id]);
      const none = await fg(other.id, { repositorySelection: 'none', permissions: { account: { email_addresses: 'read' } } });
      const noPermissions = await fg(other.id, { repositorySelection: 'all', permissions: null });
      await s.store.tokens.touchLastUsed(all.t.id, at(10 * MINUTE), 0);
      await s.store.tokens.touchLastUsed(subset.t.id, at(20 * MINUTE), 0);
      const queue = { orgId: org.id, status: 'pending' as const };
      const ids = async (token: TokenRequestTokenFilter, page: { limit?: number; offset?: number; descending?: boolean } = {}) =>
        (await s.store.tokenRequests.list({ ...queue, ...page, token })).map((r) => r.id);
      const count = (token: TokenRequestTokenFilter) => s.store.tokenRequests.count({ ...queue, token, limit: 1, offset: 1 });

      assert.deepEqual(await ids({}), [all.r.id, subset.r.id, subsetElsewhere.r.id, none.r.id, noPermissions.r.id], 'an empty filter lets every request through');
      assert.deepEqual(await ids({ userIds: [dev.id] }), [all.r.id, subset.r.id]);
      assert.deepEqual(await ids({ userIds: [] }), [], 'no users: none');
      assert.deepEqual(await ids({ tokenIds: [none.t.id, all.t.id] }), [all.r.id, none.r.id]);
      assert.deepEqual(await ids({ tokenIds: [] }), []);
      assert.deepEqual(await ids({ repositoryId: repo.id }), [all.r.id, subset.r.id, noPermissions.r.id], "all repositories, or a subset holding it; never 'none'");
      assert.deepEqual(await ids({ repositoryId: elsewhere.id }), [all.r.id, subsetElsewhere.r.id, noPermissions.r.id]);
      assert.deepEqual(await ids({ permission: 'contents' }), [all.r.id, subsetElsewhere.r.id], 'in any group, at any level');
      assert.deepEqual(await ids({ permission: 'members' }), [subset.r.id]);
      assert.deepEqual(await ids({ permission: 'email_addresses' }), [none.r.id]);
      assert.deepEqual(await ids({ permission: 'repository' }), [], 'a group is not a permission');
      assert.deepEqual(await ids({ lastUsedBefore: at(15 * MINUTE) }), [all.r.id], 'never used: not before');
      assert.deepEqual(await ids({ lastUsedAfter: at(15 * MINUTE) }), [subset.r.id], 'never used: not after');
      assert.deepEqual(await ids({ lastUsedAfter: at(10 * MINUTE) }), [subset.r.id], 'after is strict');
      assert.deepEqual(await ids({ userIds: [dev.id, other.id], repositoryId: repo.id, permission: 'issues' }), [subset.r.id], 'every field given must hold');

      // A page of what passes, either way round, counted apart from the page.
      const contents = { permission: 'contents', userIds: [dev.id, other.id] };
      assert.deepEqual(await ids({ repositoryId: repo.id }, { limit: 2, offset: 1 }), [subset.r.id, noPermissions.r.id]);
      assert.deepEqual(await ids({ repositoryId: repo.id }, { descending: true, limit: 2 }), [noPermissions.r.id, subset.r.id]);
      assert.deepEqual(await ids(contents, { limit: 1, offset: 1 }), [subsetElsewhere.r.id]);
      assert.deepEqual(await ids(contents, { limit: 5, offset: 2 }), []);
      assert.equal(await count(contents), 2);
      assert.equal(await count({ repositoryId: repo.id }), 3);
      assert.equal(await count({ userIds: [] }), 0);

      // Only pending requests of this org: a reviewed one, or one of another org, never passes.
      await s.store.tokenRequests.review([all.r.id], org.id, { approve: true, reason: null, reviewerId: owner.id, now: at(30 * MINUTE) });
      const otherOrg = await makeOrg(s.store, owner.id);
      await s.store.tokenRequests.create({ orgId: otherOrg.id, tokenId: subsetElsewhere.t.id, userId: other.id, justification: null, createdAt: T0 });
      assert.deepEqual(await ids({ permission: 'contents' }), [], 'the token moved its request to another org; the approved one is no longer pending');
      const inOtherOrg = await s.store.tokenRequests.list({ orgId: otherOrg.id, status: 'pending', token: { permission: 'contents' } });
      assert.deepEqual(inOtherOrg.map((r) => r.tokenId), [subsetElsewhere.t.id]);
    });

    it('reviews all of the given pending requests or none; approving records grants', async () => {
      const { owner, dev, org, fg } = await setup(s.store);
      const [t1, t2, t3] = [await fg(), await fg(), await fg()];
      const open = (tokenId: number) => s.store.tokenRequests.create({ orgId: org.id, tokenId, userId: dev.id, justification: null, createdAt: T0 });
      const [r1, r2, r3] = [await open(t1.id), await open(t2.id), await open(t3.id)];
      const approved = await s.store.tokenRequests.review([r1.id, r2.id], org.id, { approve: true, reason: 'ok', reviewerId: owner.id, now: at(5) });
      assert.deepEqual(approved?.map((r) => [r.id, r.status, r.reviewReason, r.reviewerId]), [[r1.id, 'approved', 'ok', owner.id], [r2.id, 'approved', 'ok', owner.id]]);
      assert.equal((await s.store.tokenRequests.byId(org.id, r2.id))?.reviewedAt?.getTime(), at(5).getTime());
      assert.deepEqual(await s.store.tokenRequests.grantOf(t1.id), { tokenId: t1.id, orgId: org.id, grantedAt: at(5), grantedBy: owner.id });
      assert.equal(
        await s.store.tokenRequests.review([r3.id, r1.id], org.id, { approve: false, reason: null, reviewerId: owner.id, now: at(6) }),
        undefined,
        'one is no longer pending: none is reviewed',
      );
      assert.equal((await s.store.tokenRequests.byId(org.id, r3.id))?.status, 'pending');
      const denied = await s.store.tokenRequests.review([r3.id], org.id, { approve: false, reason: 'no', reviewerId: owner.id, now: at(7) });
      assert.equal(denied?.[0].status, 'denied');
      assert.equal(await s.store.tokenRequests.grantOf(t3.id), undefined);
      assert.deepEqual(await s.store.tokenRequests.review([], org.id, { approve: true, reason: null, reviewerId: owner.id, now: at(8) }), []);
    });

    it('a request reviewed by two owners at once is reviewed once', async () => {
      const { owner, dev, org, fg } = await setup(s.store);
      const t = await fg();
      const r = await s.store.tokenRequests.create({ orgId: org.id, tokenId: t.id, userId: dev.id, justification: null, createdAt: T0 });
      const both = await Promise.all([
        s.store.tokenRequests.review([r.id], org.id, { approve: true, reason: null, reviewerId: owner.id, now: at(1) }),
        s.store.tokenRequests.review([r.id], org.id, { approve: false, reason: null, reviewerId: owner.id, now: at(1) }),
      ]);
      assert.equal(both.filter((x) => x !== undefined).length, 1);
    });

    it('grants directly, moves a grant to another org, lists newest first and revokes', async () => {
      const { owner, org, fg } = await setup(s.store);
      const org2 = await makeOrg(s.store, owner.id);
      const [t1, t2] = [await fg(), await fg()];
      for (const t of [t1, t2]) await s.store.tokens.update(t.id, { status: 'active', updatedAt: T0 });
      await s.store.tokenRequests.grant({ tokenId: t1.id, orgId: org.id, grantedAt: T0, grantedBy: null });
      await s.store.tokenRequests.grant({ tokenId: t2.id, orgId: org.id, grantedAt: at(1), grantedBy: owner.id });
      const grants = async (orgId: number) => (await s.store.tokenRequests.grants({ orgId, descending: true })).map((g) => g.tokenId);
      assert.deepEqual(await grants(org.id), [t2.id, t1.id]);
      await s.store.tokenRequests.grant({ tokenId: t1.id, orgId: org2.id, grantedAt: at(2), grantedBy: owner.id });
      assert.deepEqual(await grants(org.id), [t2.id]);
      assert.equal((await s.store.tokenRequests.grantOf(t1.id))?.orgId, org2.id);
      assert.equal(await s.store.tokenRequests.revokeGrant(t1.id), true);
      assert.equal(await s.store.tokenRequests.revokeGrant(t1.id), false);
      assert.equal(await s.store.tokenRequests.grantOf(t1.id), undefined);
    });

    it("lists only the grants in force (an active fine-grained token of the org), filtered, paged and counted in the query", async () => {
      const { owner, dev, org } = await setup(s.store);
      const other = await makeUser(s.store);
      const repo = await s.store.repositories.create({ ownerType: 'Organization', ownerId: org.id, name: 'web', private: true, createdBy: owner.id, createdAt: T0 });
      let minute = 0;
      const granted = async (userId: number, over: Partial<NewToken>) => {
        const t = await makeToken(s.store, userId, { kind: 'fine_grained', resourceOwnerType: 'Organization', resourceOwnerId: org.id, status: 'active', ...over });
        await s.store.tokenRequests.grant({ tokenId: t.id, orgId: org.id, grantedAt: at(++minute * MINUTE), grantedBy: owner.id });
        return t;
      };
      const all = await granted(dev.id, { repositorySelection: 'all', permissions: { repository: { contents: 'read' } } });
      const subset = await granted(dev.id, { repositorySelection: 'subset', permissions: { organization: { members: 'read' } } });
      await s.store.fineGrainedTokens.setRepositories(subset.id, [repo.id]);
      const none = await granted(other.id, { repositorySelection: 'none', permissions: { repository: { contents: 'write' } } });
      const used = await granted(other.id, { repositorySelection: 'all', permissions: null });
      await s.store.tokens.touchLastUsed(used.id, at(30 * MINUTE), 0);
      // Grants no longer in force: the token revoked, or moved to another resource owner.
      const revoked = await granted(dev.id, { repositorySelection: 'all', permissions: {} });
      await s.store.tokens.update(revoked.id, { status: 'revoked', updatedAt: T0 });
      const moved = await granted(dev.id, { repositorySelection: 'all', permissions: {} });
      await s.store.fineGrainedTokens.changeResourceOwner(moved.id, {
        resourceOwnerType: 'User', resourceOwnerId: dev.id, repositorySelection: 'all', repositoryIds: [], status: 'active', statusReason: null, updatedAt: T0,
      });

      const ids = async (token: TokenRequestTokenFilter, page: { limit?: number; offset?: number; descending?: boolean } = {}) =>
        (await s.store.tokenRequests.grants({ orgId: org.id, descending: page.descending ?? false, token, ...page })).map((g) => g.tokenId);
      const count = (token: TokenRequestTokenFilter) => s.store.tokenRequests.grantCount({ orgId: org.id, descending: true, token, limit: 1, offset: 1 });
      assert.deepEqual(await ids({}), [all.id, subset.id, none.id, used.id], 'oldest grant first; revoked and moved tokens left out');
      assert.deepEqual(await ids({}, { descending: true }), [used.id, none.id, subset.id, all.id]);
      assert.deepEqual(await ids({ userIds: [other.id] }), [none.id, used.id], "the token's owner");
      assert.deepEqual(await ids({ userIds: [] }), []);
      assert.deepEqual(await ids({ tokenIds: [used.id, revoked.id, all.id] }), [all.id, used.id]);
      assert.deepEqual(await ids({ repositoryId: repo.id }), [all.id, subset.id, used.id], "all repositories, or a subset holding it; never 'none'");
      assert.deepEqual(await ids({ permission: 'contents' }), [all.id, none.id], 'in any group, at any level');
      assert.deepEqual(await ids({ lastUsedAfter: at(20 * MINUTE) }), [used.id]);
      assert.deepEqual(await ids({ lastUsedBefore: at(20 * MINUTE) }), [], 'never used: not before');
      assert.deepEqual(await ids({ userIds: [dev.id], repositoryId: repo.id, permission: 'members' }), [subset.id], 'every field given must hold');
      assert.deepEqual(await ids({}, { limit: 2, offset: 1 }), [subset.id, none.id]);
      assert.deepEqual(await ids({ repositoryId: repo.id }, { descending: true, limit: 2, offset: 2 }), [all.id]);
      assert.equal(await count({}), 4, 'limit and offset aside');
      assert.equal(await count({ repositoryId: repo.id }), 3);
      assert.equal(await count({ userIds: [] }), 0);
      const otherOrg = await makeOrg(s.store, owner.id);
      assert.deepEqual(await s.store.tokenRequests.grants({ orgId: otherOrg.id, descending: true }), []);
      assert.equal(await s.store.tokenRequests.grantCount({ orgId: otherOrg.id, descending: true }), 0);
    });
  });
}
