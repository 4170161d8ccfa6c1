// GitHub's own command-line client, unchanged (Debian's `gh`), against the real provider over
// HTTPS (set-up in helpers/gh.ts): `gh api` reads /meta, /rate_limit (and the rate-limit headers
// with --include), a list across several pages (--paginate follows the Link headers), and
// timestamps as GitHub writes them (to the second, as jq's fromdate reads them), and an error
// followed by a `gh auth refresh -s` suggestion only when the token lacks every accepted scope.
import * as assert from 'node:assert/strict';
import { GHES_API_VERSION } from '../../src/provider/http/ghes-version';
import { createUser, type TestUser } from '../builders/users';
import { newSession, signIn } from '../builders/sessions';
import { createOrg } from '../builders/orgs';
import { createRepo } from '../builders/repos';
import { createClassicToken } from '../builders/tokens';
import { ensureGh, GhEnvironment, ghEnvironment, runGh } from './helpers/gh';
import { startTestProvider, TestProvider } from './helpers/provider';

describe('gh api against the provider', function () {
  this.timeout(120_000);
  let t: TestProvider;
  let user: TestUser;
  let token: string;
  let ghEnv: GhEnvironment;

  before(async function () {
    this.timeout(600_000);
    ensureGh();
    // GitHub's default for requests with credentials, which gh shows.
    t = await startTestProvider({ tls: 'auto', rateLimit: { authenticated: 5000 } });
    user = await createUser(t);
    token = (await signIn(t, user, ['admin:token', 'user'], 'gh')).token;
    ghEnv = await ghEnvironment(t.provider, token);
  });
  after(async () => {
    await t?.close();
    await ghEnv?.dispose();
  });

  async function gh(...args: string[]): Promise<string> {
    const r = await runGh(args, ghEnv.env);
    assert.equal(r.status, 0, `gh ${args.join(' ')} failed (${r.status}):\n${r.stderr}${r.stdout}`);
    return r.stdout;
  }

  it('reads /meta', async () => {
    const meta = JSON.parse(await gh('api', '/meta'));
    assert.equal(meta.installed_version, GHES_API_VERSION);
    assert.equal(meta.verifiable_password_authentication, true);
  });

  it('reads /rate_limit, and the rate-limit headers with --include', async () => {
    const rate = JSON.parse(await gh('api', '/rate_limit'));
    assert.equal(rate.resources.core.limit, 5000);
    assert.equal(rate.rate.resource, 'core');
    assert.ok(rate.rate.used >= 1 && rate.rate.remaining === 5000 - rate.rate.used, JSON.stringify(rate.rate));
    const withHeaders = await gh('api', '--include', '/user');
    assert.match(withHeaders, /^X-Ratelimit-Limit: 5000$/im);
    assert.match(withHeaders, new RegExp(`^X-Ratelimit-Used: ${rate.rate.used + 1}$`, 'im'), 'counted: the /rate_limit call was not');
    assert.match(withHeaders, /^X-Github-Request-Id: [0-9A-F:]+$/im);
    assert.match(withHeaders, new RegExp(`"login":"${user.login}"`));
  });

  it('follows the Link headers of a list across its pages with --paginate', async () => {
    for (let i = 0; i < 4; i++) await signIn(t, user, ['user'], `page filler ${i}`);
    const all = await t.api.get<{ id: number }[]>('/user/personal-access-tokens?per_page=100', { token });
    assert.equal(all.status, 200, all.text);
    assert.ok(all.json.length >= 5, `at least five tokens: ${all.json.length}`);
    const ids = (await gh('api', '--paginate', '/user/personal-access-tokens?per_page=2', '--jq', '.[].id')).trim().split('\n').map(Number);
    assert.deepEqual(ids, all.json.map((x) => x.id));
  });

  it('a 404 for a missing repository suggests no scope to a token with repo (X-Accepted-OAuth-Scopes: repo), and repo to one without', async () => {
    const me = user.login;
    const other = await createUser(t);
    await createRepo(t, other, undefined, 'shown-to-all', false);
    const run = async (scopes: string[], ...args: string[]) => runGh(args, { ...ghEnv.env, GH_ENTERPRISE_TOKEN: (await createClassicToken(t, user, { scopes })).token });
    for (const scopes of [['repo'], ['repo', 'read:org', 'gist']]) {
      const missing = await run(scopes, 'api', `repos/${me}/no-such-repo`);
      assert.equal(missing.status, 1, missing.stdout);
      assert.equal(missing.stderr.trim(), 'gh: Not Found (HTTP 404)', `${scopes.join(',')}: the error alone, no scope to add`);
      const headers = await run(scopes, 'api', '--include', `repos/${me}/no-such-repo`);
      assert.match(headers.stdout, /^X-Accepted-Oauth-Scopes: repo\r?$/im);
    }
    // Someone else's public repository accepts public_repo, which repo includes: gh, which does not know that, is not told to add it.
    const notAllowed = await run(['repo'], 'api', '-X', 'PATCH', `repos/${other.login}/shown-to-all`, '-f', 'description=mine');
    assert.equal(notAllowed.status, 1);
    assert.equal(notAllowed.stderr.trim(), `gh: Must have admin rights to Repository '${other.login}/shown-to-all'. (HTTP 403)`);
    const lacking = await run(['gist'], 'api', `repos/${me}/no-such-repo`);
    assert.equal(lacking.status, 1);
    assert.match(lacking.stderr, /needs the "repo" scope\. To request it, run: +gh auth refresh -h 127\.0\.0\.1 -s repo$/m);
  });

  it("writes timestamps as GitHub does, to the second (REST and GraphQL): gh's --jq fromdate reads them", async () => {
    // Everything made from here on is made at a time with milliseconds (…:SS.678).
    t.clock.advance(1000 - (t.clock.now().getTime() % 1000) + 678);
    const made = Math.floor(t.clock.now().getTime() / 1000);
    const text = new Date(made * 1000).toISOString().replace('.000Z', 'Z');
    const alice = await newSession(t);
    const org = await createOrg(t, alice);
    await createRepo(t, alice, undefined, 'dated', false);
    const env = { ...ghEnv.env, GH_ENTERPRISE_TOKEN: alice.token };
    const ask = async (...args: string[]) => {
      const r = await runGh(args, env);
      assert.equal(r.status, 0, `gh ${args.join(' ')} failed (${r.status}):\n${r.stderr}${r.stdout}`);
      return r.stdout.trim().split('\n');
    };
    const me = alice.user.login;
    assert.deepEqual(await ask('api', 'user', '--jq', '.created_at, .updated_at, (.created_at | fromdate)'), [text, text, String(made)]);
    assert.deepEqual(await ask('api', `orgs/${org}`, '--jq', '.created_at, (.updated_at | fromdate)'), [text, String(made)]);
    assert.deepEqual(await ask('api', `repos/${me}/dated`, '--jq', '.created_at, .updated_at, .pushed_at, (.created_at | fromdate), .owner.login'), [text, text, text, String(made), me]);
    const graphql = `query($owner: String!) { repositoryOwner(login: $owner) { ... on User { createdAt updatedAt } }
      repository(owner: $owner, name: "dated") { createdAt updatedAt pushedAt } }`;
    assert.deepEqual(
      await ask('api', 'graphql', '-f', `query=${graphql}`, '-f', `owner=${me}`, '--jq', '.data | [.repositoryOwner.createdAt, .repositoryOwner.updatedAt, .repository.createdAt, (.repository.updatedAt | fromdate), .repository.pushedAt] | .[]'),
      [text, text, text, String(made), text],
      "never pushed: GraphQL's pushedAt is REST's pushed_at, the creation time",
    );
    assert.deepEqual(await ask('repo', 'view', `${me}/dated`, '--json', 'createdAt,updatedAt,pushedAt', '--jq', '.createdAt, (.updatedAt | fromdate), .pushedAt'), [text, String(made), text]);
  });
});
