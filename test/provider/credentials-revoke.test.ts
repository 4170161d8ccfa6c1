// POST /credentials/revoke: GitHub's shape, unauthenticated, at most 1000 per call, rate-limited.
import * as assert from 'node:assert/strict';
import { generateToken } from '../../src/shared/token-format';
import { createClassicToken, createUser, signIn, TestUser } from './helpers/accounts';
import { startTestProvider, TestProvider } from './helpers/provider';

describe('POST /credentials/revoke', () => {
  let t: TestProvider;
  let user: TestUser;

  beforeEach(async () => {
    t = await startTestProvider();
    user = await createUser(t);
  });
  afterEach(async () => t.close());

  it('revokes leaked tokens without authentication, answering 202 whatever they were', async () => {
    const leaked = await createClassicToken(t, user, { name: 'leaked', scopes: ['repo'] });
    const kept = await createClassicToken(t, user, { name: 'kept', scopes: ['repo'] });
    const res = await t.api.post('/credentials/revoke', {
      body: { credentials: [leaked.token, generateToken('classic'), 'tsp_not-even-a-token', 'hello'] },
    });
    assert.equal(res.status, 202, res.text);
    const use = await t.api.get('/user', { token: leaked.token });
    assert.equal(use.status, 401);
    assert.equal(use.json.message, 'Bad credentials');
    assert.equal((await t.api.get('/user', { token: kept.token })).status, 200);

    const session = (await signIn(t, user, ['admin:token'])).token;
    const got = await t.api.get(`/user/personal-access-tokens/${leaked.id}`, { token: session });
    assert.equal(got.json.status, 'revoked');
    assert.match(got.json.status_reason, /revocation API/);
    const log = await t.api.get('/user/audit-log?phrase=action:personal_access_token.credential_revoked', { token: session });
    assert.equal(log.json.length, 1);
    assert.equal(log.json[0].token_id, leaked.id);
    assert.ok(!log.text.includes(leaked.token));
  });

  it('answers the same 202 for tokens that never existed', async () => {
    const res = await t.api.post('/credentials/revoke', { body: { credentials: [generateToken('classic')] } });
    assert.equal(res.status, 202);
  });

  it('takes at most 1000 credentials and needs the credentials array', async () => {
    const tooMany = await t.api.post('/credentials/revoke', { body: { credentials: Array.from({ length: 1001 }, () => 'x') } });
    assert.equal(tooMany.status, 422);
    assert.equal(tooMany.json.errors[0].field, 'credentials');
    const empty = await t.api.post('/credentials/revoke', { body: { credentials: [] } });
    assert.equal(empty.status, 422);
    const missing = await t.api.post('/credentials/revoke', { body: {} });
    assert.equal(missing.status, 422);
    assert.equal(missing.json.errors[0].field, 'credentials');
    const thousand = await t.api.post('/credentials/revoke', { body: { credentials: Array.from({ length: 1000 }, () => generateToken('classic')) } });
    assert.equal(thousand.status, 202);
  });

  it('is rate-limited per client address (429 with Retry-After)', async () => {
    let limited;
    for (let i = 0; i < 70 && !limited; i++) {
      const res = await t.api.post('/credentials/revoke', { body: { credentials: ['x'] } });
      if (res.status === 429) limited = { i, res };
      else assert.equal(res.status, 202);
    }
    assert.ok(limited, 'the limit was reached');
    assert.equal(limited.i, 60, 'after 60 calls in the window');
    assert.ok(Number(limited.res.headers.get('retry-after')) > 0);
    t.clock.advance(60 * 60_000);
    assert.equal((await t.api.post('/credentials/revoke', { body: { credentials: ['x'] } })).status, 202, 'a new window');
  });
});
