// Org token policy: GET/PATCH /orgs/{org}/personal-access-token-policy (owners only), classic
// tokens restricted (403 on the org's resources, public reads still fine), lifetime caps at
// creation and at use after tightening, and the approval lifecycle: pending → approved → revoked →
// re-requested (and denied, with the reason on the token).
import * as assert from 'node:assert/strict';
import { DAY } from '../../src/provider/clock';
import { newSession, type Session } from '../builders/sessions';
import { createClassicToken, createFineGrainedToken, postFineGrainedToken } from '../builders/tokens';
import { addMember, createOrg, setPolicy } from '../builders/orgs';
import { createRepo } from '../builders/repos';
import { startTestProvider, TestProvider } from './helpers/provider';

describe('org token policy', function () {
  this.timeout(60_000);
  let t: TestProvider;
  let owner: Session;
  let member: Session;
  let outsider: Session;

  before(async () => {
    t = await startTestProvider();
    owner = await newSession(t);
    member = await newSession(t);
    outsider = await newSession(t);
  });
  after(async () => t.close());

  async function orgWithRepos(): Promise<string> {
    const org = await createOrg(t, owner);
    await addMember(t, org, owner, member);
    await createRepo(t, owner, org, 'private', true);
    await createRepo(t, owner, org, 'public', false);
    return org;
  }

  describe('the policy endpoint', () => {
    it('has defaults, is changed by owners, and is owners-only (member 403, outsider 404)', async () => {
      const org = await orgWithRepos();
      const get = await t.api.get(`/orgs/${org}/personal-access-token-policy`, { token: owner.token });
      assert.equal(get.status, 200);
      assert.deepEqual(get.json, { classic_tokens: 'allowed', require_approval: false, max_lifetime_days: { classic: null, fine_grained: 366 }, sso_required: false });
      const patch = await t.api.patch(`/orgs/${org}/personal-access-token-policy`, {
        token: owner.token,
        body: { classic_tokens: 'restricted', max_lifetime_days: { classic: 90 } },
      });
      assert.equal(patch.status, 200, patch.text);
      assert.deepEqual(patch.json, { classic_tokens: 'restricted', require_approval: false, max_lifetime_days: { classic: 90, fine_grained: 366 }, sso_required: false });
      assert.equal((await t.api.get(`/orgs/${org}/personal-access-token-policy`, { token: member.token })).status, 403);
      assert.equal((await t.api.patch(`/orgs/${org}/personal-access-token-policy`, { token: member.token, body: { require_approval: true } })).status, 403);
      assert.equal((await t.api.get(`/orgs/${org}/personal-access-token-policy`, { token: outsider.token })).status, 404);
      const log = await t.api.get(`/orgs/${org}/audit-log?phrase=action:org.personal_access_token_policy_update`, { token: owner.token });
      assert.equal(log.json.length, 1);
      assert.equal(log.json[0].after.classic_tokens, 'restricted');
    });

    for (const [what, body, field] of [
      ['a lifetime of 0 days', { max_lifetime_days: { fine_grained: 0 } }, 'max_lifetime_days.fine_grained'],
      ['a lifetime over 366 days', { max_lifetime_days: { classic: 367 } }, 'max_lifetime_days.classic'],
      ['a null fine-grained lifetime', { max_lifetime_days: { fine_grained: null } }, 'max_lifetime_days.fine_grained'],
      ['an unknown classic_tokens value', { classic_tokens: 'forbidden' }, 'classic_tokens'],
      ['a non-boolean require_approval', { require_approval: 'yes' }, 'require_approval'],
      ['an unknown field', { allow_everything: true }, 'allow_everything'],
    ] as const) {
      it(`refuses ${what} with 422 naming ${field}`, async () => {
        const org = await createOrg(t, owner);
        const res = await t.api.patch(`/orgs/${org}/personal-access-token-policy`, { token: owner.token, body });
        assert.equal(res.status, 422, res.text);
        assert.ok(res.json.errors.some((e: { field: string }) => e.field === field), res.text);
      });
    }
  });

  describe('classic tokens restricted', () => {
    it("→ 403 on the org's resources, 200 on its public ones (and elsewhere)", async () => {
      const org = await orgWithRepos();
      const classic = await createClassicToken(t, member, { scopes: ['repo', 'read:org'] });
      assert.equal((await t.api.get(`/repos/${org}/private`, { token: classic.token })).status, 200);
      await setPolicy(t, org, owner, { classic_tokens: 'restricted' });
      for (const path of [`/repos/${org}/private`, `/repos/${org}/private/branches`, `/orgs/${org}/members`]) {
        const res = await t.api.get(path, { token: classic.token });
        assert.equal(res.status, 403, `${path}: ${res.text}`);
        assert.match(res.json.message, new RegExp(`'${org}' organization forbids access with classic personal access tokens`));
      }
      const write = await t.api.patch(`/repos/${org}/public`, { token: classic.token, body: { description: 'x' } });
      assert.equal(write.status, 403, 'writes to public repositories are org resources too');
      for (const path of [`/repos/${org}/public`, `/repos/${org}/public/branches`, `/orgs/${org}`]) {
        assert.equal((await t.api.get(path, { token: classic.token })).status, 200, path);
      }
      // The org's private repositories vanish from lists; its public ones stay.
      const listed = await t.api.get(`/orgs/${org}/repos`, { token: classic.token });
      assert.deepEqual(listed.json.map((r: { name: string }) => r.name), ['public']);
      // Fine-grained tokens are unaffected.
      const fg = await createFineGrainedToken(t, member, { resource_owner: org, repository_selection: 'all', permissions: { repository: { contents: 'read' } } });
      assert.equal((await t.api.get(`/repos/${org}/private/branches`, { token: fg.token })).status, 200);
      // Owners still administer tokens with a classic token (the extension signs in with one).
      assert.equal((await t.api.get(`/orgs/${org}/personal-access-token-requests`, { token: owner.token })).status, 200);
    });

    it("a member's classic token: GET /user/memberships/orgs leaves out the org, as GET /user/orgs does; its membership answers the policy", async () => {
      const org = await orgWithRepos();
      const classic = await createClassicToken(t, member, { scopes: ['read:org'] });
      const logins = async (path: string) => {
        const res = await t.api.get(path, { token: classic.token });
        assert.equal(res.status, 200, `${path}: ${res.text}`);
        return res.json.map((o: { login?: string; organization?: { login: string } }) => o.organization?.login ?? o.login);
      };
      assert.ok((await logins('/user/memberships/orgs?per_page=100')).includes(org));
      await setPolicy(t, org, owner, { classic_tokens: 'restricted' });
      assert.ok(!(await logins('/user/orgs?per_page=100')).includes(org));
      assert.ok(!(await logins('/user/memberships/orgs?per_page=100')).includes(org));
      const one = await t.api.get(`/user/memberships/orgs/${org}`, { token: classic.token });
      assert.equal(one.status, 403, one.text);
      assert.match(one.json.message, /forbids access with classic personal access tokens/);
      // Its owner's classic token still administers the org: listed.
      const mine = await t.api.get('/user/memberships/orgs?per_page=100', { token: owner.token });
      assert.ok(mine.json.some((m: { organization: { login: string } }) => m.organization.login === org));
    });

    it("owners administer the org with the editor's sign-in token; the org's repositories stay closed to classic tokens", async () => {
      // The scopes the editor signs in with (src/extension/auth/sign-in-core.ts).
      const editorOwner = await newSession(t, ['admin:token', 'user', 'repo', 'delete_repo']);
      const org = await createOrg(t, editorOwner);
      await addMember(t, org, editorOwner, member);
      await createRepo(t, editorOwner, org, 'private', true);
      const invitee = await newSession(t);
      await setPolicy(t, org, editorOwner, { classic_tokens: 'restricted' });
      const ok = async (method: 'get' | 'put' | 'delete', path: string, body?: object, status = 200) => {
        const res = await t.api[method](path, { token: editorOwner.token, ...(body ? { body } : {}) });
        assert.equal(res.status, status, `${method.toUpperCase()} ${path}: ${res.text}`);
        return res;
      };
      // Memberships, invitations, approvals and the policy: what the Organizations and Approvals views call.
      assert.deepEqual((await ok('get', `/orgs/${org}/members?role=admin`)).json.map((u: { login: string }) => u.login), [editorOwner.user.login]);
      assert.equal((await ok('get', `/orgs/${org}/members?role=member`)).json.length, 1);
      await ok('put', `/orgs/${org}/memberships/${invitee.user.login}`, { role: 'member' });
      assert.equal((await ok('get', `/orgs/${org}/invitations`)).json.length, 1);
      await ok('delete', `/orgs/${org}/memberships/${invitee.user.login}`, undefined, 204);
      await ok('put', `/orgs/${org}/memberships/${member.user.login}`, { role: 'member' });
      await ok('get', `/orgs/${org}/personal-access-token-requests`);
      await ok('get', `/orgs/${org}/personal-access-token-policy`);
      assert.deepEqual((await ok('get', '/user/memberships/orgs')).json.map((m: { organization: { login: string } }) => m.organization.login), [org]);
      // The org's private repository is one of its resources: the policy holds for its owner's classic token too.
      const repo = await t.api.get(`/repos/${org}/private`, { token: editorOwner.token });
      assert.equal(repo.status, 403, repo.text);
      assert.match(repo.json.message, /forbids access with classic personal access tokens/);
      // A member's classic token (with the scopes for it) is refused on the org's members and repositories.
      const classic = await createClassicToken(t, member, { scopes: ['repo', 'read:org', 'admin:org'] });
      for (const path of [`/orgs/${org}/members`, `/orgs/${org}/memberships/${member.user.login}`, `/repos/${org}/private`]) {
        const res = await t.api.get(path, { token: classic.token });
        assert.equal(res.status, 403, `${path}: ${res.text}`);
        assert.match(res.json.message, /forbids access with classic personal access tokens/);
      }
    });
  });

  describe('maximum lifetime', () => {
    it('fine-grained: refused at creation with 422; at use (403) after the policy was tightened; a regenerated shorter token works', async () => {
      const org = await orgWithRepos();
      await setPolicy(t, org, owner, { max_lifetime_days: { fine_grained: 60 } });
      const over = await postFineGrainedToken(t, member, { resource_owner: org, expires_in_days: 90 });
      assert.equal(over.status, 422);
      assert.equal((over.json as unknown as { errors: { field: string }[] }).errors[0].field, 'expires_at');
      const tok = await createFineGrainedToken(t, member, { resource_owner: org, repository_selection: 'all', permissions: { repository: { contents: 'read' } }, expires_in_days: 60 });
      assert.equal((await t.api.get(`/repos/${org}/private/branches`, { token: tok.token })).status, 200);
      await setPolicy(t, org, owner, { max_lifetime_days: { fine_grained: 30 } });
      const refused = await t.api.get(`/repos/${org}/private/branches`, { token: tok.token });
      assert.equal(refused.status, 403, refused.text);
      assert.match(refused.json.message, /lifetime \(60 days\) exceeds the maximum of 30 days/);
      // Public reads are still fine.
      assert.equal((await t.api.get(`/repos/${org}/public`, { token: tok.token })).status, 200);
      const regen = await t.api.post(`/user/personal-access-tokens/${tok.id}/regenerate`, { token: member.token, body: { expires_in_days: 30 } });
      assert.equal(regen.status, 200, regen.text);
      assert.equal((await t.api.get(`/repos/${org}/private/branches`, { token: regen.json.token })).status, 200);
    });

    it('classic: a token without expiry, or longer than the cap, is refused on the org once a cap is set', async () => {
      const org = await orgWithRepos();
      const forever = await createClassicToken(t, member, { scopes: ['repo'] });
      const month = await createClassicToken(t, member, { scopes: ['repo'], expires_in_days: 30 });
      const week = await createClassicToken(t, member, { scopes: ['repo'], expires_in_days: 7 });
      await setPolicy(t, org, owner, { max_lifetime_days: { classic: 14 } });
      const a = await t.api.get(`/repos/${org}/private`, { token: forever.token });
      assert.equal(a.status, 403);
      assert.match(a.json.message, /no expiry\) exceeds the maximum of 14 days/);
      assert.equal((await t.api.get(`/repos/${org}/private`, { token: month.token })).status, 403);
      assert.equal((await t.api.get(`/repos/${org}/private`, { token: week.token })).status, 200);
    });

    it('classic: a new expiry (PATCH) starts a new lifetime, as regeneration does', async () => {
      const org = await orgWithRepos();
      const tok = await createClassicToken(t, member, { scopes: ['repo'], expires_in_days: 30 });
      const start = t.clock.now();
      t.clock.advance(20 * DAY);
      try {
        await setPolicy(t, org, owner, { max_lifetime_days: { classic: 14 } });
        assert.equal((await t.api.get(`/repos/${org}/private`, { token: tok.token })).status, 403, 'a 30-day lifetime is over the cap');
        // 7 days from now: shorter than the 10 days left, so no sudo; counted from its creation it would be 27 days.
        const patch = await t.api.patch(`/user/personal-access-tokens/${tok.id}`, { token: member.token, body: { expires_in_days: 7 } });
        assert.equal(patch.status, 200, patch.text);
        const after = await t.api.get(`/repos/${org}/private`, { token: tok.token });
        assert.equal(after.status, 200, after.text);
      } finally {
        t.clock.set(start);
      }
    });
  });

  describe('approval', () => {
    it('pending → approved → revoked → re-requested, reading public resources only while pending', async () => {
      const org = await orgWithRepos();
      await setPolicy(t, org, owner, { require_approval: true });
      const tok = await createFineGrainedToken(t, member, {
        resource_owner: org,
        repositories: ['private'],
        permissions: { repository: { contents: 'read' } },
        justification: 'deploys',
      });
      assert.equal(tok.status, 'pending');
      assert.equal(tok.justification, 'deploys');
      // Pending: public reads only.
      assert.equal((await t.api.get(`/repos/${org}/public`, { token: tok.token })).status, 200);
      assert.equal((await t.api.get(`/repos/${org}/private`, { token: tok.token })).status, 404);
      const members = await t.api.get(`/orgs/${org}/members`, { token: tok.token });
      assert.equal(members.status, 403);
      const me = await t.api.get('/user', { token: tok.token });
      assert.equal(me.status, 403);
      assert.match(me.json.message, /pending approval/);

      const queue = await t.api.get(`/orgs/${org}/personal-access-token-requests`, { token: owner.token });
      assert.equal(queue.json.length, 1);
      assert.equal(queue.json[0].reason, 'deploys');
      assert.equal(queue.json[0].token_id, tok.id);
      const approve = await t.api.post(`/orgs/${org}/personal-access-token-requests/${queue.json[0].id}`, { token: owner.token, body: { action: 'approve' } });
      assert.equal(approve.status, 204, approve.text);
      assert.equal((await t.api.get(`/user/personal-access-tokens/${tok.id}`, { token: member.token })).json.status, 'active');
      assert.equal((await t.api.get(`/repos/${org}/private/branches`, { token: tok.token })).status, 200);

      const revoke = await t.api.post(`/orgs/${org}/personal-access-tokens/${tok.id}`, { token: owner.token, body: { action: 'revoke' } });
      assert.equal(revoke.status, 204, revoke.text);
      const after = (await t.api.get(`/user/personal-access-tokens/${tok.id}`, { token: member.token })).json;
      assert.equal(after.resource_owner, member.user.login, "revoking returns the token's resource owner to the user");
      assert.equal(after.repository_selection, 'none');
      assert.match(after.status_reason, /revoked/);
      assert.equal((await t.api.get(`/repos/${org}/private`, { token: tok.token })).status, 404);
      assert.deepEqual((await t.api.get(`/orgs/${org}/personal-access-tokens`, { token: owner.token })).json, []);

      const again = await t.api.patch(`/user/personal-access-tokens/${tok.id}`, {
        token: member.token,
        body: { resource_owner: org, repositories: ['private'], justification: 'deploys, again' },
      });
      assert.equal(again.status, 200, again.text);
      assert.equal(again.json.status, 'pending');
      assert.equal(again.json.resource_owner, org);
      const queue2 = await t.api.get(`/orgs/${org}/personal-access-token-requests`, { token: owner.token });
      assert.equal(queue2.json.length, 1);
      assert.equal(queue2.json[0].reason, 'deploys, again');
      assert.notEqual(queue2.json[0].id, queue.json[0].id);
      const log = await t.api.get(`/orgs/${org}/audit-log`, { token: owner.token });
      const actions = log.json.map((e: { action: string }) => e.action);
      for (const a of ['personal_access_token.request_created', 'personal_access_token.access_granted', 'personal_access_token.access_revoked']) {
        assert.ok(actions.includes(a), `${a} in ${actions.join(', ')}`);
      }
    });

    it('a denial reason reaches the requester on their token; a PATCH of its access asks again, a rename does not', async () => {
      const org = await orgWithRepos();
      await setPolicy(t, org, owner, { require_approval: true });
      const tok = await createFineGrainedToken(t, member, {
        resource_owner: org,
        repository_selection: 'all',
        permissions: { repository: { contents: 'write' }, organization: { members: 'read' } },
      });
      const [req] = (await t.api.get(`/orgs/${org}/personal-access-token-requests`, { token: owner.token })).json;
      const deny = await t.api.post(`/orgs/${org}/personal-access-token-requests/${req.id}`, {
        token: owner.token,
        body: { action: 'deny', reason: 'Use read-only access to contents' },
      });
      assert.equal(deny.status, 204);
      const mine = (await t.api.get(`/user/personal-access-tokens/${tok.id}`, { token: member.token })).json;
      assert.equal(mine.status, 'denied');
      assert.equal(mine.status_reason, 'Use read-only access to contents');
      const refused = await t.api.get(`/orgs/${org}/members`, { token: tok.token });
      assert.equal(refused.status, 403);
      assert.match(refused.json.message, /denied this token's request: Use read-only access to contents/);
      // Deny is final for that request: it can't be reviewed again.
      const twice = await t.api.post(`/orgs/${org}/personal-access-token-requests/${req.id}`, { token: owner.token, body: { action: 'approve' } });
      assert.equal(twice.status, 422);
      // A rename alone is no new request: the denial and its reason stay, the queue stays empty.
      const renamed = await t.api.patch(`/user/personal-access-tokens/${tok.id}`, { token: member.token, body: { name: 'renamed only' } });
      assert.equal(renamed.status, 200, renamed.text);
      assert.equal(renamed.json.status, 'denied');
      assert.equal(renamed.json.status_reason, 'Use read-only access to contents');
      assert.deepEqual((await t.api.get(`/orgs/${org}/personal-access-token-requests`, { token: owner.token })).json, []);
      const again = await t.api.patch(`/user/personal-access-tokens/${tok.id}`, { token: member.token, body: { permissions: { repository: { contents: 'read' }, organization: { members: 'read' } }, justification: 'read only now' } });
      assert.equal(again.status, 200, again.text);
      assert.equal(again.json.status, 'pending');
    });

    it('moving a pending token back to the user withdraws its request (request_cancelled)', async () => {
      const org = await orgWithRepos();
      await setPolicy(t, org, owner, { require_approval: true });
      const tok = await createFineGrainedToken(t, member, { resource_owner: org, permissions: { organization: { members: 'read' } } });
      assert.equal((await t.api.get(`/orgs/${org}/personal-access-token-requests`, { token: owner.token })).json.length, 1);
      const back = await t.api.patch(`/user/personal-access-tokens/${tok.id}`, { token: member.token, body: { resource_owner: member.user.login, permissions: {} } });
      assert.equal(back.status, 200, back.text);
      assert.equal(back.json.status, 'active');
      assert.equal(back.json.resource_owner, member.user.login);
      assert.deepEqual((await t.api.get(`/orgs/${org}/personal-access-token-requests`, { token: owner.token })).json, []);
      const log = await t.api.get(`/orgs/${org}/audit-log?phrase=action:personal_access_token.request_cancelled`, { token: owner.token });
      assert.equal(log.json.length, 1);
      assert.equal(log.json[0].token_id, tok.id);
    });

    it("owners' own tokens are approved at once; tokens for orgs without the policy are active at once", async () => {
      const org = await orgWithRepos();
      await setPolicy(t, org, owner, { require_approval: true });
      const mine = await createFineGrainedToken(t, owner, { resource_owner: org, repository_selection: 'all', permissions: { repository: { contents: 'read' } } });
      assert.equal(mine.status, 'active');
      const grants = await t.api.get(`/orgs/${org}/personal-access-tokens`, { token: owner.token });
      assert.deepEqual(grants.json.map((g: { token_id: number }) => g.token_id), [mine.id]);
      const open = await orgWithRepos();
      const theirs = await createFineGrainedToken(t, member, { resource_owner: open, permissions: { organization: { members: 'read' } } });
      assert.equal(theirs.status, 'active');
      assert.equal((await t.api.get(`/orgs/${open}/members`, { token: theirs.token })).status, 200);
    });

    it('a pending token past its expiry reports expired', async () => {
      const org = await orgWithRepos();
      await setPolicy(t, org, owner, { require_approval: true });
      const tok = await createFineGrainedToken(t, member, { resource_owner: org, expires_in_days: 1 });
      t.clock.advance(2 * DAY);
      try {
        const res = await t.api.get(`/user/personal-access-tokens/${tok.id}`, { basic: { login: member.user.login, password: member.user.password } });
        assert.equal(res.json.status, 'expired');
        const queue = await t.api.get(`/orgs/${org}/personal-access-token-requests`, { basic: { login: owner.user.login, password: owner.user.password } });
        assert.equal(queue.json[0].token_expired, true);
      } finally {
        // Keep the sessions' sudo windows usable for later tests.
        t.clock.set(new Date(t.clock.now().getTime() - 2 * DAY));
      }
    });
  });
});
