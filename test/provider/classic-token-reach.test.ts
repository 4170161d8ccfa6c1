// What a classic token may learn about private repositories: without `repo` (or Tessera's
// `admin:token`) a private repository its user can see does not exist for it — every REST route
// and GraphQL answer it exactly as a name nobody uses (404 / NOT_FOUND), before any 403 about the
// scope it lacks — as GitHub answers such a token. With `admin:token` it reads the metadata only.
import * as assert from 'node:assert/strict';
import { CLASSIC_SCOPES, normalizeScopes, scopeAncestors } from '../../src/shared/classic-scopes';
import { newSession, type Session } from '../builders/sessions';
import { createClassicToken } from '../builders/tokens';
import { createOrg } from '../builders/orgs';
import { createRepo } from '../builders/repos';
import { answersBesideMissing } from './helpers/hidden-repository';
import { startTestProvider, TestProvider } from './helpers/provider';

describe('classic tokens and private repositories', function () {
  this.timeout(60_000);
  let t: TestProvider;
  let alice: Session;
  let acme: string;

  before(async () => {
    t = await startTestProvider({ tls: 'auto' });
    alice = await newSession(t);
    acme = await createOrg(t, alice);
    await createRepo(t, alice, undefined, 'notes', true);
    await createRepo(t, alice, acme, 'site', true);
    await createRepo(t, alice, acme, 'www', false);
  });
  after(async () => t.close());

  /** Every scope but `repo` (and what holds it) and `admin:token`: delete_repo, admin:org, user … */
  const everyOtherScope = normalizeScopes(CLASSIC_SCOPES.map((s) => s.name).filter((s) => !['repo', 'admin:token', ...scopeAncestors('repo')].includes(s)));

  it('without repo or admin:token, a private repository is 404 on every route, with the same answer as a missing one', async () => {
    for (const scopes of [[], ['public_repo'], everyOtherScope]) {
      const tok = await createClassicToken(t, alice, { scopes });
      for (const [repo, missing] of [
        [`${alice.user.login}/notes`, `${alice.user.login}/nothing-here`],
        [`${acme}/site`, `${acme}/nothing-here`],
      ]) {
        for (const answer of await answersBesideMissing(t.api, tok.token, repo, missing)) {
          const { res, absent } = answer;
          const what = `${scopes.join(',') || 'no scopes'}: ${answer.what}`;
          assert.equal(absent.status, 404, `${what} (missing): ${absent.text}`);
          assert.equal(res.status, 404, `${what}: ${res.text}`);
          assert.equal(res.text, absent.text, what);
          for (const h of ['x-oauth-scopes', 'x-accepted-oauth-scopes', 'x-accepted-github-permissions']) assert.equal(res.headers.get(h), absent.headers.get(h), `${what}: ${h}`);
        }
      }
    }
    // Still there for a token with repo.
    const repo = await createClassicToken(t, alice, { scopes: ['repo'] });
    assert.equal((await t.api.get(`/repos/${acme}/site`, { token: repo.token })).status, 200);
    assert.equal((await t.api.get(`/repos/${alice.user.login}/notes/branches`, { token: repo.token })).status, 200);
  });

  it('GraphQL: repository() is NOT_FOUND for it, as a missing name (not INSUFFICIENT_SCOPES)', async () => {
    const tok = await createClassicToken(t, alice, { scopes: everyOtherScope });
    const q = 'query($o: String!, $n: String!) { repository(owner: $o, name: $n) { name } }';
    for (const n of ['site', 'nothing-here']) {
      const res = await t.api.post(`${t.provider.url}/api/graphql`, { token: tok.token, body: { query: q, variables: { o: acme, n } } });
      assert.equal(res.status, 200, res.text);
      assert.deepEqual(res.json.data, { repository: null });
      assert.deepEqual(
        res.json.errors.map((e: { type: string; message: string }) => [e.type, e.message]),
        [['NOT_FOUND', `Could not resolve to a Repository with the name '${acme}/${n}'.`]],
      );
    }
  });

  it('public repositories answer it as before: read, and a write names the scope it lacks', async () => {
    const tok = await createClassicToken(t, alice, { scopes: [] });
    assert.equal((await t.api.get(`/repos/${acme}/www`, { token: tok.token })).status, 200);
    const write = await t.api.patch(`/repos/${acme}/www`, { token: tok.token, body: { description: 'x' } });
    assert.equal(write.status, 403, write.text);
    assert.match(write.json.message, /Token lacks the required scope: public_repo/);
  });

  it('admin:token reads a private repository (to make tokens for it), but not its contents: 403 naming repo', async () => {
    const tok = await createClassicToken(t, alice, { scopes: ['admin:token'] });
    assert.equal((await t.api.get(`/repos/${acme}/site`, { token: tok.token })).status, 200);
    const branches = await t.api.get(`/repos/${acme}/site/branches`, { token: tok.token });
    assert.equal(branches.status, 403, branches.text);
    assert.match(branches.json.message, /Token lacks the required scope: repo/);
  });

  it('delete_repo deletes a public repository alone, a private one with repo (without, it is not found)', async () => {
    const deleteOnly = await createClassicToken(t, alice, { scopes: ['delete_repo'] });
    const both = await createClassicToken(t, alice, { scopes: ['repo', 'delete_repo'] });
    await createRepo(t, alice, acme, 'open-gone', false);
    assert.equal((await t.api.delete(`/repos/${acme}/open-gone`, { token: deleteOnly.token })).status, 204);
    await createRepo(t, alice, acme, 'private-gone', true);
    assert.equal((await t.api.delete(`/repos/${acme}/private-gone`, { token: deleteOnly.token })).status, 404);
    assert.equal((await t.api.get(`/repos/${acme}/private-gone`, { token: both.token })).status, 200, 'not deleted');
    assert.equal((await t.api.delete(`/repos/${acme}/private-gone`, { token: both.token })).status, 204);
  });
});
