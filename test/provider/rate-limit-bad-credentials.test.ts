// Wrong credentials count against the client address's anonymous rate limit, in the same atomic
// count as anonymous requests: each of any number of parallel requests with a bad token, a wrong
// password or a wrong account token is answered 401 and takes exactly one count. (Once the address
// is spent they are still answered 401, not 403: docs/api.md, Rate limit.)
import * as assert from 'node:assert/strict';
import { createRepo } from '../builders/repos';
import { createUser } from '../builders/users';
import { newSession, signIn } from '../builders/sessions';
import type { ApiResponse } from '../builders/api-client';
import type { RateLimitOverviewJson } from '../../src/shared/api-types';
import { startTestProvider, TestProvider } from './helpers/provider';

const BAD_TOKEN = 'ghp_' + 'c'.repeat(36);

describe('API rate limit: bad credentials', () => {
  let t: TestProvider | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('60 parallel requests with wrong credentials of every kind: each answered 401 and counted once against the address', async () => {
    const p = (t = await startTestProvider({ rateLimit: { anonymous: 100 } }));
    const user = await createUser(p); // signing up is anonymous: 1
    const { token } = await signIn(p, user); // the user's count
    const wrong = (i: number): Promise<ApiResponse> => {
      switch (i % 4) {
        case 0: return p.api.get('/user', { token: BAD_TOKEN });
        case 1: return p.api.get('/user', { basic: { login: `nobody${i}`, password: 'wrong password' } });
        case 2: return p.api.get('/meta', { basic: { login: `nobody${i}@example.test/token`, password: 'tsa_' + 'd'.repeat(40) } });
        default: return p.api.get('/no-such-endpoint', { token: BAD_TOKEN });
      }
    };
    const answers = await Promise.all(Array.from({ length: 60 }, (_, i) => wrong(i)));
    assert.deepEqual([...new Set(answers.map((r) => r.status))], [401]);
    for (const r of answers) assert.equal(r.json.message, 'Bad credentials');
    // Each took its own count from the address's: 2..61, each once.
    assert.deepEqual(answers.map((r) => Number(r.headers.get('x-ratelimit-used'))).sort((a, b) => a - b), Array.from({ length: 60 }, (_, i) => i + 2));
    const status = await p.api.get<RateLimitOverviewJson>('/rate_limit');
    assert.equal(status.json.rate.used, 61);
    // The right credentials count against the user, not the address.
    const mine = await p.api.get('/user', { token });
    assert.equal(mine.status, 200);
    assert.equal(mine.headers.get('x-ratelimit-used'), '2');
  });

  it("git: a wrong password or token counts once against the address, as on the API; git's answer stays a bare 401, and asking without credentials is not counted", async () => {
    const p = (t = await startTestProvider({ rateLimit: { anonymous: 100 } }));
    const owner = await newSession(p);
    await createRepo(p, owner, undefined, 'counted', true);
    const anonymousUsed = async () => (await p.api.get<RateLimitOverviewJson>('/rate_limit')).json.rate.used;
    const refs = (basic?: { login: string; password: string }) =>
      p.api.call('GET', `${p.provider.url}/${owner.user.login}/counted.git/info/refs?service=git-upload-pack`, { ...(basic ? { basic } : {}), headers: { accept: '*/*' } });
    const before = await anonymousUsed();
    const challenge = await refs();
    assert.equal(challenge.status, 401, 'git asks for credentials');
    assert.equal(await anonymousUsed(), before, 'asking is not counted');
    const answers = [
      await refs({ login: owner.user.login, password: 'wrong password' }),
      await refs({ login: 'git', password: BAD_TOKEN }),
      await refs({ login: 'nobody', password: 'wrong password' }),
    ];
    for (const r of answers) {
      assert.equal(r.status, 401, r.text);
      assert.match(r.headers.get('www-authenticate') ?? '', /^Basic /);
      assert.equal(r.headers.get('x-ratelimit-limit'), null, 'git answers carry no rate-limit headers');
    }
    assert.equal(await anonymousUsed(), before + 3);
    const good = await refs({ login: owner.user.login, password: owner.token });
    assert.equal(good.status, 200, good.text);
    assert.equal(await anonymousUsed(), before + 3, 'good credentials do not count against the address');
  });

  it('GraphQL: parallel wrong credentials each count once in the address\'s graphql bucket', async () => {
    const p = (t = await startTestProvider({ rateLimit: { anonymous: 100 } }));
    const query = () => p.api.call('POST', `${p.provider.url}/api/graphql`, { token: BAD_TOKEN, body: { query: '{ viewer { login } }' } });
    const answers = await Promise.all(Array.from({ length: 12 }, query));
    assert.deepEqual([...new Set(answers.map((r) => r.status))], [401]);
    assert.deepEqual(answers.map((r) => Number(r.headers.get('x-ratelimit-used'))).sort((a, b) => a - b), Array.from({ length: 12 }, (_, i) => i + 1));
    for (const r of answers) assert.equal(r.headers.get('x-ratelimit-resource'), 'graphql');
  });
});
