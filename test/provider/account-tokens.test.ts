// Account API tokens, Zendesk's model: org owners make tsa_ tokens (shown once, at most 256 per
// org, deactivate / reactivate / delete); Basic `{email}/token:{tsa_...}` acts as the org member
// with that email, on that org's resources only, and is refused for emails outside the org.
import * as assert from 'node:assert/strict';
import { newSession, type Session } from '../builders/sessions';
import { addMember, createOrg } from '../builders/orgs';
import { createRepo } from '../builders/repos';
import { startTestProvider, TestProvider } from './helpers/provider';

describe('account API tokens', function () {
  this.timeout(60_000);
  let t: TestProvider;
  let owner: Session;
  let member: Session;
  let outsider: Session;
  let org: string;
  let otherOrg: string;

  before(async () => {
    t = await startTestProvider({ tls: 'auto' });
    owner = await newSession(t);
    member = await newSession(t);
    outsider = await newSession(t);
    org = await createOrg(t, owner);
    otherOrg = await createOrg(t, owner);
    await addMember(t, org, owner, member);
    await createRepo(t, owner, org, 'inside', true);
    await createRepo(t, owner, otherOrg, 'elsewhere', true);
    await createRepo(t, owner, otherOrg, 'elsewhere-public', false);
  });
  after(async () => t.close());

  const asAccount = (email: string, token: string) => ({ basic: { login: `${email}/token`, password: token } });

  async function create(name: string) {
    const res = await t.api.post(`/orgs/${org}/account-tokens`, { token: owner.token, body: { name } });
    assert.equal(res.status, 201, res.text);
    return res.json as { id: number; token: string; token_last_eight: string; active: boolean };
  }

  it('an owner creates one (the secret shown once), lists it without the secret', async () => {
    const tok = await create('helpdesk integration');
    assert.match(tok.token, /^tsa_[0-9A-Za-z]{36}$/);
    assert.equal(tok.active, true);
    const list = await t.api.get(`/orgs/${org}/account-tokens`, { token: owner.token });
    assert.equal(list.status, 200);
    const listed = list.json.find((x: { id: number }) => x.id === tok.id);
    assert.equal(listed.name, 'helpdesk integration');
    assert.equal(listed.token, undefined);
    assert.equal(listed.token_last_eight, tok.token.slice(-8));
    assert.equal(listed.created_by, owner.user.login);
    assert.ok(!list.text.includes(tok.token));
    // Members and outsiders can't make them.
    assert.equal((await t.api.post(`/orgs/${org}/account-tokens`, { token: member.token, body: { name: 'x' } })).status, 403);
    assert.equal((await t.api.post(`/orgs/${org}/account-tokens`, { token: outsider.token, body: { name: 'x' } })).status, 404);
    const missing = await t.api.post(`/orgs/${org}/account-tokens`, { token: owner.token, body: {} });
    assert.equal(missing.status, 422);
    assert.equal(missing.json.errors[0].field, 'name');
  });

  it("Basic {email}/token:{tsa_…} acts as that member on the org's resources only", async () => {
    const tok = await create('acts as member');
    const me = await t.api.get('/user', asAccount(member.user.email, tok.token));
    assert.equal(me.status, 200, me.text);
    assert.equal(me.json.login, member.user.login);
    // The member's private profile is not the organization's business: the public-user shape.
    assert.equal(me.json.user_view_type, 'public');
    assert.equal(me.json.two_factor_authentication, undefined);
    assert.equal(me.json.total_private_repos, undefined);
    assert.equal((await t.api.get(`/repos/${org}/inside`, asAccount(member.user.email, tok.token))).status, 200);
    assert.equal((await t.api.get(`/orgs/${org}/members`, asAccount(member.user.email, tok.token))).status, 200);
    const created = await t.api.post(`/orgs/${org}/repos`, { ...asAccount(member.user.email, tok.token), body: { name: 'by-account-token' } });
    assert.equal(created.status, 201, created.text);
    // The owner's email: acts as the owner, still only in this org — another org's public repository is refused.
    const elsewherePublic = await t.api.get(`/repos/${otherOrg}/elsewhere-public`, asAccount(owner.user.email, tok.token));
    assert.equal(elsewherePublic.status, 403, elsewherePublic.text);
    assert.equal(elsewherePublic.json.message, 'Account API tokens act only on the resources of the organization that made them');
    assert.equal((await t.api.get(`/orgs/${org}/personal-access-token-policy`, asAccount(owner.user.email, tok.token))).status, 403, 'not on token administration');
    assert.equal((await t.api.get('/user/personal-access-tokens', asAccount(owner.user.email, tok.token))).status, 403);
    assert.equal((await t.api.get('/user/repos', asAccount(owner.user.email, tok.token))).status, 403);
    // Emails outside the org, unknown emails and tsa_ tokens used any other way: 401.
    for (const res of [
      await t.api.get('/user', asAccount(outsider.user.email, tok.token)),
      await t.api.get('/user', asAccount('nobody@example.test', tok.token)),
      await t.api.get('/user', { token: tok.token }),
      await t.api.get('/user', { basic: { login: 'x-access-token', password: tok.token } }),
    ]) {
      assert.equal(res.status, 401, res.text);
      assert.equal(res.json.message, 'Bad credentials');
    }
    // A checksum-broken token is refused without a look-up, same answer.
    const broken = tok.token.slice(0, -1) + (tok.token.endsWith('A') ? 'B' : 'A');
    assert.equal((await t.api.get('/user', asAccount(member.user.email, broken))).status, 401);
    // last_used_at is kept.
    const listed = await t.api.get(`/orgs/${org}/account-tokens/${tok.id}`, { token: owner.token });
    assert.ok(listed.json.last_used_at);
  });

  it('deactivate → 401; reactivate (sudo) → works; delete → 401', async () => {
    const tok = await create('lifecycle');
    const who = asAccount(member.user.email, tok.token);
    assert.equal((await t.api.get('/user', who)).status, 200);
    const off = await t.api.patch(`/orgs/${org}/account-tokens/${tok.id}`, { token: owner.token, body: { active: false } });
    assert.equal(off.status, 200, off.text);
    assert.equal(off.json.active, false);
    assert.equal((await t.api.get('/user', who)).status, 401);
    // Reactivating needs sudo: a token without a sudo window is refused.
    const basicMade = await t.api.post('/authorizations', { basic: { login: owner.user.login, password: owner.user.password }, body: { scopes: ['admin:org'], note: `no sudo ${tok.id}` } });
    t.clock.advance(3 * 60 * 60 * 1000);
    try {
      const noSudo = await t.api.patch(`/orgs/${org}/account-tokens/${tok.id}`, { token: basicMade.json.token, body: { active: true } });
      assert.equal(noSudo.status, 403);
      assert.equal(noSudo.headers.get('x-tessera-sudo'), 'required');
      const on = await t.api.patch(`/orgs/${org}/account-tokens/${tok.id}`, {
        basic: { login: owner.user.login, password: owner.user.password },
        body: { active: true, name: 'lifecycle (renamed)' },
      });
      assert.equal(on.status, 200, on.text);
      assert.equal(on.json.active, true);
      assert.equal(on.json.name, 'lifecycle (renamed)');
    } finally {
      t.clock.advance(-3 * 60 * 60 * 1000);
    }
    assert.equal((await t.api.get('/user', who)).status, 200);
    assert.equal((await t.api.delete(`/orgs/${org}/account-tokens/${tok.id}`, { token: owner.token })).status, 204);
    assert.equal((await t.api.get('/user', who)).status, 401);
    assert.equal((await t.api.get(`/orgs/${org}/account-tokens/${tok.id}`, { token: owner.token })).status, 404);
    const log = await t.api.get(`/orgs/${org}/audit-log?per_page=100`, { token: owner.token });
    const actions = log.json.filter((e: { token_id?: number }) => e.token_id === tok.id).map((e: { action: string }) => e.action);
    assert.deepEqual(actions, ['account_api_token.destroy', 'account_api_token.reactivate', 'account_api_token.deactivate', 'account_api_token.create']);
    assert.ok(!log.text.includes(tok.token));
  });

  it("another org's private repository does not exist for it, even one the member can see: 404 on every route and NOT_FOUND in GraphQL, as a missing name", async () => {
    const tok = await create('no other org');
    const who = asAccount(owner.user.email, tok.token);
    assert.equal((await t.api.get(`/repos/${otherOrg}/elsewhere`, { token: owner.token })).status, 200, 'the owner sees it');
    const calls = (repo: string) =>
      [
        ['GET', `/repos/${repo}`],
        ['GET', `/repos/${repo}/branches`],
        ['GET', `/repos/${repo}/keys`],
        ['PATCH', `/repos/${repo}`, { description: 'x' }],
        ['DELETE', `/repos/${repo}`],
      ] as const;
    for (const [[method, path, body], [, absentPath]] of calls(`${otherOrg}/elsewhere`).map((c, i) => [c, calls(`${otherOrg}/nothing-here`)[i]] as const)) {
      const res = await t.api.call(method, path, { ...who, ...(body ? { body } : {}) });
      const absent = await t.api.call(method, absentPath, { ...who, ...(body ? { body } : {}) });
      assert.equal(absent.status, 404, `${method} ${absentPath}: ${absent.text}`);
      assert.equal(res.status, 404, `${method} ${path}: ${res.text}`);
      assert.equal(res.text, absent.text);
    }
    const q = 'query($o: String!, $n: String!) { repository(owner: $o, name: $n) { name } }';
    for (const n of ['elsewhere', 'nothing-here']) {
      const res = await t.api.post(`${t.provider.url}/api/graphql`, { ...who, body: { query: q, variables: { o: otherOrg, n } } });
      assert.equal(res.status, 200, res.text);
      assert.deepEqual(
        res.json.errors.map((e: { type: string; message: string }) => [e.type, e.message]),
        [['NOT_FOUND', `Could not resolve to a Repository with the name '${otherOrg}/${n}'.`]],
      );
    }
    // Its own org's private repository is there.
    assert.equal((await t.api.get(`/repos/${org}/inside`, who)).status, 200);
    assert.equal((await t.api.get(`/repos/${otherOrg}/elsewhere`, { token: owner.token })).status, 200, 'nothing was deleted');
  });

  it("a member who leaves the org can't be acted as any more", async () => {
    const tok = await create('leaver');
    const leaver = await newSession(t);
    await addMember(t, org, owner, leaver);
    assert.equal((await t.api.get('/user', asAccount(leaver.user.email, tok.token))).status, 200);
    await t.api.delete(`/orgs/${org}/memberships/${leaver.user.login}`, { token: owner.token });
    assert.equal((await t.api.get('/user', asAccount(leaver.user.email, tok.token))).status, 401);
  });

  it('at most 256 per org (422 beyond)', async () => {
    const o = await createOrg(t, owner);
    for (let i = 0; i < 256; i++) {
      const res = await t.api.post(`/orgs/${o}/account-tokens`, { token: owner.token, body: { name: `t${i}` } });
      assert.equal(res.status, 201, res.text);
    }
    const over = await t.api.post(`/orgs/${o}/account-tokens`, { token: owner.token, body: { name: 'one too many' } });
    assert.equal(over.status, 422);
    assert.match(over.json.message, /256/);
    const page = await t.api.get(`/orgs/${o}/account-tokens?per_page=100&page=3`, { token: owner.token });
    assert.equal(page.json.length, 56);
  });
});
