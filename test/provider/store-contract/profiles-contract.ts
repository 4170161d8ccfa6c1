// Store contract: GitHub's profile and settings fields (a user's bio, blog …; an organization's
// email, billing email …; a repository's homepage, has_* flags, template flag and internal label)
// and the audit log's search filters, order and cursors.
import * as assert from 'node:assert/strict';
import { DEFAULT_REPOSITORY_SETTINGS } from '../../../src/provider/store/repositories';
import { EMPTY_USER_PROFILE } from '../../../src/provider/store/users';
import { at, makeOrg, makeToken, makeUser, MINUTE, StoreFactory, T0, withStore } from './fixtures';

export function profileStoreContract(makeStore: StoreFactory): void {
  describe('profiles and settings', () => {
    const s = withStore(makeStore);

    it("a user's profile: empty at first, the given fields set, null clears one, the others kept; token look-ups read it", async () => {
      const u = await makeUser(s.store);
      assert.deepEqual(u.profile, EMPTY_USER_PROFILE);
      const set = await s.store.users.update(u.id, {
        profile: { bio: 'Builds things', blog: 'https://blog.example.test', company: 'Tessera', location: 'Berlin', twitterUsername: 'tessera', hireable: true },
        updatedAt: at(1),
      });
      assert.deepEqual(set?.profile, { bio: 'Builds things', blog: 'https://blog.example.test', company: 'Tessera', location: 'Berlin', twitterUsername: 'tessera', hireable: true });
      const cleared = await s.store.users.update(u.id, { name: 'Ada', profile: { blog: null, hireable: false }, updatedAt: at(2) });
      assert.deepEqual(cleared?.profile, { bio: 'Builds things', blog: null, company: 'Tessera', location: 'Berlin', twitterUsername: 'tessera', hireable: false });
      assert.equal(cleared?.name, 'Ada');
      assert.deepEqual((await s.store.users.byLogin(u.login.toUpperCase()))?.profile, cleared?.profile);
      const t = await makeToken(s.store, u.id);
      const found = await s.store.tokens.byDigestWithUser(t.hashedToken);
      assert.deepEqual(found?.user.profile, cleared?.profile);
      assert.equal((await s.store.users.update(u.id, { profile: { hireable: null }, updatedAt: at(3) }))?.profile.hireable, null);
    });

    it("an organization's profile: set, cleared with null, kept when not given", async () => {
      const u = await makeUser(s.store);
      const org = await makeOrg(s.store, u.id);
      assert.deepEqual(org.profile, { email: null, billingEmail: null, blog: null, company: null, location: null, twitterUsername: null });
      const set = await s.store.organizations.update(org.id, {
        profile: { email: 'team@example.test', billingEmail: 'billing@example.test', blog: 'https://org.example.test', company: 'Tessera Inc', location: 'Lisbon', twitterUsername: 'tess' },
        updatedAt: at(1),
      });
      assert.equal(set?.profile.email, 'team@example.test');
      const changed = await s.store.organizations.update(org.id, { description: 'd', profile: { email: null, location: 'Porto' }, updatedAt: at(2) });
      assert.deepEqual(changed?.profile, { email: null, billingEmail: 'billing@example.test', blog: 'https://org.example.test', company: 'Tessera Inc', location: 'Porto', twitterUsername: 'tess' });
      assert.equal(changed?.description, 'd');
      assert.deepEqual((await s.store.organizations.byId(org.id))?.profile, changed?.profile);
    });

    it("a repository's settings: GitHub's defaults, the given ones at creation, changed by update; internal only on a private repository", async () => {
      const u = await makeUser(s.store);
      const org = await makeOrg(s.store, u.id);
      const plain = await s.store.repositories.create({ ownerType: 'User', ownerId: u.id, name: 'plain', private: false, createdBy: u.id, createdAt: T0 });
      assert.deepEqual(plain.settings, DEFAULT_REPOSITORY_SETTINGS);
      const given = { homepage: 'https://app.example.test', hasIssues: false, hasWiki: false, isTemplate: true, internal: true };
      const r = await s.store.repositories.create({ ownerType: 'Organization', ownerId: org.id, name: 'inside', private: true, settings: given, createdBy: u.id, createdAt: T0 });
      assert.deepEqual(r.settings, { ...DEFAULT_REPOSITORY_SETTINGS, ...given });
      assert.deepEqual((await s.store.repositories.byId(r.id))?.settings, r.settings);
      const changed = await s.store.repositories.update(r.id, { private: false, settings: { internal: false, homepage: null, hasDiscussions: true }, updatedAt: at(1) });
      assert.deepEqual(changed?.settings, { ...r.settings, internal: false, homepage: null, hasDiscussions: true });
      assert.equal(changed?.private, false);
      await assert.rejects(s.store.repositories.update(r.id, { settings: { internal: true }, updatedAt: at(2) }), 'a public repository is never internal');
      assert.equal((await s.store.repositories.byId(r.id))?.settings.internal, false);
      assert.equal((await s.store.repositories.list({ ids: [r.id] }))[0].settings.hasDiscussions, true);
    });
  });

  describe('audit search', () => {
    const s = withStore(makeStore);

    it('filters by actor and user login (any case) and creation time; orders either way; id cursors', async () => {
      const a = await makeUser(s.store);
      const b = await makeUser(s.store);
      const base = { userId: null, userLogin: null, orgId: null, orgLogin: null, tokenId: null, actorIp: null, data: {} };
      const e1 = await s.store.audit.append({ ...base, action: 'repo.create', createdAt: T0, actorId: a.id, actorLogin: a.login });
      const e2 = await s.store.audit.append({ ...base, action: 'repo.create', createdAt: at(MINUTE), actorId: b.id, actorLogin: b.login, userId: a.id, userLogin: a.login });
      const e3 = await s.store.audit.append({ ...base, action: 'repo.destroy', createdAt: at(2 * MINUTE), actorId: a.id, actorLogin: a.login });
      const ids = async (q: Partial<Parameters<typeof s.store.audit.list>[0]>) => (await s.store.audit.list({ limit: 10, offset: 0, ...q })).map((e) => e.id);
      assert.deepEqual(await ids({ actorLogin: a.login.toUpperCase() }), [e3.id, e1.id]);
      assert.deepEqual(await ids({ userLogin: a.login }), [e2.id]);
      assert.deepEqual(await ids({ createdFrom: at(MINUTE) }), [e3.id, e2.id]);
      assert.deepEqual(await ids({ createdBefore: at(MINUTE) }), [e1.id]);
      assert.deepEqual(await ids({ createdFrom: at(MINUTE), createdBefore: at(2 * MINUTE) }), [e2.id]);
      assert.deepEqual(await ids({ order: 'asc' }), [e1.id, e2.id, e3.id]);
      assert.deepEqual(await ids({ order: 'asc', idAbove: e1.id }), [e2.id, e3.id]);
      assert.deepEqual(await ids({ idBelow: e3.id }), [e2.id, e1.id]);
      assert.deepEqual(await ids({ action: 'repo.create', order: 'asc', limit: 1, offset: 1 }), [e2.id]);
    });
  });
}
