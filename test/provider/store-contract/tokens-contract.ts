// Store contract: tokens of every kind, what fine-grained and account tokens add.
import * as assert from 'node:assert/strict';
import { UniqueViolation } from '../../../src/provider/store/errors';
import { at, digest, makeOrg, makeToken, makeUser, MINUTE, StoreFactory, T0, withStore } from './fixtures';

const ids = (rows: { id: number }[]) => rows.map((r) => r.id);

export function tokenStoreContract(makeStore: StoreFactory): void {
  describe('tokens', () => {
    const s = withStore(makeStore);

    it('creates a token and reads it by id, digest and digest with its user; unknown ones are undefined', async () => {
      const u = await makeUser(s.store);
      const hashed = digest();
      const t = await s.store.tokens.create({
        userId: u.id, kind: 'classic', note: 'ci', description: 'for ci', noteUrl: 'https://ci.example', clientId: null, fingerprint: 'fp',
        scopes: ['repo', 'read:org'], status: 'active', expiresAt: at(MINUTE), tokenLastEight: 'ABCDEFGH', hashedToken: hashed, createdAt: T0,
      });
      assert.equal(t.note, 'ci');
      assert.deepEqual(t.scopes, ['repo', 'read:org']);
      assert.equal(t.expiresAt?.getTime(), at(MINUTE).getTime());
      assert.equal(t.lastUsedAt, null);
      assert.equal(t.permissions, null);
      assert.deepEqual(await s.store.tokens.byId(t.id), t);
      assert.deepEqual(await s.store.tokens.byDigest(hashed), t);
      const both = await s.store.tokens.byDigestWithUser(hashed);
      assert.deepEqual(both?.token, t);
      assert.deepEqual(both?.user, u);
      assert.equal(await s.store.tokens.byId(t.id + 1000), undefined);
      assert.equal(await s.store.tokens.byDigest(digest()), undefined);
      assert.equal(await s.store.tokens.byDigestWithUser(digest()), undefined);
      const second = await makeToken(s.store, u.id);
      assert.deepEqual(ids(await s.store.tokens.byIds([second.id, t.id + 1000, t.id])), [t.id, second.id], 'those that exist, in id order');
      assert.deepEqual(await s.store.tokens.byIds([]), []);
    });

    it('reads summaries by ids: only the summary fields, as the full records have them, of those that exist, in id order', async () => {
      const u = await makeUser(s.store);
      const org = await makeOrg(s.store, u.id);
      const f = await makeToken(s.store, u.id, {
        kind: 'fine_grained', resourceOwnerType: 'Organization', resourceOwnerId: org.id, repositorySelection: 'subset',
        permissions: { repository: { contents: 'read' }, organization: { members: 'read' } }, status: 'pending', expiresAt: at(MINUTE),
      });
      await s.store.tokens.touchLastUsed(f.id, at(2 * MINUTE), 0);
      const c = await makeToken(s.store, u.id, { expiresAt: null });
      const summary = (id: number) => s.store.tokens.byId(id).then((t) => t && {
        id: t.id, userId: t.userId, note: t.note, repositorySelection: t.repositorySelection, permissions: t.permissions, expiresAt: t.expiresAt, lastUsedAt: t.lastUsedAt,
      });
      assert.deepEqual(await s.store.tokens.summariesByIds([c.id, f.id + 1000, f.id, c.id]), [await summary(f.id), await summary(c.id)]);
      assert.equal((await summary(f.id))?.lastUsedAt?.getTime(), at(2 * MINUTE).getTime());
      assert.deepEqual(await s.store.tokens.summariesByIds([]), []);
    });

    it('moves its change version on every committed write (or cannot tell: undefined)', async () => {
      const u = await makeUser(s.store);
      const before = s.store.changeVersion();
      await makeToken(s.store, u.id);
      const after = s.store.changeVersion();
      assert.ok(after === undefined || after !== before, `${before} → ${after}`);
      await s.store.transaction(async (tx) => {
        await tx.users.update(u.id, { name: 'x', updatedAt: T0 });
        assert.equal(tx.changeVersion(), undefined, 'a transaction cannot tell');
      });
      const committed = s.store.changeVersion();
      assert.ok(committed === undefined || committed !== after);
    });

    it('refuses a digest already in use with UniqueViolation(hashed_token)', async () => {
      const u = await makeUser(s.store);
      const t = await makeToken(s.store, u.id);
      await assert.rejects(makeToken(s.store, u.id, { hashedToken: t.hashedToken }), (e: unknown) => e instanceof UniqueViolation && e.field === 'hashed_token');
      assert.equal(await s.store.tokens.count({ userId: u.id }), 1);
    });

    it('lists and counts newest first by user, kind, status, resource owner and OAuth client, with limit and offset', async () => {
      const u = await makeUser(s.store);
      const other = await makeUser(s.store);
      const org = await makeOrg(s.store, u.id);
      const c1 = await makeToken(s.store, u.id);
      const c2 = await makeToken(s.store, u.id, { clientId: 'app1', status: 'revoked' });
      const f1 = await makeToken(s.store, u.id, { kind: 'fine_grained', resourceOwnerType: 'Organization', resourceOwnerId: org.id, repositorySelection: 'all', permissions: { repository: { contents: 'read' } }, status: 'pending' });
      await makeToken(s.store, other.id);
      assert.deepEqual(ids(await s.store.tokens.list({ userId: u.id })), [f1.id, c2.id, c1.id]);
      assert.equal(await s.store.tokens.count({ userId: u.id }), 3);
      assert.deepEqual(ids(await s.store.tokens.list({ userId: u.id, kind: 'classic' })), [c2.id, c1.id]);
      assert.deepEqual(ids(await s.store.tokens.list({ userId: u.id, statuses: ['active', 'pending'] })), [f1.id, c1.id]);
      assert.deepEqual(ids(await s.store.tokens.list({ resourceOwnerType: 'Organization', resourceOwnerId: org.id })), [f1.id]);
      assert.deepEqual((await s.store.tokens.byId(f1.id))?.permissions, { repository: { contents: 'read' } });
      assert.deepEqual(ids(await s.store.tokens.list({ userId: u.id, clientId: 'app1' })), [c2.id]);
      assert.deepEqual(ids(await s.store.tokens.list({ userId: u.id, clientId: null })), [f1.id, c1.id]);
      assert.deepEqual(ids(await s.store.tokens.list({ userId: u.id, limit: 1, offset: 1 })), [c2.id]);
      assert.equal(await s.store.tokens.count({ userId: u.id, kind: 'fine_grained', statuses: ['pending'] }), 1);
      // listShown: the same tokens, each as list has it less the secret's digest and the sudo window.
      for (const q of [{ userId: u.id }, { userId: u.id, kind: 'classic' as const, limit: 1, offset: 1 }, { resourceOwnerType: 'Organization' as const, resourceOwnerId: org.id }]) {
        const shown = await s.store.tokens.listShown(q);
        assert.deepEqual(shown, (await s.store.tokens.list(q)).map(({ hashedToken: _h, sudoUntil: _s, ...rest }) => rest));
        assert.ok(shown.every((t) => !('hashedToken' in t) && !('sudoUntil' in t)));
      }
    });

    it('lists and counts by several kinds and by the status callers see at a time (active or pending past expiry = expired)', async () => {
      const u = await makeUser(s.store);
      const now = at(10 * MINUTE);
      const live = await makeToken(s.store, u.id, { expiresAt: at(11 * MINUTE) });
      const forever = await makeToken(s.store, u.id, { expiresAt: null });
      const lapsed = await makeToken(s.store, u.id, { expiresAt: at(9 * MINUTE) });
      const dueNow = await makeToken(s.store, u.id, { expiresAt: now });
      const stored = await makeToken(s.store, u.id, { status: 'expired', expiresAt: at(11 * MINUTE) });
      const fg = { kind: 'fine_grained' as const, resourceOwnerType: 'User' as const, resourceOwnerId: u.id, repositorySelection: 'all' as const, permissions: {} };
      const waiting = await makeToken(s.store, u.id, { ...fg, status: 'pending', expiresAt: at(11 * MINUTE) });
      const waitedTooLong = await makeToken(s.store, u.id, { ...fg, status: 'pending', expiresAt: at(MINUTE) });
      const denied = await makeToken(s.store, u.id, { ...fg, status: 'denied', expiresAt: at(MINUTE) });
      const account = await makeToken(s.store, u.id, { kind: 'account', scopes: [] });
      const shown = (status: 'active' | 'pending' | 'denied' | 'expired' | 'revoked') => ({ userId: u.id, shownStatus: { status, now } });
      assert.deepEqual(ids(await s.store.tokens.list({ userId: u.id, kinds: ['classic', 'fine_grained'] })), [denied.id, waitedTooLong.id, waiting.id, stored.id, dueNow.id, lapsed.id, forever.id, live.id]);
      assert.equal(await s.store.tokens.count({ userId: u.id, kinds: ['classic', 'fine_grained'] }), 8);
      assert.deepEqual(ids(await s.store.tokens.list({ userId: u.id, kinds: ['account'] })), [account.id]);
      assert.deepEqual(ids(await s.store.tokens.list({ ...shown('expired'), kinds: ['classic', 'fine_grained'] })), [waitedTooLong.id, stored.id, dueNow.id, lapsed.id]);
      assert.deepEqual(ids(await s.store.tokens.list({ ...shown('active'), kinds: ['classic'] })), [forever.id, live.id]);
      assert.deepEqual(ids(await s.store.tokens.list(shown('pending'))), [waiting.id]);
      assert.deepEqual(ids(await s.store.tokens.list(shown('denied'))), [denied.id]);
      assert.equal(await s.store.tokens.count(shown('expired')), 4);
      assert.equal(await s.store.tokens.count(shown('revoked')), 0);
      assert.deepEqual(ids(await s.store.tokens.list({ ...shown('expired'), limit: 2, offset: 1 })), [stored.id, dueNow.id]);
    });

    it('finds a live token by name and fingerprint, or by OAuth client; revoked ones are not found', async () => {
      const u = await makeUser(s.store);
      const t = await makeToken(s.store, u.id, { note: 'deploy', fingerprint: null, clientId: 'app' });
      const fp = await makeToken(s.store, u.id, { note: 'deploy', fingerprint: 'laptop' });
      assert.equal((await s.store.tokens.findByNote(u.id, 'classic', 'deploy', null))?.id, t.id);
      assert.equal((await s.store.tokens.findByNote(u.id, 'classic', 'deploy', 'laptop'))?.id, fp.id);
      assert.equal(await s.store.tokens.findByNote(u.id, 'fine_grained', 'deploy', null), undefined);
      assert.equal((await s.store.tokens.findByClient(u.id, 'app', null))?.id, t.id);
      assert.equal(await s.store.tokens.findByClient(u.id, 'app', 'other'), undefined);
      await s.store.tokens.update(t.id, { status: 'revoked', updatedAt: T0 });
      assert.equal(await s.store.tokens.findByNote(u.id, 'classic', 'deploy', null), undefined);
      assert.equal(await s.store.tokens.findByClient(u.id, 'app', null), undefined);
    });

    it('updates the given fields only (null clears); an unknown id is undefined', async () => {
      const u = await makeUser(s.store);
      const t = await makeToken(s.store, u.id, { description: 'd', expiresAt: at(MINUTE) });
      const up = await s.store.tokens.update(t.id, { note: 'renamed', scopes: ['gist'], expiresAt: null, statusReason: 'why', updatedAt: at(5) });
      assert.equal(up?.note, 'renamed');
      assert.deepEqual(up?.scopes, ['gist']);
      assert.equal(up?.expiresAt, null);
      assert.equal(up?.statusReason, 'why');
      assert.equal(up?.description, 'd', 'not given: unchanged');
      assert.equal(up?.updatedAt.getTime(), at(5).getTime());
      const fg = await s.store.tokens.update(t.id, { permissions: { repository: { issues: 'write' } }, repositorySelection: 'all', justification: 'j', description: null, noteUrl: 'u', fingerprint: 'f', status: 'denied', updatedAt: at(6) });
      assert.deepEqual(fg?.permissions, { repository: { issues: 'write' } });
      assert.equal(fg?.repositorySelection, 'all');
      assert.equal(fg?.justification, 'j');
      assert.equal(fg?.description, null);
      assert.equal(fg?.status, 'denied');
      assert.equal(await s.store.tokens.update(t.id + 1000, { note: 'x', updatedAt: T0 }), undefined);
    });

    it('replaces the secret only while it is still the one given (optionally the expiry), keeping the id; a digest in use is UniqueViolation', async () => {
      const u = await makeUser(s.store);
      const t = await makeToken(s.store, u.id, { expiresAt: at(MINUTE) });
      const other = await makeToken(s.store, u.id);
      const next = digest();
      const r = await s.store.tokens.replaceSecret(t.id, { previousDigest: t.hashedToken, hashedToken: next, tokenLastEight: 'ZZZZZZZZ', updatedAt: at(1) });
      assert.equal(r?.id, t.id);
      assert.equal(r?.tokenLastEight, 'ZZZZZZZZ');
      assert.equal(r?.expiresAt?.getTime(), at(MINUTE).getTime(), 'expiry kept');
      assert.equal(await s.store.tokens.byDigest(t.hashedToken), undefined, 'the old secret is gone');
      assert.equal(
        await s.store.tokens.replaceSecret(t.id, { previousDigest: t.hashedToken, hashedToken: digest(), tokenLastEight: 'stale', updatedAt: at(2) }),
        undefined,
        'the secret is no longer the one given',
      );
      const r2 = await s.store.tokens.replaceSecret(t.id, { previousDigest: next, hashedToken: digest(), tokenLastEight: 'YYYYYYYY', expiresAt: null, updatedAt: at(2) });
      assert.equal(r2?.expiresAt, null);
      await assert.rejects(
        s.store.tokens.replaceSecret(t.id, { previousDigest: r2!.hashedToken, hashedToken: other.hashedToken, tokenLastEight: 'x', updatedAt: at(3) }),
        (e: unknown) => e instanceof UniqueViolation && e.field === 'hashed_token',
      );
      assert.equal(await s.store.tokens.replaceSecret(t.id + 1000, { previousDigest: t.hashedToken, hashedToken: digest(), tokenLastEight: 'x', updatedAt: T0 }), undefined);
      const racers = await Promise.all(
        Array.from({ length: 8 }, () => s.store.tokens.replaceSecret(other.id, { previousDigest: other.hashedToken, hashedToken: digest(), tokenLastEight: 'race', updatedAt: at(4) })),
      );
      assert.equal(racers.filter(Boolean).length, 1, 'of concurrent replacements of one secret, one wins');
    });

    it('touches last use at most once per interval, even when many requests touch at once', async () => {
      const u = await makeUser(s.store);
      const t = await makeToken(s.store, u.id);
      const first = await Promise.all(Array.from({ length: 10 }, () => s.store.tokens.touchLastUsed(t.id, at(MINUTE), MINUTE)));
      assert.equal(first.filter(Boolean).length, 1);
      assert.equal((await s.store.tokens.byId(t.id))?.lastUsedAt?.getTime(), at(MINUTE).getTime());
      assert.equal(await s.store.tokens.touchLastUsed(t.id, at(MINUTE + 1000), MINUTE), false);
      assert.equal(await s.store.tokens.touchLastUsed(t.id, at(2 * MINUTE), MINUTE), true);
    });

    it("tells the latest last use among one user's tokens (null before any use)", async () => {
      const u = await makeUser(s.store);
      const other = await makeUser(s.store);
      const a = await makeToken(s.store, u.id);
      const b = await makeToken(s.store, u.id);
      const theirs = await makeToken(s.store, other.id);
      assert.equal(await s.store.tokens.latestUse(u.id), null);
      await s.store.tokens.touchLastUsed(a.id, at(2 * MINUTE), MINUTE);
      await s.store.tokens.touchLastUsed(b.id, at(MINUTE), MINUTE);
      await s.store.tokens.touchLastUsed(theirs.id, at(9 * MINUTE), MINUTE);
      assert.equal((await s.store.tokens.latestUse(u.id))?.getTime(), at(2 * MINUTE).getTime());
      await s.store.tokens.touchLastUsed(b.id, at(5 * MINUTE), MINUTE);
      assert.equal((await s.store.tokens.latestUse(u.id))?.getTime(), at(5 * MINUTE).getTime());
      assert.equal((await s.store.tokens.latestUse(other.id))?.getTime(), at(9 * MINUTE).getTime());
    });

    it('sets and clears sudo, deletes (false when gone)', async () => {
      const u = await makeUser(s.store);
      const t = await makeToken(s.store, u.id);
      await s.store.tokens.setSudoUntil(t.id, at(MINUTE));
      assert.equal((await s.store.tokens.byId(t.id))?.sudoUntil?.getTime(), at(MINUTE).getTime());
      await s.store.tokens.setSudoUntil(t.id, null);
      assert.equal((await s.store.tokens.byId(t.id))?.sudoUntil, null);
      assert.equal(await s.store.tokens.delete(t.id), true);
      assert.equal(await s.store.tokens.delete(t.id), false);
      assert.equal(await s.store.tokens.byId(t.id), undefined);
    });

    it('revokes tokens unused since a cutoff and tokens by digest, returning them as they were', async () => {
      const u = await makeUser(s.store);
      const old = await makeToken(s.store, u.id, { sudoUntil: at(MINUTE) });
      const used = await makeToken(s.store, u.id);
      await s.store.tokens.touchLastUsed(used.id, at(10 * MINUTE), MINUTE);
      const revoked = await makeToken(s.store, u.id, { status: 'revoked' });
      const gone = await s.store.tokens.revokeUnusedSince(at(5 * MINUTE), at(20 * MINUTE), 'unused');
      assert.deepEqual(ids(gone), [old.id]);
      assert.equal(gone[0].status, 'active', 'as it was before');
      const now = await s.store.tokens.byId(old.id);
      assert.equal(now?.status, 'revoked');
      assert.equal(now?.statusReason, 'unused');
      assert.equal(now?.sudoUntil, null);
      const byDigest = await s.store.tokens.revokeByDigests([used.hashedToken, revoked.hashedToken, digest()], at(30 * MINUTE), 'leaked');
      assert.deepEqual(ids(byDigest), [used.id]);
      assert.equal((await s.store.tokens.byId(used.id))?.statusReason, 'leaked');
      assert.deepEqual(await s.store.tokens.revokeByDigests([], T0, 'x'), []);
    });
  });

  describe('fine-grained and account tokens', () => {
    const s = withStore(makeStore);

    it('keeps a selection of repositories, the issue time, and moves a token to another owner atomically', async () => {
      const u = await makeUser(s.store);
      const org = await makeOrg(s.store, u.id);
      const r1 = await s.store.repositories.create({ ownerType: 'User', ownerId: u.id, name: 'a', private: true, createdBy: u.id, createdAt: T0 });
      const r2 = await s.store.repositories.create({ ownerType: 'User', ownerId: u.id, name: 'b', private: true, createdBy: u.id, createdAt: T0 });
      const t = await makeToken(s.store, u.id, { kind: 'fine_grained', resourceOwnerType: 'User', resourceOwnerId: u.id, repositorySelection: 'subset', permissions: {} });
      assert.deepEqual(await s.store.fineGrainedTokens.repositoryIds(t.id), []);
      await s.store.fineGrainedTokens.setRepositories(t.id, [r2.id, r1.id, r2.id]);
      assert.deepEqual(await s.store.fineGrainedTokens.repositoryIds(t.id), [r1.id, r2.id].sort((x, y) => x - y));
      assert.deepEqual(await s.store.fineGrainedTokens.tokenIdsSelecting(r1.id), [t.id]);
      const none = await makeToken(s.store, u.id, { kind: 'fine_grained', resourceOwnerType: 'User', resourceOwnerId: u.id, repositorySelection: 'none', permissions: {} });
      const of = await s.store.fineGrainedTokens.selectedRepositoriesOf([t.id, none.id, t.id]);
      const selection = (name: string, id: number) => ({ id, name, private: true, ownerType: 'User', ownerId: u.id });
      assert.deepEqual(of.get(t.id), [selection('a', r1.id), selection('b', r2.id)]);
      assert.deepEqual(of.get(none.id), []);
      assert.deepEqual([...of.keys()], [t.id, none.id]);
      // Ordered by name whatever the case, then id, as repository lists are; another owner's too.
      const r3 = await s.store.repositories.create({ ownerType: 'Organization', ownerId: org.id, name: 'B', private: false, createdBy: u.id, createdAt: T0 });
      const r4 = await s.store.repositories.create({ ownerType: 'User', ownerId: u.id, name: 'A-0', private: false, createdBy: u.id, createdAt: T0 });
      const other = await makeToken(s.store, u.id, { kind: 'fine_grained', resourceOwnerType: 'User', resourceOwnerId: u.id, repositorySelection: 'subset', permissions: {} });
      await s.store.fineGrainedTokens.setRepositories(other.id, [r3.id, r2.id, r4.id]);
      const both = await s.store.fineGrainedTokens.selectedRepositoriesOf([other.id, t.id]);
      assert.deepEqual(both.get(other.id)?.map((r) => [r.name, r.ownerType, r.private]), [['A-0', 'User', false], ['b', 'User', true], ['B', 'Organization', false]]);
      assert.deepEqual(both.get(t.id)?.map((r) => r.id), [r1.id, r2.id]);
      assert.deepEqual(await s.store.fineGrainedTokens.selectedRepositoriesOf([]), new Map());
      await s.store.fineGrainedTokens.setRepositories(t.id, [r2.id]);
      assert.deepEqual(await s.store.fineGrainedTokens.tokenIdsSelecting(r1.id), []);

      assert.equal(await s.store.fineGrainedTokens.issuedAt(t.id), undefined);
      await s.store.fineGrainedTokens.setIssuedAt(t.id, T0);
      await s.store.fineGrainedTokens.setIssuedAt(t.id, at(MINUTE));
      assert.equal((await s.store.fineGrainedTokens.issuedAt(t.id))?.getTime(), at(MINUTE).getTime());

      const moved = await s.store.fineGrainedTokens.changeResourceOwner(t.id, {
        resourceOwnerType: 'Organization', resourceOwnerId: org.id, repositorySelection: 'all', repositoryIds: [r1.id], status: 'pending', statusReason: null, updatedAt: at(2),
      });
      assert.equal(moved?.resourceOwnerType, 'Organization');
      assert.equal(moved?.resourceOwnerId, org.id);
      assert.equal(moved?.status, 'pending');
      assert.deepEqual(await s.store.fineGrainedTokens.repositoryIds(t.id), [], 'not a subset: cleared');
      assert.equal(await s.store.fineGrainedTokens.changeResourceOwner(t.id + 1000, {
        resourceOwnerType: 'User', resourceOwnerId: u.id, repositorySelection: 'none', repositoryIds: [], status: 'active', statusReason: null, updatedAt: T0,
      }), undefined);
    });

    it('records account tokens of an org, lists newest first, counts, and (de)activates', async () => {
      const u = await makeUser(s.store);
      const org = await makeOrg(s.store, u.id);
      const t1 = await makeToken(s.store, u.id, { kind: 'account', scopes: [] });
      const t2 = await makeToken(s.store, u.id, { kind: 'account', scopes: [] });
      const a1 = await s.store.accountTokens.add(t1.id, org.id);
      await s.store.accountTokens.add(t2.id, org.id);
      assert.deepEqual(a1, { tokenId: t1.id, orgId: org.id, active: true, deactivatedAt: null });
      assert.deepEqual((await s.store.accountTokens.list(org.id)).map((a) => a.tokenId), [t2.id, t1.id]);
      assert.equal(await s.store.accountTokens.count(org.id), 2);
      const off = await s.store.accountTokens.setActive(t1.id, false, at(MINUTE));
      assert.equal(off?.active, false);
      assert.equal(off?.deactivatedAt?.getTime(), at(MINUTE).getTime());
      const on = await s.store.accountTokens.setActive(t1.id, true, at(2 * MINUTE));
      assert.deepEqual(on, { tokenId: t1.id, orgId: org.id, active: true, deactivatedAt: null });
      assert.equal(await s.store.accountTokens.get(t1.id + 1000), undefined);
      assert.equal(await s.store.accountTokens.setActive(t1.id + 1000, true, T0), undefined);
    });
  });
}
