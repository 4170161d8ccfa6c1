// POST /credentials/revoke: GitHub's shape, unauthenticated, at most 1000 per call, rate-limited
// per client address in the store (exactly the limit passes, under concurrency and across
// providers sharing the store).
import * as assert from 'node:assert/strict';
import { generateToken } from '../../src/shared/token-format';
import { createUser, type TestUser } from '../builders/users';
import { signIn } from '../builders/sessions';
import { createClassicToken } from '../builders/tokens';
import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { CREDENTIALS_REVOKE_LIMIT } from '../../src/provider/routes/credentials-revoke';
import { startTestProvider, TestProvider } from './helpers/provider';
import { dropTestDatabase, testDatabaseUrl } from './helpers/test-database';

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

  it('holds the limit under concurrency, across two providers sharing the store: of 100 parallel calls, exactly 60 pass', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'tessera-revoke-'));
    const databaseUrl = await testDatabaseUrl();
    const shared = { dataDir, clock: t.clock, ...(databaseUrl ? { databaseUrl } : {}) };
    const a = await startTestProvider(shared);
    const b = await startTestProvider(shared);
    try {
      const answers = await Promise.all(
        Array.from({ length: 100 }, (_, i) => (i % 2 ? b : a).api.post('/credentials/revoke', { body: { credentials: [generateToken('classic')] } })),
      );
      assert.equal(CREDENTIALS_REVOKE_LIMIT, 60);
      assert.equal(answers.filter((r) => r.status === 202).length, CREDENTIALS_REVOKE_LIMIT);
      const refused = answers.filter((r) => r.status === 429);
      assert.equal(refused.length, 100 - CREDENTIALS_REVOKE_LIMIT);
      for (const r of refused) assert.ok(Number(r.headers.get('retry-after')) > 0, r.text);
      assert.equal((await a.api.post('/credentials/revoke', { body: { credentials: ['x'] } })).status, 429, 'still spent at either');
    } finally {
      await b.close();
      await a.close();
      if (databaseUrl) await dropTestDatabase(databaseUrl);
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
