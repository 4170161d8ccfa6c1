// The API rate limit: GitHub's defaults, X-RateLimit-* on every API answer (octokit reads them), a
// store-backed count per user / account token / address that holds under 200 parallel requests,
// 403 with Retry-After when spent, a new window each hour, GET /rate_limit without counting, one
// count shared by two providers on the same database (PostgreSQL: postgres-provider.test.ts), and
// counting that leaves the token cache alone.
import * as assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseServeArgs } from '../../src/provider/cli';
import { DEFAULT_RATE_LIMITS } from '../../src/provider/http/api-rate-limit';
import { HOUR } from '../../src/provider/clock';
import { startProvider } from '../../src/provider/index';
import type { RateLimitOverviewJson } from '../../src/shared/api-types';
import { createUser } from '../builders/users';
import { newSession, signIn } from '../builders/sessions';
import { createClassicToken } from '../builders/tokens';
import { addMember, createOrg } from '../builders/orgs';
import type { ApiResponse } from '../builders/api-client';
import { holdWriteLock } from './helpers/database-access';
import { startInProcessProvider } from './helpers/in-process-provider';
import { octokitFor } from './helpers/octokit';
import { startTestProvider, TestProvider } from './helpers/provider';

function rateHeaders(res: ApiResponse) {
  const n = (name: string) => Number(res.headers.get(`x-ratelimit-${name}`));
  return { limit: n('limit'), remaining: n('remaining'), used: n('used'), reset: n('reset'), resource: res.headers.get('x-ratelimit-resource') };
}

