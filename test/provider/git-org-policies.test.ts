// Git over HTTPS on an organization's repositories with the real provider and the real git client:
// what the org's token policy (approval, classic restriction, SSO) does to clone, fetch and push,
// and what git tells the user.
import * as assert from 'node:assert/strict';
import type { TestUser } from '../builders/users';
import { addMember, createOrg, setPolicy } from '../builders/orgs';
import { createClassicToken } from '../builders/tokens';
import { useGitFixture, type GitProvider } from './helpers/git-fixture';

describe('git over HTTPS on organization repositories: approval, denial, classic restriction, SSO', function () {
  this.timeout(60_000);
  const f = useGitFixture('tessera-git-org-');
  let p: GitProvider;
  let alice: TestUser;
  let bob: TestUser;
  before(() => ({ p, alice, bob } = f));
  const { createRepo, fineGrained, cloneTo, commitAndPush } = f;

  // The org, its membership, repositories, policy, reviews and SSO authorization: all through the API.
  const asAlice = () => ({ basic: { login: alice.login, password: alice.password } });

  before(async () => {
    await createOrg(p, alice, 'acme');
    await addMember(p, 'acme', alice, bob);
    await createRepo(alice, 'site', true, 'acme');
    await createRepo(alice, 'www', false, 'acme');
    const seed = await createClassicToken(p, alice, { name: 'acme-seed', scopes: ['repo'] });
    for (const repo of ['acme/site', 'acme/www']) {
      const c = await cloneTo(seed.token, repo);
      assert.equal(c.code, 0, c.stderr);
      assert.equal((await commitAndPush(c.dir, `seed ${repo}`)).code, 0);
    }
  });

  async function review(tokenId: number, action: 'approve' | 'deny', reason?: string): Promise<void> {
    const list = await p.api.call('GET', '/orgs/acme/personal-access-token-requests', asAlice());
    assert.equal(list.status, 200, list.text);
    const request = (list.json as Array<{ id: number; token_id: number }>).find((r) => r.token_id === tokenId);
    assert.ok(request, 'the token has a pending request');
    const res = await p.api.post(`/orgs/acme/personal-access-token-requests/${request.id}`, { ...asAlice(), body: { action, ...(reason ? { reason } : {}) } });
    assert.equal(res.status, 204, res.text);
  }

  it('pending approval: git says so (public repositories still read); once approved it pushes', async () => {
    await setPolicy(p, 'acme', alice, { require_approval: true });
    try {
      const t = await fineGrained(bob, { name: 'bob-ci', resource_owner: 'acme', repository_selection: 'subset', repositories: ['site'], permissions: { repository: { contents: 'write' } } });
      const state = await p.api.call('GET', `/user/personal-access-tokens/${t.id}`, { basic: { login: bob.login, password: bob.password } });
      assert.equal(state.json.status, 'pending');
      const denied = await cloneTo(t.token, 'acme/site');
      assert.notEqual(denied.code, 0);
      assert.match(denied.stderr, /remote: .*token 'bob-ci'.*pending approval by an owner of 'acme'/);
      const pub = await cloneTo(t.token, 'acme/www');
      assert.equal(pub.code, 0, pub.stderr);
      const pubPush = await commitAndPush(pub.dir, 'pending push');
      assert.notEqual(pubPush.code, 0);
      assert.match(pubPush.stderr, /remote: token 'bob-ci' may not push to acme\/www: .*pending approval/);

      await review(t.id, 'approve');
      const ok = await cloneTo(t.token, 'acme/site');
      assert.equal(ok.code, 0, ok.stderr);
      const push = await commitAndPush(ok.dir, 'approved push');
      assert.equal(push.code, 0, push.stderr);
    } finally {
      await setPolicy(p, 'acme', alice, { require_approval: false });
    }
  });

  it("denied: git shows the owners' reason", async () => {
    await setPolicy(p, 'acme', alice, { require_approval: true });
    try {
      const t = await fineGrained(bob, { name: 'bob-denied', resource_owner: 'acme', repository_selection: 'all', permissions: { repository: { contents: 'read' } } });
      await review(t.id, 'deny', 'no personal CI tokens on acme');
      const r = await cloneTo(t.token, 'acme/site');
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /remote: .*token 'bob-denied'.*denied this token's request: no personal CI tokens on acme/);
    } finally {
      await setPolicy(p, 'acme', alice, { require_approval: false });
    }
  });

  it('classic tokens restricted by the org: refused on its repositories with the policy named; public reads still work', async () => {
    const t = await createClassicToken(p, bob, { name: 'bob-classic', scopes: ['repo'] });
    assert.equal((await cloneTo(t.token, 'acme/site')).code, 0, 'allowed before the policy');
    await setPolicy(p, 'acme', alice, { classic_tokens: 'restricted' });
    try {
      const r = await cloneTo(t.token, 'acme/site');
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /remote: token 'bob-classic' may not fetch from acme\/site: The 'acme' organization forbids access with classic personal access tokens/);
      const pub = await cloneTo(t.token, 'acme/www');
      assert.equal(pub.code, 0, pub.stderr);
      const push = await commitAndPush(pub.dir, 'restricted push');
      assert.notEqual(push.code, 0);
      assert.match(push.stderr, /forbids access with classic personal access tokens/);
    } finally {
      await setPolicy(p, 'acme', alice, { classic_tokens: 'allowed' });
    }
  });

  it('SSO required: a token not yet authorized for the org is refused with the SSO reason; authorized, it works', async () => {
    const t = await fineGrained(alice, { name: 'alice-sso', resource_owner: 'acme', repository_selection: 'all', permissions: { repository: { contents: 'write' } } });
    await setPolicy(p, 'acme', alice, { sso_required: true });
    try {
      const r = await cloneTo(t.token, 'acme/site');
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /remote: token 'alice-sso' may not fetch from acme\/site: Resource protected by organization SSO enforcement/);
      const res = await p.api.call('GET', `${p.url}/acme/site.git/info/refs?service=git-upload-pack`, { basic: { login: 'git', password: t.token } });
      assert.equal(res.status, 403);
      assert.match(res.headers.get('x-github-sso') ?? '', /^required; url=/);
      const authorize = await p.api.post('/orgs/acme/credential-authorizations', { ...asAlice(), body: { token_id: t.id } });
      assert.equal(authorize.status, 201, authorize.text);
      const ok = await cloneTo(t.token, 'acme/site');
      assert.equal(ok.code, 0, ok.stderr);
      assert.equal((await commitAndPush(ok.dir, 'sso push')).code, 0);
    } finally {
      await setPolicy(p, 'acme', alice, { sso_required: false });
    }
  });
});
