// SSO enforcement: on an org with `sso_required`, a token works on the org's resources only after
// its owner authorized it for that org with fresh proof (POST /orgs/{org}/credential-authorizations
// with Basic + X-GitHub-OTP, or in sudo mode); until then 403 with `X-GitHub-SSO: required;
// url=...`; lists skip the org and say `X-GitHub-SSO: partial-results; organizations=...`.
import * as assert from 'node:assert/strict';
import { freshOtp } from '../builders/totp';
import { enableTwoFactor } from '../builders/two-factor';
import { newSession, type Session } from '../builders/sessions';
import { createClassicToken, createFineGrainedToken } from '../builders/tokens';
import { addMember, createOrg, setPolicy } from '../builders/orgs';
import { createRepo } from '../builders/repos';
import { octokitFor } from './helpers/octokit';
import { startTestProvider, TestProvider } from './helpers/provider';

const HOUR = 60 * 60 * 1000;

describe('SSO credential authorizations', function () {
  this.timeout(60_000);
  let t: TestProvider;
  let owner: Session;
  let member: Session;
  let org: string;
  let orgId: number;

  before(async () => {
    t = await startTestProvider();
    owner = await newSession(t);
    member = await newSession(t);
    await enableTwoFactor(t, member.user);
    org = await createOrg(t, owner);
    orgId = (await t.api.get(`/orgs/${org}`)).json.id;
    await addMember(t, org, owner, member);
    await createRepo(t, owner, org, 'private', true);
    await createRepo(t, owner, org, 'public', false);
    await setPolicy(t, org, owner, { sso_required: true });
  });
  after(async () => t.close());

  async function authorize(tokenId: number) {
    return t.api.post(`/orgs/${org}/credential-authorizations`, {
      basic: { login: member.user.login, password: member.user.password },
      otp: await freshOtp(t, member.user),
      body: { token_id: tokenId },
    });
  }

  it('refuses an unauthorized token with 403 X-GitHub-SSO: required; url=…, public reads still fine; authorizing with password + 2FA opens it', async () => {
    const classic = await createClassicToken(t, member, { scopes: ['repo', 'read:org'] });
    const refused = await t.api.get(`/repos/${org}/private`, { token: classic.token });
    assert.equal(refused.status, 403, refused.text);
    const header = refused.headers.get('x-github-sso') ?? '';
    assert.match(header, /^required; url=/);
    assert.equal(header, `required; url=${t.provider.apiUrl}/orgs/${org}/credential-authorizations`);
    assert.match(refused.json.message, /SSO/);
    assert.match(refused.json.message, new RegExp(`"token_id": ${classic.id}`));
    assert.equal((await t.api.get(`/orgs/${org}/members`, { token: classic.token })).status, 403);
    assert.equal((await t.api.get(`/repos/${org}/public`, { token: classic.token })).status, 200);

    // Without a code: the 2FA challenge; with one: authorized.
    const noCode = await t.api.post(`/orgs/${org}/credential-authorizations`, {
      basic: { login: member.user.login, password: member.user.password },
      body: { token_id: classic.id },
    });
    assert.equal(noCode.status, 401);
    assert.equal(noCode.headers.get('x-github-otp'), 'required; app');
    const ok = await authorize(classic.id);
    assert.equal(ok.status, 201, ok.text);
    assert.equal(ok.json.login, member.user.login);
    assert.equal(ok.json.credential_id, classic.id);
    assert.equal(ok.json.credential_type, 'personal access token');
    assert.equal(ok.json.token_last_eight, classic.token.slice(-8));
    assert.deepEqual(ok.json.scopes, ['repo', 'read:org']);
    assert.equal(ok.json.credential_accessed_at, null);

    assert.equal((await t.api.get(`/repos/${org}/private`, { token: classic.token })).status, 200);
    assert.equal((await t.api.get(`/orgs/${org}/members`, { token: classic.token })).status, 200);
    const listed = await t.api.get(`/orgs/${org}/credential-authorizations`, { token: owner.token });
    const mine = listed.json.find((a: { credential_id: number }) => a.credential_id === classic.id);
    assert.ok(mine.credential_accessed_at, 'use is recorded');

    // An owner removes it: refused again.
    assert.equal((await t.api.delete(`/orgs/${org}/credential-authorizations/${classic.id}`, { token: owner.token })).status, 204);
    assert.equal((await t.api.get(`/repos/${org}/private`, { token: classic.token })).status, 403);
    const log = await t.api.get(`/orgs/${org}/audit-log?per_page=100`, { token: owner.token });
    const actions = log.json.map((e: { action: string }) => e.action);
    assert.ok(actions.includes('org_credential_authorization.grant'));
    assert.ok(actions.includes('org_credential_authorization.deauthorized'));
  });

  it('fine-grained tokens need it too; a token in sudo mode may authorize; a closed window may not', async () => {
    const fg = await createFineGrainedToken(t, member, { resource_owner: org, repository_selection: 'all', permissions: { repository: { contents: 'read' } } });
    const refused = await t.api.get(`/repos/${org}/private/branches`, { token: fg.token });
    assert.equal(refused.status, 403);
    assert.match(refused.headers.get('x-github-sso') ?? '', /^required/);
    // The member's sign-in token is in sudo mode for two hours.
    const viaSudo = await t.api.post(`/orgs/${org}/credential-authorizations`, { token: member.token, body: { token_id: fg.id } });
    assert.equal(viaSudo.status, 201, viaSudo.text);
    assert.equal(viaSudo.json.credential_type, 'fine-grained personal access token');
    assert.equal((await t.api.get(`/repos/${org}/private/branches`, { token: fg.token })).status, 200);

    const other = await createClassicToken(t, member, { scopes: ['repo'] });
    t.clock.advance(3 * HOUR);
    try {
      const closed = await t.api.post(`/orgs/${org}/credential-authorizations`, { token: member.token, body: { token_id: other.id } });
      assert.equal(closed.status, 403);
      assert.equal(closed.headers.get('x-tessera-sudo'), 'required');
    } finally {
      t.clock.advance(-3 * HOUR);
    }
  });

  it('refuses to authorize what is not the caller’s own token for this org (422 naming token_id); non-members get 404', async () => {
    const userOwned = await createFineGrainedToken(t, member, { permissions: {} });
    const ownerToken = await createClassicToken(t, owner, { scopes: ['repo'] });
    for (const id of [userOwned.id, ownerToken.id, 999999]) {
      const res = await authorize(id);
      assert.equal(res.status, 422, res.text);
      assert.equal(res.json.errors[0].field, 'token_id');
    }
    const outsider = await newSession(t);
    const mine = await createClassicToken(t, outsider, { scopes: ['repo'] });
    const res = await t.api.post(`/orgs/${org}/credential-authorizations`, { token: outsider.token, body: { token_id: mine.id } });
    assert.equal(res.status, 404);
    // Members may remove their own authorizations but not list everyone's.
    const c = await createClassicToken(t, member, { scopes: ['repo'] });
    assert.equal((await authorize(c.id)).status, 201);
    assert.equal((await t.api.get(`/orgs/${org}/credential-authorizations`, { token: member.token })).status, 403);
    assert.equal((await t.api.delete(`/orgs/${org}/credential-authorizations/${c.id}`, { token: member.token })).status, 204);
    const byLogin = await t.api.get(`/orgs/${org}/credential-authorizations?login=${owner.user.login}`, { token: owner.token });
    assert.deepEqual(byLogin.json, []);
  });

  it('list endpoints (memberships included) skip the org for an unauthorized token and say X-GitHub-SSO: partial-results; organizations=…', async () => {
    const open = await createOrg(t, owner);
    await addMember(t, open, owner, member);
    await createRepo(t, owner, open, 'free', true);
    const classic = await createClassicToken(t, member, { scopes: ['repo', 'read:org'] });
    const repos = await t.api.get('/user/repos?per_page=100', { token: classic.token });
    assert.equal(repos.status, 200);
    assert.equal(repos.headers.get('x-github-sso'), `partial-results; organizations=${orgId}`);
    const names = repos.json.map((r: { full_name: string }) => r.full_name);
    assert.ok(names.includes(`${open}/free`));
    assert.ok(!names.includes(`${org}/private`));
    const orgs = await t.api.get('/user/orgs', { token: classic.token });
    assert.equal(orgs.headers.get('x-github-sso'), `partial-results; organizations=${orgId}`);
    assert.deepEqual(orgs.json.map((o: { login: string }) => o.login), [open]);
    const memberships = await t.api.get('/user/memberships/orgs', { token: classic.token });
    assert.equal(memberships.headers.get('x-github-sso'), `partial-results; organizations=${orgId}`);
    assert.deepEqual(memberships.json.map((m: { organization: { login: string } }) => m.organization.login), [open]);
    const one = await t.api.get(`/user/memberships/orgs/${org}`, { token: classic.token });
    assert.equal(one.status, 403, one.text);
    assert.match(one.headers.get('x-github-sso') ?? '', /^required; url=/);
    const inOrg = await t.api.get(`/orgs/${org}/repos`, { token: classic.token });
    assert.equal(inOrg.headers.get('x-github-sso'), `partial-results; organizations=${orgId}`);
    assert.deepEqual(inOrg.json.map((r: { name: string }) => r.name), ['public']);
    assert.equal((await authorize(classic.id)).status, 201);
    const after = await t.api.get('/user/repos?per_page=100', { token: classic.token });
    assert.equal(after.headers.get('x-github-sso'), null);
    assert.ok(after.json.some((r: { full_name: string }) => r.full_name === `${org}/private`));
  });

  it("GitHub's paths answer @octokit/rest's request() (octokit v22 has no named methods for them)", async () => {
    const c = await createClassicToken(t, member, { scopes: ['repo'] });
    assert.equal((await authorize(c.id)).status, 201);
    const octokit = octokitFor(t, owner.token);
    const list = await octokit.request('GET /orgs/{org}/credential-authorizations', { org, login: member.user.login });
    assert.ok((list.data as { credential_id: number }[]).some((a) => a.credential_id === c.id));
    const del = await octokit.request('DELETE /orgs/{org}/credential-authorizations/{credential_id}', { org, credential_id: c.id });
    assert.equal(del.status, 204);
    assert.equal((await t.api.get(`/repos/${org}/private`, { token: c.token })).status, 403);
  });

  it("doesn't lock owners out of token administration (policy, approval queue) with their classic token", async () => {
    assert.equal((await t.api.get(`/orgs/${org}/personal-access-token-policy`, { token: owner.token })).status, 200);
    assert.equal((await t.api.get(`/orgs/${org}/personal-access-token-requests`, { token: owner.token })).status, 200);
    assert.equal((await t.api.get(`/orgs/${org}/members`, { token: owner.token })).status, 403, 'but the org resources need the authorization');
  });
});
