// GraphQL's rateLimit(dryRun: true), as on GitHub: what the query would cost, without running it
// and without counting it; the answer carries the rateLimit fields only, and its X-RateLimit-*
// headers and GET /rate_limit show the bucket as it was. dryRun: false (or a variable that is
// false) is an ordinary query, counted.
import * as assert from 'node:assert/strict';
import { HOUR } from '../../src/provider/clock';
import { githubTime } from '../../src/provider/iso-time';
import type { ApiResponse } from '../builders/api-client';
import { createUser } from '../builders/users';
import { signIn } from '../builders/sessions';
import { startTestProvider, TestProvider } from './helpers/provider';

describe('GraphQL rateLimit(dryRun: true)', () => {
  let t: TestProvider;
  let token: string;
  let login: string;

  beforeEach(async () => {
    t = await startTestProvider({ rateLimit: { authenticated: 5 } });
    const user = await createUser(t);
    login = user.login;
    token = (await signIn(t, user)).token;
  });
  afterEach(async () => t.close());

  const ask = (query: string, variables?: Record<string, unknown>) =>
    t.api.post(`${t.provider.url}/api/graphql`, { token, body: { query, ...(variables ? { variables } : {}) } });
  const graphqlUsed = async () => (await t.api.get('/rate_limit', { token })).json.resources.graphql.used;
  const headerUsed = (res: ApiResponse) => [res.headers.get('x-ratelimit-used'), res.headers.get('x-ratelimit-remaining'), res.headers.get('x-ratelimit-resource')];

  it('answers the cost without running the query or counting it', async () => {
    const resetAt = githubTime(new Date((Math.floor(t.clock.now().getTime() / HOUR) + 1) * HOUR));
    const query = `{ viewer { login repositories(first: 5) { nodes { name } } }
      missing: repository(owner: "nobody-${login}", name: "nothing") { name }
      rateLimit(dryRun: true) { cost limit remaining used nodeCount resetAt } }`;
    for (let i = 0; i < 2; i++) {
      const res = await ask(query);
      assert.equal(res.status, 200, res.text);
      assert.deepEqual(res.json, { data: { rateLimit: { cost: 1, limit: 5, remaining: 5, used: 0, nodeCount: 6, resetAt } } }, 'nothing else is read: no NOT_FOUND either');
      assert.deepEqual(headerUsed(res), ['0', '5', 'graphql']);
    }
    assert.equal(await graphqlUsed(), 0);
  });

  it('takes dryRun from a variable and under an alias; dryRun: false is an ordinary query, counted', async () => {
    const query = 'query($dry: Boolean!) { viewer { login } budget: rateLimit(dryRun: $dry) { cost used } }';
    const dry = await ask(query, { dry: true });
    assert.deepEqual(dry.json, { data: { budget: { cost: 1, used: 0 } } });
    const real = await ask(query, { dry: false });
    assert.deepEqual(real.json, { data: { viewer: { login }, budget: { cost: 1, used: 1 } } });
    assert.deepEqual(headerUsed(real), ['1', '4', 'graphql']);
    const literal = await ask('{ viewer { login } rateLimit(dryRun: false) { used } }');
    assert.deepEqual(literal.json, { data: { viewer: { login }, rateLimit: { used: 2 } } });
    assert.equal(await graphqlUsed(), 2);
  });
});
