// GitHub's own command-line client, unchanged (Debian's `gh`), against the real provider over
// HTTPS (set-up in helpers/gh.ts): `gh api` reads /meta, /rate_limit (and the rate-limit headers
// with --include) and a list across several pages (--paginate follows the Link headers).
import * as assert from 'node:assert/strict';
import { GHES_API_VERSION } from '../../src/provider/http/ghes-version';
import { createUser, type TestUser } from '../builders/users';
import { signIn } from '../builders/sessions';
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
});