describe('API rate limit', () => {
  let t: TestProvider | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('has GitHub\'s defaults: 5,000 an hour with credentials, 60 without', async () => {
    assert.deepEqual(DEFAULT_RATE_LIMITS, { authenticated: 5000, anonymous: 60 });
    // The test helper raises both limits; undefined brings back the defaults.
    t = await startTestProvider({ rateLimit: { authenticated: undefined, anonymous: undefined } });
    const user = await createUser(t);
    const { token } = await signIn(t, user);
    assert.equal(rateHeaders(await t.api.get('/user', { token })).limit, 5000);
    assert.equal(rateHeaders(await t.api.get('/meta')).limit, 60);
  });

  it('octokit reads X-RateLimit-* on every answer; each request uses one, per user', async () => {
    t = await startTestProvider({ rateLimit: { authenticated: 5000 } });
    const user = await createUser(t);
    const { token } = await signIn(t, user);
    const octokit = octokitFor(t, token);
    const first = await octokit.rest.users.getAuthenticated();
    const second = await octokit.rest.meta.get();
    const reset = Math.ceil((Math.floor(t.clock.now().getTime() / HOUR) + 1) * HOUR / 1000);
    for (const [res, used] of [
      [first, 2], // the sign-in (Basic) counted for the same user
      [second, 3],
    ] as const) {
      assert.equal(res.headers['x-ratelimit-limit'], '5000');
      assert.equal(res.headers['x-ratelimit-used'], String(used));
      assert.equal(res.headers['x-ratelimit-remaining'], String(5000 - used));
      assert.equal(res.headers['x-ratelimit-reset'], String(reset));
      assert.equal(res.headers['x-ratelimit-resource'], 'core');
    }
    // A second token of the same user shares the count; another user has their own.
    const other = await createClassicToken(t, user, { name: 'second', scopes: ['repo'] });
    const viaOther = rateHeaders(await t.api.get('/user', { token: other.token }));
    assert.ok(viaOther.used > 3, `shared count: ${viaOther.used}`);
    const stranger = await createUser(t);
    const strangerToken = (await signIn(t, stranger)).token;
    assert.equal(rateHeaders(await t.api.get('/user', { token: strangerToken })).used, 2);
  });

  it('holds under 200 parallel requests: exactly the remaining ones succeed, the rest get 403 with Retry-After', async () => {
    t = await startTestProvider({ rateLimit: { authenticated: 50 } });
    const user = await createUser(t);
    const { token } = await signIn(t, user);
    const before = await t.api.get<RateLimitOverviewJson>('/rate_limit', { token });
    const remaining = before.json.resources.core.remaining;
    assert.equal(remaining, 49);
    const api = t.api;
    const answers = await Promise.all(Array.from({ length: 200 }, () => api.get('/user', { token })));
    const ok = answers.filter((r) => r.status === 200);
    const refused = answers.filter((r) => r.status === 403);
    assert.equal(ok.length, remaining);
    assert.equal(refused.length, 200 - remaining);
    const resetAt = Math.ceil((Math.floor(t.clock.now().getTime() / HOUR) + 1) * HOUR / 1000);
    for (const r of refused) {
      assert.equal(r.json.message, `API rate limit exceeded for user ID ${user.id}.`);
      assert.equal(r.json.documentation_url, `${t.provider.url}/-/docs/errors#rate-limit`);
      assert.equal(r.headers.get('retry-after'), String(resetAt - Math.floor(t.clock.now().getTime() / 1000)));
      assert.deepEqual(rateHeaders(r), { limit: 50, remaining: 0, used: 50, reset: resetAt, resource: 'core' });
    }
    assert.deepEqual(ok.map((r) => rateHeaders(r).used).sort((a, b) => a - b), Array.from({ length: remaining }, (_, i) => i + 2));
    // Still spent, also through /rate_limit (which does not count) ...
    const spent = await t.api.get<RateLimitOverviewJson>('/rate_limit', { token });
    assert.equal(spent.status, 200);
    assert.deepEqual(spent.json.rate, { limit: 50, remaining: 0, reset: resetAt, used: 50, resource: 'core' });
    assert.deepEqual(spent.json.resources.core, spent.json.rate);
    // ... until the next hour's window.
    t.clock.advance(HOUR);
    const fresh = await t.api.get('/user', { token });
    assert.equal(fresh.status, 200);
    assert.equal(rateHeaders(fresh).used, 1);
  });

  it('counts anonymous requests per address, apart from the users\' counts', async () => {
    t = await startTestProvider({ rateLimit: { anonymous: 3 } });
    const user = await createUser(t); // signing up is anonymous: 1 of 3
    const { token } = await signIn(t, user); // Basic: the user's count
    assert.equal((await t.api.get('/meta')).status, 200);
    const last = await t.api.get('/meta');
    assert.equal(last.status, 200);
    assert.equal(rateHeaders(last).remaining, 0);
    const refused = await t.api.get('/meta');
    assert.equal(refused.status, 403);
    assert.match(refused.json.message, /^API rate limit exceeded for 127\.0\.0\.1\. \(But here's the good news: Authenticated requests get a higher rate limit\.\)$/);
    assert.equal(rateHeaders(refused).remaining, 0);
    assert.ok(Number(refused.headers.get('retry-after')) >= 1);
    // A bad token is refused before it is counted, and counted against the address.
    assert.equal(rateHeaders(await t.api.get('/user', { token: 'ghp_' + 'c'.repeat(36) })).remaining, 0);
    // The user's own requests still pass.
    assert.equal((await t.api.get('/meta', { token })).status, 200);
    // GET /rate_limit answers without counting, even when spent.
    const status = await t.api.get<RateLimitOverviewJson>('/rate_limit');
    assert.equal(status.status, 200);
    assert.equal(status.json.rate.limit, 3);
    assert.equal(status.json.rate.remaining, 0);
  });

  it('GET /rate_limit does not count', async () => {
    t = await startTestProvider({ rateLimit: { authenticated: 5000 } });
    const user = await createUser(t);
    const { token } = await signIn(t, user);
    const a = await t.api.get<RateLimitOverviewJson>('/rate_limit', { token });
    const b = await t.api.get<RateLimitOverviewJson>('/rate_limit', { token });
    assert.equal(a.json.rate.used, 1);
    assert.equal(b.json.rate.used, 1);
    assert.equal(rateHeaders(b).used, 1);
    assert.deepEqual(Object.keys(b.json.resources).sort(), ['core', 'graphql', 'search']);
    const octo = await octokitFor(t, token).rest.rateLimit.get();
    assert.equal(octo.data.rate.used, 1);
    assert.equal(octo.data.resources.core.limit, 5000);
  });

  it('counts an account API token on its own, apart from its member\'s count', async () => {
    const limit = 8;
    t = await startTestProvider({ rateLimit: { authenticated: limit } });
    const owner = await newSession(t);
    const member = await newSession(t);
    const org = await createOrg(t, owner);
    await addMember(t, org, owner, member);
    const created = await t.api.post(`/orgs/${org}/account-tokens`, { token: owner.token, body: { name: 'counted' } });
    assert.equal(created.status, 201, created.text);
    const memberUsed = async () => (await t!.api.get<RateLimitOverviewJson>('/rate_limit', { token: member.token })).json.rate.used;
    const before = await memberUsed();
    const asAccount = () => t!.api.get('/user', { basic: { login: `${member.user.email}/token`, password: created.json.token } });
    const used: number[] = [];
    for (let i = 0; i < limit; i++) {
      const res = await asAccount();
      assert.equal(res.status, 200, res.text);
      used.push(rateHeaders(res).used);
    }
    assert.deepEqual(used, Array.from({ length: limit }, (_, i) => i + 1), 'a count of its own, from 1');
    const spent = await asAccount();
    assert.equal(spent.status, 403);
    assert.equal(spent.json.message, `API rate limit exceeded for token ID ${created.json.id}.`);
    assert.equal(await memberUsed(), before, 'the member\'s own count is untouched');
  });

  it('counts GraphQL queries in their own bucket (resource graphql), reported by /rate_limit; 20 parallel queries: exactly the limit pass', async () => {
    t = await startTestProvider({ rateLimit: { authenticated: 4 } });
    const user = await createUser(t);
    const { token } = await signIn(t, user); // core: 1
    const graphql = () => t!.api.call('POST', `${t!.provider.url}/api/graphql`, { token, body: { query: '{ viewer { login } }' } });
    const resetAt = Math.ceil((Math.floor(t.clock.now().getTime() / HOUR) + 1) * HOUR / 1000);
    const first = await graphql();
    assert.equal(first.status, 200, first.text);
    assert.deepEqual(first.json, { data: { viewer: { login: user.login } } });
    assert.deepEqual(rateHeaders(first), { limit: 4, used: 1, remaining: 3, reset: resetAt, resource: 'graphql' });
    assert.deepEqual(rateHeaders(await t.api.get('/user', { token })), { limit: 4, used: 2, remaining: 2, reset: resetAt, resource: 'core' }, 'REST counts apart');
    const status = await t.api.get<RateLimitOverviewJson>('/rate_limit', { token });
    assert.deepEqual(status.json.resources.graphql, { limit: 4, used: 1, remaining: 3, reset: resetAt, resource: 'graphql' });
    assert.deepEqual(status.json.resources.core, { limit: 4, used: 2, remaining: 2, reset: resetAt, resource: 'core' });

    const answers = await Promise.all(Array.from({ length: 20 }, () => graphql()));
    assert.ok(answers.every((r) => r.status === 200), 'GraphQL answers 200 also when spent, as GitHub does');
    const passed = answers.filter((r) => r.json.data);
    const refused = answers.filter((r) => !r.json.data);
    assert.equal(passed.length, 3);
    assert.deepEqual(passed.map((r) => rateHeaders(r).used).sort(), [2, 3, 4]);
    for (const r of refused) {
      assert.deepEqual(r.json, { errors: [{ type: 'RATE_LIMITED', code: 'graphql_rate_limit', message: `API rate limit exceeded for user ID ${user.id}.` }] });
      assert.deepEqual(rateHeaders(r), { limit: 4, used: 4, remaining: 0, reset: resetAt, resource: 'graphql' });
    }
    // The REST bucket is untouched by the spent GraphQL one.
    assert.equal((await t.api.get('/user', { token })).status, 200);
    const spent = await t.api.get<RateLimitOverviewJson>('/rate_limit', { token });
    assert.deepEqual([spent.json.resources.graphql.used, spent.json.resources.graphql.remaining, spent.json.rate.used], [4, 0, 3]);
    t.clock.advance(HOUR);
    assert.deepEqual((await graphql()).json, { data: { viewer: { login: user.login } } });
  });

  it("GraphQL's rateLimit { limit cost remaining resetAt used nodeCount } is the graphql bucket the answer's headers and /rate_limit report, this query counted", async () => {
    t = await startTestProvider({ rateLimit: { authenticated: 7 } });
    const user = await createUser(t);
    const { token } = await signIn(t, user);
    const query = '{ rateLimit { limit cost remaining resetAt used nodeCount } viewer { repositories(first: 5) { nodes { name } } organizations(first: 3) { nodes { login } } } }';
    const ask = () => t!.api.call('POST', `${t!.provider.url}/api/graphql`, { token, body: { query } });
    const resetAt = (Math.floor(t.clock.now().getTime() / HOUR) + 1) * HOUR;
    for (const used of [1, 2]) {
      const res = await ask();
      assert.equal(res.status, 200, res.text);
      assert.equal(res.json.errors, undefined, res.text);
      assert.deepEqual(res.json.data.rateLimit, { limit: 7, cost: 1, remaining: 7 - used, resetAt: new Date(resetAt).toISOString().replace('.000Z', 'Z'), used, nodeCount: 8 });
      assert.deepEqual(rateHeaders(res), { limit: 7, used, remaining: 7 - used, reset: resetAt / 1000, resource: 'graphql' });
    }
    const status = await t.api.get<RateLimitOverviewJson>('/rate_limit', { token });
    assert.deepEqual([status.json.resources.graphql.used, status.json.resources.graphql.remaining], [2, 5]);
  });

  it('counts a request by the route it reaches, however its path is spelled (percent-encoded letters, a trailing slash)', async () => {
    const p = (t = await startTestProvider({ rateLimit: { anonymous: 3, authenticated: 3 } }));
    const user = await createUser(p); // anonymous: 1 of 3
    const { token } = await signIn(p, user); // the user's: 1 of 3
    const at = (path: string, opts = {}) => p.api.call('GET', `${p.provider.url}${path}`, opts);
    assert.equal(rateHeaders(await at('/%61pi/v3/meta')).used, 2);
    assert.equal(rateHeaders(await at('/api/v3/%6deta')).used, 3);
    assert.equal((await at('/%61pi/v3/meta')).status, 403, 'the anonymous count is spent');
    assert.equal(rateHeaders(await at('/api/v3/user', { token })).used, 2);
    assert.equal(rateHeaders(await at('/api/v3/%75ser', { token })).used, 3);
    const graphql = await p.api.call('POST', `${p.provider.url}/api/%67raphql`, { token, body: { query: '{ viewer { login } }' } });
    assert.equal(graphql.headers.get('x-ratelimit-resource'), 'graphql', 'GraphQL reached by another spelling counts in its own bucket');
    assert.equal((await at('/%61pi/v3/user', { token })).status, 403, 'the core count is spent');
    // A path that reaches no route is counted by its decoded spelling.
    assert.equal((await at('/%61pi/v3/no-such-thing', { token })).status, 403);
  });

  it('is not applied to git or the provider\'s own /-/ endpoints', async () => {
    t = await startTestProvider({ rateLimit: { anonymous: 1 } });
    const health = await t.api.call('GET', `${t.provider.url}/-/health`);
    assert.equal(health.headers.get('x-ratelimit-limit'), null);
    const git = await t.api.call('GET', `${t.provider.url}/someone/nothing.git/info/refs?service=git-upload-pack`);
    assert.equal(git.headers.get('x-ratelimit-limit'), null);
    assert.equal(rateHeaders(await t.api.get('/meta')).used, 1);
  });

  it('two providers on one database share the count', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'tessera-rate-'));
    const first = await startTestProvider({ dataDir, rateLimit: { authenticated: 10 } });
    t = first;
    const second = await startTestProvider({ dataDir, databaseUrl: first.databaseUrl, clock: first.clock, rateLimit: { authenticated: 10 } });
    try {
      const user = await createUser(first);
      const { token } = await signIn(first, user);
      const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? second : first).api.get('/user', { token })));
      assert.equal(answers.filter((r) => r.status === 200).length, 9);
      assert.equal(answers.filter((r) => r.status === 403).length, 11);
      // The GraphQL bucket too.
      const queries = await Promise.all(
        Array.from({ length: 20 }, (_, i) => (i % 2 ? second : first).api.call('POST', `${(i % 2 ? second : first).provider.url}/api/graphql`, { token, body: { query: '{ viewer { login } }' } })),
      );
      assert.equal(queries.filter((r) => r.json.data).length, 10);
      assert.equal(queries.filter((r) => r.json.errors?.[0]?.type === 'RATE_LIMITED').length, 10);
    } finally {
      await second.close();
      await first.close();
      t = undefined;
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('counts from blocks reserved in the store while plenty is left: exact counts, a store write per block', async () => {
    const a = await startInProcessProvider();
    try {
      const s = await newSession(a); // the sign-in counts 1
      const hit = a.store.rateLimits.hit.bind(a.store.rateLimits);
      const units: number[] = [];
      a.store.rateLimits.hit = async (key, windowStart, limit, n) => {
        units.push(n ?? 1);
        return hit(key, windowStart, limit, n);
      };
      const used: number[] = [];
      for (let i = 0; i < 100; i++) used.push(rateHeaders(await a.api.get('/user', { token: s.token })).used);
      assert.deepEqual(used, Array.from({ length: 100 }, (_, i) => i + 2), 'one process reports exact counts');
      assert.ok(units.length <= 5 && units.every((n) => n > 1), `100 requests, ${units.length} store writes of blocks ${units.join(', ')}`);
      const status = await a.api.get<RateLimitOverviewJson>('/rate_limit', { token: s.token });
      assert.equal(status.json.rate.used, 101, 'GET /rate_limit counts what was given out, not what was reserved');
    } finally {
      await a.close();
    }
  });

  it('two providers reserving blocks on one database: of 600 parallel requests, exactly the limit pass, each count given once', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'tessera-rate-shared-blocks-'));
    const limit = 400;
    const first = await startTestProvider({ dataDir, rateLimit: { authenticated: limit } });
    t = first;
    const second = await startTestProvider({ dataDir, databaseUrl: first.databaseUrl, clock: first.clock, rateLimit: { authenticated: limit } });
    try {
      const user = await createUser(first);
      const { token } = await signIn(first, user); // 1
      const answers: ApiResponse[] = [];
      // In waves, so both hold blocks and refill them while the window fills up.
      for (let wave = 0; wave < 6; wave++) {
        answers.push(...(await Promise.all(Array.from({ length: 100 }, (_, i) => (i % 2 ? second : first).api.get('/user', { token })))));
      }
      const passed = answers.filter((r) => r.status === 200);
      assert.equal(passed.length, limit - 1);
      assert.equal(answers.filter((r) => r.status === 403).length, 600 - (limit - 1));
      const counts = passed.map((r) => rateHeaders(r).used).sort((x, y) => x - y);
      assert.deepEqual(counts, Array.from({ length: limit - 1 }, (_, i) => i + 2), 'each count given out once');
    } finally {
      await second.close();
      await first.close();
      t = undefined;
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('lets a request through uncounted when another writer holds the database past the busy timeout', async () => {
    // A limit low enough that every request is counted in the store, one at a time (with plenty
    // left, counts come from a block this process reserved and need no write).
    t = await startTestProvider({ rateLimit: { authenticated: 100 } });
    const user = await createUser(t);
    const { token } = await signIn(t, user);
    // (a first use writes the token's last_used_at; the clock stands still, so no write follows)
    assert.equal((await t.api.get('/meta', { token })).status, 200);
    const release = await holdWriteLock(t);
    let res;
    try {
      res = await t.api.get('/meta', { token });
    } finally {
      await release();
    }
    assert.equal(res.status, 200, res.text);
    assert.equal(res.headers.get('x-ratelimit-limit'), null);
    const id = res.headers.get('x-github-request-id');
    assert.ok(t.logs.some((l) => l.level === 'warn' && l.message.includes('not counted') && l.message.includes(`(request ${id})`)));
    assert.equal(rateHeaders(await t.api.get('/meta', { token })).used, 3, 'the sign-in, the first use and this one');
  });

  it('counting a request does not empty the token cache: a warm token is not looked up again', async () => {
    const a = await startInProcessProvider();
    try {
      const s = await newSession(a);
      const tok = await createClassicToken(a, s, { scopes: ['user'] });
      assert.equal((await a.api.get('/user', { token: tok.token })).status, 200, 'warm: the token is cached');
      const lookUp = a.store.tokens.byDigestWithUser.bind(a.store.tokens);
      let lookUps = 0;
      a.store.tokens.byDigestWithUser = async (d) => {
        lookUps++;
        return lookUp(d);
      };
      for (let i = 0; i < 5; i++) {
        const res = await a.api.get('/user', { token: tok.token });
        assert.equal(res.status, 200);
        assert.ok(Number(res.headers.get('x-ratelimit-used')) > 0, 'the request was counted');
      }
      assert.equal(lookUps, 0, 'every answer came from the cache');
    } finally {
      await a.close();
    }
  });

  it('is configurable: serve --rate-limit N --anonymous-rate-limit N, positive whole numbers only', async () => {
    const opts = parseServeArgs(['serve', '--data', 'd', '--rate-limit', '12000', '--anonymous-rate-limit', '100'], '/tmp');
    assert.deepEqual(opts.rateLimit, { authenticated: 12000, anonymous: 100 });
    assert.deepEqual(parseServeArgs(['serve', '--data', 'd'], '/tmp').rateLimit, { authenticated: undefined, anonymous: undefined });
    for (const bad of ['0', '-1', '1.5', 'many']) {
      assert.throws(() => parseServeArgs(['serve', '--data', 'd', `--rate-limit=${bad}`], '/tmp'), /--rate-limit must be a positive whole number/);
    }
    assert.throws(() => parseServeArgs(['serve', '--data', 'd', '--rate-limit='], '/tmp'), /--rate-limit needs a value/, 'an empty value, as for every option');
    await assert.rejects(startProvider({ dataDir: '/tmp/unused-tessera', rateLimit: { anonymous: 0 } }), /rateLimit\.anonymous must be a positive integer/);
  });
});
