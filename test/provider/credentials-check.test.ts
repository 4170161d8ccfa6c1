// POST /credentials/check: whether tokens work, without using them (their last_used_at stays),
// unauthenticated (the secrets are the proof), in the order asked, at most 100 per call,
// rate-limited per client address.
import * as assert from 'node:assert/strict';
import { generateToken } from '../../src/shared/token-format';
import { CREDENTIALS_CHECK_LIMIT } from '../../src/provider/routes/credentials-check';
import { createUser, type TestUser } from '../builders/users';
import { createClassicToken } from '../builders/tokens';
import { startTestProvider, type TestProvider } from './helpers/provider';

describe('POST /credentials/check', () => {
  let t: TestProvider;
  let user: TestUser;

  beforeEach(async () => {
    t = await startTestProvider();
    user = await createUser(t);
  });
  afterEach(async () => t.close());

  const password = () => ({ basic: { login: user.login, password: user.password } });
  const lastUsed = async (id: number) => {
    const r = await t.api.get(`/user/personal-access-tokens/${id}`, password());
    assert.equal(r.status, 200, r.text);
    return r.json.last_used_at as string | null;
  };

  it('answers, in the order asked, which strings are tokens that work now; none of them is used (last_used_at stays)', async () => {
    const working = await createClassicToken(t, user, { name: 'working', scopes: ['read:user'] });
    const revoked = await createClassicToken(t, user, { name: 'revoked' });
    const expiring = await createClassicToken(t, user, { name: 'expiring', expires_in_days: 1 });
    assert.equal((await t.api.post('/credentials/revoke', { body: { credentials: [revoked.token] } })).status, 202);
    t.clock.advance(2 * 86_400_000);
    const res = await t.api.post('/credentials/check', {
      body: { credentials: [revoked.token, working.token, expiring.token, generateToken('classic'), 'tsp_not-even-a-token', 'hello', 'tsa_whatever'] },
    });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.json, { credentials: [{ active: false }, { active: true }, { active: false }, { active: false }, { active: false }, { active: false }, { active: false }] });
    assert.ok(!res.text.includes(working.token), 'no secret in the answer');
    assert.equal(await lastUsed(working.id), null, 'checking is no use');

    // (Using it is: the check above would have shown.)
    assert.equal((await t.api.get('/user', { token: working.token })).status, 200);
    assert.notEqual(await lastUsed(working.id), null);
  });

  it('takes 1 to 100 strings and needs the credentials array (422 naming the field)', async () => {
    for (const body of [{}, { credentials: [] }, { credentials: Array.from({ length: 101 }, () => 'x') }, { credentials: [7] }, { credentials: 'x' }]) {
      const res = await t.api.post('/credentials/check', { body });
      assert.equal(res.status, 422, `${JSON.stringify(body).slice(0, 40)}: ${res.text}`);
      assert.match(res.json.errors[0].field, /^credentials/);
      assert.equal(typeof res.json.documentation_url, 'string');
    }
    const hundred = await t.api.post('/credentials/check', { body: { credentials: Array.from({ length: 100 }, () => generateToken('classic')) } });
    assert.equal(hundred.status, 200, hundred.text);
    assert.equal(hundred.json.credentials.length, 100);
  });

  it('is rate-limited per client address (429 with Retry-After), by a limit of its own: the API\'s anonymous count stays', async () => {
    const anonymousUsed = async () => {
      const r = await t.api.get('/rate_limit');
      assert.equal(r.status, 200, r.text);
      return r.json.resources.core.used as number;
    };
    const usedBefore = await anonymousUsed();
    let limited;
    for (let i = 0; i < CREDENTIALS_CHECK_LIMIT + 10 && !limited; i++) {
      const res = await t.api.post('/credentials/check', { body: { credentials: ['x'] } });
      if (res.status === 429) limited = { i, res };
      else assert.equal(res.status, 200, res.text);
    }
    assert.ok(limited, 'the limit was reached');
    assert.equal(limited.i, CREDENTIALS_CHECK_LIMIT, `after ${CREDENTIALS_CHECK_LIMIT} calls in the window`);
    assert.ok(Number(limited.res.headers.get('retry-after')) > 0);
    assert.equal(typeof limited.res.json.message, 'string');
    assert.equal(limited.res.headers.get('x-ratelimit-remaining'), null, 'no primary-limit headers on a check');
    assert.equal(await anonymousUsed(), usedBefore, 'checks took nothing from the anonymous API limit');
    t.clock.advance(60 * 60_000);
    assert.equal((await t.api.post('/credentials/check', { body: { credentials: ['x'] } })).status, 200, 'a new window');
  });
});
