// Store contract: repositories and their deploy keys.
import * as assert from 'node:assert/strict';
import { UniqueViolation } from '../../../src/provider/store/errors';
import type { Store } from '../../../src/provider/store/store';
import { at, makeOrg, makeToken, makeUser, StoreFactory, T0, withStore, yieldTurn } from './fixtures';

function repo(store: Store, ownerType: 'User' | 'Organization', ownerId: number, name: string, isPrivate = false, createdBy = ownerId) {
  return store.repositories.create({ ownerType, ownerId, name, private: isPrivate, createdBy, createdAt: T0 });
}

const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl';

export function repositoryStoreContract(makeStore: StoreFactory): void {
  describe('repositories', () => {
    const s = withStore(makeStore);

    it("creates a repository, refuses the owner's name again in any case with UniqueViolation('name'), and reads it by id and name", async () => {
      const u = await makeUser(s.store);
      const org = await makeOrg(s.store, u.id);
      const r = await s.store.repositories.create({ ownerType: 'User', ownerId: u.id, name: 'Hello', description: 'hi', private: true, createdBy: u.id, createdAt: T0 });
      assert.deepEqual(
        { name: r.name, description: r.description, private: r.private, defaultBranch: r.defaultBranch, pushedAt: r.pushedAt },
        { name: 'Hello', description: 'hi', private: true, defaultBranch: 'main', pushedAt: null },
      );
      await assert.rejects(repo(s.store, 'User', u.id, 'hello'), (e: unknown) => e instanceof UniqueViolation && e.field === 'name');
      await repo(s.store, 'Organization', org.id, 'hello', false, u.id);
      assert.deepEqual(await s.store.repositories.byId(r.id), r);
      assert.deepEqual(await s.store.repositories.byOwnerAndName('User', u.id, 'HELLO'), r);
      assert.equal(await s.store.repositories.byOwnerAndName('User', u.id, 'nope'), undefined);
      assert.equal(await s.store.repositories.byId(r.id + 1000), undefined);
    });

    it('lists by owner, ids and visibility ordered by name, with limit and offset; counts what a list matches and per owner', async () => {
      const u = await makeUser(s.store);
      const b = await repo(s.store, 'User', u.id, 'beta', true);
      const a = await repo(s.store, 'User', u.id, 'Alpha');
      const c = await repo(s.store, 'User', u.id, 'gamma');
      const names = (rs: { name: string }[]) => rs.map((r) => r.name);
      assert.deepEqual(names(await s.store.repositories.list({ ownerType: 'User', ownerId: u.id })), ['Alpha', 'beta', 'gamma']);
      assert.deepEqual(names(await s.store.repositories.list({ ownerType: 'User', ownerId: u.id, private: true })), ['beta']);
      assert.deepEqual(names(await s.store.repositories.list({ ids: [c.id, b.id] })), ['beta', 'gamma']);
      assert.deepEqual(await s.store.repositories.list({ ids: [] }), []);
      assert.deepEqual(names(await s.store.repositories.list({ ownerId: u.id, limit: 1, offset: 1 })), ['beta']);
      assert.ok(a.id);
      assert.equal(await s.store.repositories.count({ ownerType: 'User', ownerId: u.id }), 3);
      assert.equal(await s.store.repositories.count({ ownerType: 'User', ownerId: u.id, private: false }), 2);
      assert.equal(await s.store.repositories.count({ ownerType: 'User', ownerId: u.id, ids: [c.id, b.id] }), 2);
      assert.equal(await s.store.repositories.count({ ownerType: 'Organization', ownerId: u.id, ids: [c.id] }), 0);
      assert.equal(await s.store.repositories.count({ ids: [] }), 0);
      assert.deepEqual(await s.store.repositories.countByOwner('User', u.id), { public: 2, private: 1 });
      assert.deepEqual(await s.store.repositories.countByOwner('Organization', u.id), { public: 0, private: 0 });
    });

    it("lists what a user can see: their own, their orgs' (active membership only) and, when asked, every public one", async () => {
      const u = await makeUser(s.store, 'zed');
      const other = await makeUser(s.store, 'amy');
      const org = await makeOrg(s.store, other.id, 'borg');
      await repo(s.store, 'User', u.id, 'mine', true);
      await repo(s.store, 'User', other.id, 'pub');
      await repo(s.store, 'User', other.id, 'secret', true);
      await repo(s.store, 'Organization', org.id, 'team', true, other.id);
      const full = async (includePublic: boolean) =>
        (await s.store.repositories.listVisibleTo(u.id, { includePublic })).map((r) => `${r.ownerType === 'Organization' ? 'borg' : r.ownerId === u.id ? 'zed' : 'amy'}/${r.name}`);
      assert.deepEqual(await full(false), ['zed/mine']);
      assert.deepEqual(await full(true), ['amy/pub', 'zed/mine']);
      await s.store.memberships.upsert({ orgId: org.id, userId: u.id, role: 'member', invitedBy: other.id, now: T0 });
      assert.deepEqual(await full(false), ['zed/mine'], 'a pending invitation shows nothing');
      await s.store.memberships.activate(org.id, u.id, T0);
      assert.deepEqual(await full(true), ['amy/pub', 'borg/team', 'zed/mine']);
    });

    it('updates description and visibility, records a push, deletes (false when gone) with its deploy keys', async () => {
      const u = await makeUser(s.store);
      const r = await repo(s.store, 'User', u.id, 'x');
      const up = await s.store.repositories.update(r.id, { description: 'd', private: true, updatedAt: at(1) });
      assert.equal(up?.description, 'd');
      assert.equal(up?.private, true);
      const cleared = await s.store.repositories.update(r.id, { description: null, updatedAt: at(2) });
      assert.equal(cleared?.description, null);
      assert.equal(cleared?.private, true);
      assert.equal(r.defaultBranch, 'main');
      assert.equal((await s.store.repositories.update(r.id, { defaultBranch: 'master', updatedAt: at(2) }))?.defaultBranch, 'master');
      assert.equal((await s.store.repositories.byId(r.id))?.defaultBranch, 'master');
      await s.store.repositories.touchPushed(r.id, at(3));
      assert.equal((await s.store.repositories.byId(r.id))?.pushedAt?.getTime(), at(3).getTime());
      const key = await s.store.deployKeys.create({ repositoryId: r.id, title: 'k', key: KEY, readOnly: true, addedBy: u.id, tokenId: null, createdAt: T0 });
      assert.equal(await s.store.repositories.delete(r.id), true);
      assert.equal(await s.store.repositories.delete(r.id), false);
      assert.equal(await s.store.deployKeys.byId(r.id, key.id), undefined);
      assert.equal(await s.store.repositories.update(r.id, { private: false, updatedAt: T0 }), undefined);
    });

    it("renames (case changes included); another repository of that name of the same owner is UniqueViolation('name')", async () => {
      const u = await makeUser(s.store);
      const r = await repo(s.store, 'User', u.id, 'old-name');
      await repo(s.store, 'User', u.id, 'taken');
      const renamed = await s.store.repositories.update(r.id, { name: 'New-Name', updatedAt: at(1) });
      assert.equal(renamed?.name, 'New-Name');
      assert.equal((await s.store.repositories.byOwnerAndName('User', u.id, 'new-name'))?.id, r.id);
      assert.equal(await s.store.repositories.byOwnerAndName('User', u.id, 'old-name'), undefined);
      await assert.rejects(s.store.repositories.update(r.id, { name: 'TAKEN', updatedAt: at(2) }), (e: Error) => e instanceof UniqueViolation && e.field === 'name');
      assert.equal((await s.store.repositories.byId(r.id))?.name, 'New-Name');
      assert.equal((await s.store.repositories.update(r.id, { name: 'new-name', updatedAt: at(3) }))?.name, 'new-name');
    });

    it('a rename given the current name changes the row only while it still has that name (any case); else undefined and nothing changes', async () => {
      const u = await makeUser(s.store);
      const r = await repo(s.store, 'User', u.id, 'origin');
      const first = await s.store.repositories.update(r.id, { name: 'first', currentName: 'ORIGIN', description: 'one', updatedAt: at(1) });
      assert.equal(first?.name, 'first');
      // A second rename that read the record before the first one committed.
      assert.equal(await s.store.repositories.update(r.id, { name: 'second', currentName: 'origin', description: 'two', updatedAt: at(2) }), undefined);
      const now = await s.store.repositories.byId(r.id);
      assert.deepEqual([now?.name, now?.description, now?.updatedAt.toISOString()], ['first', 'one', at(1).toISOString()]);
      assert.equal(await s.store.repositories.update(r.id + 1000, { name: 'x', currentName: 'first', updatedAt: at(3) }), undefined);
    });

    it('withRepositoryLock runs one holder of a repository at a time, passing a usable store, and frees it after a failure', async () => {
      const u = await makeUser(s.store);
      const r = await repo(s.store, 'User', u.id, 'locked');
      const order: string[] = [];
      let release!: () => void;
      const held = new Promise<void>((res) => (release = res));
      let entered!: () => void;
      const firstEntered = new Promise<void>((res) => (entered = res));
      const first = s.store.withRepositoryLock(r.id, async (store) => {
        order.push('first in');
        entered();
        await held;
        order.push('first out');
        return (await store.repositories.byId(r.id))?.name;
      });
      await firstEntered; // (waits on the state, not a time: the lock may take a while under load)
      const second = s.store.withRepositoryLock(r.id, async (store) => {
        order.push('second');
        return store.transaction(async (tx) => (await tx.repositories.update(r.id, { description: 'by second', updatedAt: at(1) }))?.description);
      });
      // Time for a wrong second holder to come in (a right one never does, however long the wait).
      await new Promise((res) => setTimeout(res, 50));
      assert.deepEqual(order, ['first in'], 'the second waits for the first');
      release();
      assert.deepEqual([await first, await second], ['locked', 'by second']);
      assert.deepEqual(order, ['first in', 'first out', 'second']);
      await assert.rejects(s.store.withRepositoryLock(r.id, async () => { throw new Error('holder failed'); }), /holder failed/);
      assert.equal(await s.store.withRepositoryLock(r.id, async () => 'after a failure'), 'after a failure');
    });
  });

  describe('deploy keys', () => {
    const s = withStore(makeStore);

    it("adds keys, refuses a key in use anywhere with UniqueViolation('key'), lists and counts per repository, lists per token, deletes; a deleted token takes its keys", async () => {
      const u = await makeUser(s.store);
      const r1 = await repo(s.store, 'User', u.id, 'one');
      const r2 = await repo(s.store, 'User', u.id, 'two');
      const t = await makeToken(s.store, u.id);
      const k1 = await s.store.deployKeys.create({ repositoryId: r1.id, title: 'a', key: KEY, readOnly: false, addedBy: u.id, tokenId: t.id, createdAt: T0 });
      assert.deepEqual(
        { title: k1.title, key: k1.key, readOnly: k1.readOnly, tokenId: k1.tokenId, lastUsedAt: k1.lastUsedAt },
        { title: 'a', key: KEY, readOnly: false, tokenId: t.id, lastUsedAt: null },
      );
      await assert.rejects(
        s.store.deployKeys.create({ repositoryId: r2.id, title: 'b', key: KEY, readOnly: true, addedBy: u.id, tokenId: null, createdAt: T0 }),
        (e: unknown) => e instanceof UniqueViolation && e.field === 'key',
      );
      const k2 = await s.store.deployKeys.create({ repositoryId: r1.id, title: 'b', key: `${KEY}x`, readOnly: true, addedBy: u.id, tokenId: null, createdAt: T0 });
      assert.deepEqual(await s.store.deployKeys.byId(r1.id, k1.id), k1);
      assert.equal(await s.store.deployKeys.byId(r2.id, k1.id), undefined, 'scoped to its repository');
      assert.deepEqual((await s.store.deployKeys.list(r1.id, { limit: 10, offset: 0 })).map((k) => k.id), [k1.id, k2.id]);
      assert.deepEqual((await s.store.deployKeys.list(r1.id, { limit: 1, offset: 1 })).map((k) => k.id), [k2.id]);
      assert.equal(await s.store.deployKeys.count(r1.id), 2);
      assert.equal(await s.store.deployKeys.count(r2.id), 0);
      assert.deepEqual((await s.store.deployKeys.listByToken(t.id)).map((k) => k.id), [k1.id]);
      assert.equal(await s.store.deployKeys.delete(r1.id, k2.id), true);
      assert.equal(await s.store.deployKeys.delete(r1.id, k2.id), false);
      await s.store.tokens.delete(t.id);
      assert.equal(await s.store.deployKeys.byId(r1.id, k1.id), undefined);
    });

    it('a write referring to a repository or token deleted meanwhile throws an error isMissingReference recognizes (404, not a bug), and writes nothing, in a transaction too; other errors are not recognized', async () => {
      const u = await makeUser(s.store);
      const gone = await repo(s.store, 'User', u.id, 'gone');
      const kept = await repo(s.store, 'User', u.id, 'kept');
      const t = await makeToken(s.store, u.id, { kind: 'fine_grained' });
      const goneToken = await makeToken(s.store, u.id);
      await s.store.fineGrainedTokens.setRepositories(t.id, [kept.id]);
      assert.equal(await s.store.repositories.delete(gone.id), true);
      assert.equal(await s.store.tokens.delete(goneToken.id), true);
      const key = (repositoryId: number, tokenId: number | null, k = KEY) => ({ repositoryId, title: 'k', key: k, readOnly: true, addedBy: u.id, tokenId, createdAt: T0 });
      const missing = (e: unknown) => s.store.isMissingReference(e) && !s.store.isBusy(e) && !(e instanceof UniqueViolation);

      await assert.rejects(s.store.deployKeys.create(key(gone.id, t.id)), missing);
      await assert.rejects(s.store.deployKeys.create(key(kept.id, goneToken.id)), missing);
      // Replacing a token's selection: the old one stays when a new repository is gone.
      await assert.rejects(s.store.fineGrainedTokens.setRepositories(t.id, [gone.id]), missing);
      assert.deepEqual(await s.store.fineGrainedTokens.repositoryIds(t.id), [kept.id]);
      // In a transaction: its store recognizes the error too, which leaves the transaction as it
      // is, and what the transaction wrote before is rolled back with it.
      await assert.rejects(
        s.store.transaction(async (tx) => {
          await tx.deployKeys.create(key(kept.id, t.id));
          await yieldTurn();
          await tx.deployKeys.create(key(gone.id, t.id, `${KEY}x`)).catch((e: unknown) => {
            assert.equal(tx.isMissingReference(e), true, String(e));
            throw e;
          });
        }),
        missing,
      );
      assert.equal(await s.store.deployKeys.count(kept.id), 0);
      assert.deepEqual(await s.store.deployKeys.listByToken(t.id), []);

      // Other errors are not a missing reference: a key in use, a bug, nothing at all.
      await s.store.deployKeys.create(key(kept.id, t.id));
      await assert.rejects(s.store.deployKeys.create(key(kept.id, t.id)), (e: unknown) => e instanceof UniqueViolation && !s.store.isMissingReference(e));
      for (const other of [new Error('FOREIGN KEY constraint failed'), new UniqueViolation('key'), undefined, null, 'boom', { code: 23503 }]) {
        assert.equal(s.store.isMissingReference(other), false, String(other));
      }
    });
  });
}
