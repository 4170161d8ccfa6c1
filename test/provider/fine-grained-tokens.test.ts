// Fine-grained tokens through /user/personal-access-tokens: one resource owner, a repository
// selection, catalog permissions, a required and capped expiry — and every bad input a 422 naming
// its field. Then what such a token reaches: its owner's selected repositories, public ones (every
// token), nothing else.
import * as assert from 'node:assert/strict';
import { DAY } from '../../src/provider/clock';
import { newSession, type Session } from '../builders/sessions';
import { createFineGrainedToken, postFineGrainedToken } from '../builders/tokens';
import { addMember, createOrg, setPolicy } from '../builders/orgs';
import { createRepo } from '../builders/repos';
import { answersBesideMissing } from './helpers/hidden-repository';
import { startTestProvider, TestProvider } from './helpers/provider';

function fieldsOf(res: { json: unknown }): string[] {
  return ((res.json as { errors?: { field: string }[] }).errors ?? []).map((e) => e.field);
}

describe('fine-grained tokens', function () {
  this.timeout(60_000);
  let t: TestProvider;
  let alice: Session;
  let bob: Session;
  let acme: string;
  let other: string;
  let aliceRepo: { id: number; full_name: string };
  let bobRepo: { id: number; full_name: string };
  let bobPublic: { id: number; full_name: string };

  before(async () => {
    t = await startTestProvider();
    alice = await newSession(t);
    bob = await newSession(t);
    acme = await createOrg(t, alice);
    other = await createOrg(t, bob);
    await createRepo(t, alice, acme, 'site', true);
    await createRepo(t, alice, acme, 'docs', true);
    await createRepo(t, alice, acme, 'www', false);
    await createRepo(t, bob, other, 'secret', true);
    aliceRepo = await createRepo(t, alice, undefined, 'notes', true);
    bobRepo = await createRepo(t, bob, undefined, 'diary', true);
    bobPublic = await createRepo(t, bob, undefined, 'open', false);
  });
  after(async () => t.close());

  describe('creation', () => {
    it('answers 201 with the token once, its resource owner, selection, repositories, permissions (metadata implied) and expiry', async () => {
      const res = await postFineGrainedToken(t, alice, {
        name: 'deploy site',
        description: 'CI deploys',
        resource_owner: acme,
        repositories: ['site', `${acme}/docs`],
        permissions: { repository: { contents: 'write' }, organization: { members: 'read' }, account: { email_addresses: 'read' } },
        expires_in_days: 30,
      });
      assert.equal(res.status, 201, res.text);
      const tok = res.json;
      assert.match(tok.token!, /^tsf_[0-9A-Za-z]{36}$/);
      assert.equal(tok.kind, 'fine_grained');
      assert.equal(tok.name, 'deploy site');
      assert.equal(tok.resource_owner, acme);
      assert.equal(tok.repository_selection, 'subset');
      assert.deepEqual(tok.repositories!.map((r) => r.full_name).sort(), [`${acme}/docs`, `${acme}/site`]);
      assert.deepEqual(tok.permissions, {
        repository: { metadata: 'read', contents: 'write' },
        organization: { members: 'read' },
        account: { email_addresses: 'read' },
      });
      assert.equal(tok.status, 'active');
      assert.equal(new Date(tok.expires_at!).getTime(), t.clock.now().getTime() + 30 * DAY);
      const again = await t.api.get(`/user/personal-access-tokens/${tok.id}`, { token: alice.token });
      assert.equal(again.status, 200);
      assert.equal(again.json.token, undefined, 'the secret is shown once');
      assert.equal(again.json.token_last_eight, tok.token!.slice(-8));
    });

    it('defaults to the user as resource owner with no repositories', async () => {
      const tok = await createFineGrainedToken(t, alice, { permissions: { account: { profile: 'read' } } });
      assert.equal(tok.resource_owner, alice.user.login);
      assert.equal(tok.repository_selection, 'none');
      assert.deepEqual(tok.permissions, { account: { profile: 'read' } });
    });

    const bad: [string, string, () => Record<string, unknown>][] = [
      ['a subset with a repository of another owner', 'repositories', () => ({ resource_owner: acme, repositories: ['site', `${other}/secret`] })],
      ['a subset with a repository id of another owner', 'repositories', () => ({ resource_owner: alice.user.login, repositories: [bobRepo.id] })],
      ['a subset naming a repository that does not exist', 'repositories', () => ({ resource_owner: acme, repositories: ['nope'] })],
      ['a subset without repositories', 'repositories', () => ({ resource_owner: acme, repository_selection: 'subset' })],
      ["repositories with selection 'all'", 'repositories', () => ({ resource_owner: acme, repository_selection: 'all', repositories: ['site'] })],
      ['a permission not in the catalog', 'permissions.repository.issues', () => ({ permissions: { repository: { issues: 'read' } } })],
      ['a permission group not in the catalog', 'permissions.enterprise', () => ({ permissions: { enterprise: { billing: 'read' } } })],
      ["'write' on a read-only permission", 'permissions.repository.metadata', () => ({ permissions: { repository: { metadata: 'write' } } })],
      ['a level that is not read or write', 'permissions.repository.contents', () => ({ permissions: { repository: { contents: 'admin' } } })],
      ['organization permissions on a token the user owns', 'permissions.organization.members', () => ({ permissions: { organization: { members: 'read' } } })],
      ['an expiry past the cap (366 days)', 'expires_at', () => ({ expires_at: new Date(t.clock.now().getTime() + 400 * DAY).toISOString() })],
      ['no expiry', 'expires_at', () => ({ expires_in_days: undefined })],
      ['a null expiry', 'expires_at', () => ({ expires_in_days: undefined, expires_at: null })],
      ['an org the user is not in', 'resource_owner', () => ({ resource_owner: other })],
      ['an owner that does not exist', 'resource_owner', () => ({ resource_owner: 'no-such-owner' })],
      ['another user as owner', 'resource_owner', () => ({ resource_owner: bob.user.login })],
      ['classic scopes', 'scopes', () => ({ scopes: ['repo'] })],
      ['an unknown selection', 'repository_selection', () => ({ repository_selection: 'some' })],
    ];
    for (const [what, field, body] of bad) {
      it(`refuses ${what} with 422 naming ${field}`, async () => {
        const b = body();
        const payload: Record<string, unknown> = { expires_in_days: 30, ...b };
        if (('expires_in_days' in b && b.expires_in_days === undefined) || 'expires_at' in b) delete payload.expires_in_days;
        const res = await t.api.post('/user/personal-access-tokens', {
          token: alice.token,
          body: { name: `bad ${field} ${Math.random().toString(36).slice(2)}`, kind: 'fine_grained', ...payload },
        });
        assert.equal(res.status, 422, res.text);
        assert.ok(fieldsOf(res).includes(field), `errors name ${field}: ${res.text}`);
        assert.match(res.json.message, /^Validation Failed/);
      });
    }

    it("caps the expiry at the org's max_lifetime_days.fine_grained (422 expires_at), a date that many days ahead fits", async () => {
      const org = await createOrg(t, alice);
      await setPolicy(t, org, alice, { max_lifetime_days: { fine_grained: 30 } });
      const over = await postFineGrainedToken(t, alice, { resource_owner: org, expires_in_days: 31 });
      assert.equal(over.status, 422);
      assert.deepEqual(fieldsOf(over), ['expires_at']);
      assert.match(over.text, /30 days/);
      const date = new Date(t.clock.now().getTime() + 30 * DAY).toISOString().slice(0, 10);
      const ok = await postFineGrainedToken(t, alice, { resource_owner: org, expires_in_days: undefined, expires_at: date });
      assert.equal(ok.status, 201, ok.text);
    });
  });

  describe('regeneration and expiry changes re-check the cap', () => {
    it('refuses to keep or set an expiry past a since-tightened cap; a short one works', async () => {
      const org = await createOrg(t, alice);
      const tok = await createFineGrainedToken(t, alice, { resource_owner: org, expires_in_days: 90 });
      await setPolicy(t, org, alice, { max_lifetime_days: { fine_grained: 14 } });
      const keep = await t.api.post(`/user/personal-access-tokens/${tok.id}/regenerate`, { token: alice.token, body: {} });
      assert.equal(keep.status, 422, keep.text);
      assert.deepEqual(fieldsOf(keep), ['expires_at']);
      const long = await t.api.post(`/user/personal-access-tokens/${tok.id}/regenerate`, { token: alice.token, body: { expires_in_days: 30 } });
      assert.equal(long.status, 422);
      const none = await t.api.post(`/user/personal-access-tokens/${tok.id}/regenerate`, { token: alice.token, body: { expires_at: null } });
      assert.equal(none.status, 422);
      assert.deepEqual(fieldsOf(none), ['expires_at']);
      const short = await t.api.post(`/user/personal-access-tokens/${tok.id}/regenerate`, { token: alice.token, body: { expires_in_days: 7 } });
      assert.equal(short.status, 200, short.text);
      assert.notEqual(short.json.token, tok.token);
      const patch = await t.api.patch(`/user/personal-access-tokens/${tok.id}`, { token: alice.token, body: { expires_in_days: 20 } });
      assert.equal(patch.status, 422);
      assert.deepEqual(fieldsOf(patch), ['expires_at']);
      const patchOk = await t.api.patch(`/user/personal-access-tokens/${tok.id}`, { token: alice.token, body: { expires_in_days: 10 } });
      assert.equal(patchOk.status, 200, patchOk.text);
      const nullExpiry = await t.api.patch(`/user/personal-access-tokens/${tok.id}`, { token: alice.token, body: { expires_at: null } });
      assert.equal(nullExpiry.status, 422);
    });
  });

  describe('what a token reaches', () => {
    it("a subset token reads its repository, and gets 404 for the owner's other private repositories", async () => {
      const tok = await createFineGrainedToken(t, alice, { resource_owner: acme, repositories: ['site'], permissions: { repository: { contents: 'read' } } });
      assert.equal((await t.api.get(`/repos/${acme}/site`, { token: tok.token })).status, 200);
      assert.equal((await t.api.get(`/repos/${acme}/site/branches`, { token: tok.token })).status, 200);
      assert.equal((await t.api.get(`/repos/${acme}/docs`, { token: tok.token })).status, 404);
      assert.equal((await t.api.get(`/repos/${acme}/docs/branches`, { token: tok.token })).status, 404);
      // Another owner's private repositories don't exist for it, even ones the user can see.
      assert.equal((await t.api.get(`/repos/${aliceRepo.full_name}`, { token: tok.token })).status, 404);
    });

    it('a private repository the token may not reach is 404 on every route, whatever else the token lacks, as one that does not exist', async () => {
      // Another owner's (the user's own token on the org's), one outside the selection, and one of a token awaiting approval.
      const own = await createFineGrainedToken(t, alice, { permissions: {} });
      const subset = await createFineGrainedToken(t, alice, { resource_owner: acme, repositories: ['docs'], permissions: { repository: { administration: 'read' } } });
      const approving = await createOrg(t, alice);
      await setPolicy(t, approving, alice, { require_approval: true });
      await createRepo(t, alice, approving, 'vault', true);
      const carol = await newSession(t);
      await addMember(t, approving, alice, carol);
      const pending = await createFineGrainedToken(t, carol, { resource_owner: approving, repository_selection: 'all', permissions: { repository: { contents: 'read' } } });
      assert.equal(pending.status, 'pending');
      for (const [token, repo, missing] of [
        [own.token, `${acme}/site`, `${acme}/nothing-here`],
        [subset.token, `${acme}/site`, `${acme}/nothing-here`],
        [pending.token, `${approving}/vault`, `${approving}/nothing-here`],
      ]) {
        for (const { what, res, absent } of await answersBesideMissing(t.api, token, repo, missing)) {
          assert.equal(absent.status, 404, `${what} (missing): ${absent.text}`);
          assert.equal(res.status, 404, `${what}: ${res.text}`);
          assert.equal(res.json.message, absent.json.message);
        }
      }
      // The repositories are still there for the tokens that reach them.
      assert.equal((await t.api.get(`/repos/${acme}/site`, { token: alice.token })).status, 200);
      assert.equal((await t.api.get(`/repos/${approving}/vault`, { token: alice.token })).status, 200);
    });

    it("another organization's member routes answer a token as they answer a non-member: its user's memberships are not told", async () => {
      const theirs = await createOrg(t, bob);
      await addMember(t, theirs, bob, alice);
      const strangers = await createOrg(t, bob);
      const tok = await createFineGrainedToken(t, alice, {
        resource_owner: acme,
        repository_selection: 'all',
        permissions: { repository: { administration: 'write' }, organization: { members: 'read' } },
      });
      const calls = (org: string) => [
        ['GET', `/orgs/${org}/members`],
        ['GET', `/orgs/${org}/members/${bob.user.login}`],
        ['GET', `/orgs/${org}/memberships/${bob.user.login}`],
        ['POST', `/orgs/${org}/repos`, { name: 'probe' }],
      ] as const;
      const answers = async (org: string) => {
        const out = [];
        for (const [method, path, body] of calls(org)) {
          const res = await t.api.call(method, path, { token: tok.token, ...(body ? { body } : {}) });
          out.push(`${method} ${path.replace(org, 'ORG')}: ${res.status} ${res.json?.message}`);
        }
        const orgId = (await t.api.get(`/orgs/${org}`, { token: tok.token })).json.node_id;
        const gql = await t.api.post(`${t.provider.url}/api/graphql`, {
          token: tok.token,
          body: { query: 'mutation($i: CreateRepositoryInput!) { createRepository(input: $i) { repository { name } } }', variables: { i: { name: 'probe', visibility: 'PRIVATE', ownerId: orgId } } },
        });
        out.push(`createRepository: ${gql.json.errors?.[0]?.type} ${gql.json.errors?.[0]?.message.replace(org, 'ORG')}`);
        return out;
      };
      const member = await answers(theirs);
      assert.deepEqual(member, await answers(strangers));
      assert.match(member[0], /: 404 Not Found$/);
      // Its user is a member all the same, as the user's own token shows.
      assert.equal((await t.api.get(`/orgs/${theirs}/members`, { token: alice.token })).status, 200);
    });

    it("selection 'all' reaches all of the owner's repositories; 'none' none of the private ones", async () => {
      const all = await createFineGrainedToken(t, alice, { resource_owner: acme, repository_selection: 'all', permissions: { repository: { contents: 'read' } } });
      for (const r of ['site', 'docs']) assert.equal((await t.api.get(`/repos/${acme}/${r}/branches`, { token: all.token })).status, 200);
      const none = await createFineGrainedToken(t, alice, { resource_owner: acme, permissions: { organization: { members: 'read' } } });
      assert.equal((await t.api.get(`/repos/${acme}/site`, { token: none.token })).status, 404);
      assert.equal((await t.api.get(`/orgs/${acme}/members`, { token: none.token })).status, 200);
    });

    it('every token reads public repositories (any owner), even without permissions', async () => {
      const tok = await createFineGrainedToken(t, alice, { permissions: {} });
      const repo = await t.api.get(`/repos/${bobPublic.full_name}`, { token: tok.token });
      assert.equal(repo.status, 200, repo.text);
      assert.equal((await t.api.get(`/repos/${bobPublic.full_name}/branches`, { token: tok.token })).status, 200);
      assert.equal((await t.api.get(`/repos/${acme}/www`, { token: tok.token })).status, 200);
      // ... but writes to them are the owner's business.
      const patch = await t.api.patch(`/repos/${acme}/www`, { token: tok.token, body: { description: 'x' } });
      assert.equal(patch.status, 403);
    });

    it("an org-owned token can't act on the user's own resources, and says whose it is", async () => {
      const tok = await createFineGrainedToken(t, alice, { resource_owner: acme, repository_selection: 'all', permissions: { repository: { administration: 'write' } } });
      const res = await t.api.post('/user/repos', { token: tok.token, body: { name: 'from-org-token' } });
      assert.equal(res.status, 403);
      assert.match(res.json.message, new RegExp(`resource owner is '${acme}'`));
    });

    it("write on a public repository outside the token's subset is 403 naming the repository", async () => {
      const tok = await createFineGrainedToken(t, alice, { resource_owner: acme, repositories: ['site'], permissions: { repository: { administration: 'write' } } });
      const res = await t.api.patch(`/repos/${acme}/www`, { token: tok.token, body: { description: 'nope' } });
      assert.equal(res.status, 403);
      assert.match(res.json.message, new RegExp(`'${acme}/www' is not among the token's repositories`));
    });

    it('a token of an org member who leaves loses the org: its resource owner returns to the user', async () => {
      const carol = await newSession(t);
      await addMember(t, acme, alice, carol);
      const tok = await createFineGrainedToken(t, carol, { resource_owner: acme, repository_selection: 'all', permissions: { repository: { contents: 'read' } } });
      assert.equal((await t.api.get(`/repos/${acme}/site/branches`, { token: tok.token })).status, 200);
      const rm = await t.api.delete(`/orgs/${acme}/memberships/${carol.user.login}`, { token: alice.token });
      assert.equal(rm.status, 204, rm.text);
      assert.equal((await t.api.get(`/repos/${acme}/site/branches`, { token: tok.token })).status, 404);
      const mine = await t.api.get(`/user/personal-access-tokens/${tok.id}`, { token: carol.token });
      assert.equal(mine.json.resource_owner, carol.user.login);
      assert.equal(mine.json.repository_selection, 'none');
      assert.match(mine.json.status_reason, /no longer a member/);
    });

    it('a revoked token stays revoked: a new owner or selection is refused (only name and description change), and a removed membership does not revive it', async () => {
      const dave = await newSession(t);
      await addMember(t, acme, alice, dave);
      const tok = await createFineGrainedToken(t, dave, { resource_owner: acme, repository_selection: 'all', permissions: { repository: { contents: 'read' } } });
      assert.equal((await t.api.post('/credentials/revoke', { body: { credentials: [tok.token] } })).status, 202);
      const path = `/user/personal-access-tokens/${tok.id}`;
      for (const body of [{ resource_owner: dave.user.login }, { repository_selection: 'none' }, { justification: 'again' }]) {
        const res = await t.api.patch(path, { token: dave.token, body });
        assert.equal(res.status, 422, `${JSON.stringify(body)}: ${res.text}`);
        assert.deepEqual(fieldsOf(res), ['status']);
      }
      const renamed = await t.api.patch(path, { token: dave.token, body: { name: 'revoked, kept for the record', description: 'leaked' } });
      assert.equal(renamed.status, 200, renamed.text);
      assert.equal(renamed.json.status, 'revoked');

      assert.equal((await t.api.delete(`/orgs/${acme}/memberships/${dave.user.login}`, { token: alice.token })).status, 204);
      const after = await t.api.get(path, { token: dave.token });
      assert.equal(after.json.status, 'revoked');
      assert.equal(after.json.resource_owner, dave.user.login, 'the org grant is gone all the same');
      assert.equal((await t.api.get('/user', { token: tok.token })).status, 401);
    });

    it('widening a token (more permissions, more repositories, another owner) needs sudo', async () => {
      const tok = await createFineGrainedToken(t, alice, { resource_owner: acme, repositories: ['site'], permissions: { repository: { contents: 'read' } } });
      // A token without a sudo window (made with Basic, so it never had one).
      const noSudo = await t.api.post('/user/personal-access-tokens', {
        basic: { login: alice.user.login, password: alice.user.password },
        body: { name: `no sudo ${Date.now()}`, scopes: ['admin:token'] },
      });
      assert.equal(noSudo.status, 201, noSudo.text);
      const wider = await t.api.patch(`/user/personal-access-tokens/${tok.id}`, {
        token: noSudo.json.token,
        body: { permissions: { repository: { contents: 'write' } } },
      });
      assert.equal(wider.status, 403);
      assert.equal(wider.headers.get('x-tessera-sudo'), 'required');
      const moreRepos = await t.api.patch(`/user/personal-access-tokens/${tok.id}`, { token: noSudo.json.token, body: { repositories: ['site', 'docs'] } });
      assert.equal(moreRepos.status, 403);
      const narrower = await t.api.patch(`/user/personal-access-tokens/${tok.id}`, { token: noSudo.json.token, body: { name: 'renamed', repository_selection: 'none' } });
      assert.equal(narrower.status, 200, narrower.text);
      assert.equal(narrower.json.repository_selection, 'none');
      assert.equal(narrower.json.repositories, undefined);
    });
  });
});
