// /user/personal-access-tokens for classic tokens: create (presets, date, none), list, get,
// patch, regenerate, delete; shown once; headers; expiry; last_used_at.
import * as assert from 'node:assert/strict';
import { createUser, type TestUser } from '../builders/users';
import { signIn } from '../builders/sessions';
import { createClassicToken } from '../builders/tokens';
import { startTestProvider, TestProvider } from './helpers/provider';

const DAY = 24 * 60 * 60_000;

describe('personal access tokens (classic)', () => {
  let t: TestProvider;
  let user: TestUser;
  let session: string;

  beforeEach(async () => {
    t = await startTestProvider();
    user = await createUser(t);
    session = (await signIn(t, user, ['admin:token', 'user'])).token;
  });
  afterEach(async () => t.close());

  const create = (body: Record<string, unknown>) => t.api.post('/user/personal-access-tokens', { token: session, body });

  it('creates with the 7/30/60/90-day presets, a date, a date-time, or no expiry', async () => {
    const now = t.clock.now().getTime();
    for (const days of [7, 30, 60, 90]) {
      const res = await create({ name: `preset ${days}`, scopes: ['repo'], expires_in_days: days });
      assert.equal(res.status, 201, res.text);
      assert.equal(new Date(res.json.expires_at).getTime(), now + days * DAY);
    }
    const day = new Date(now + 200 * DAY).toISOString().slice(0, 10);
    const date = await create({ name: 'date', expires_at: day });
    assert.equal(date.json.expires_at, `${day}T23:59:59.000Z`);
    const dateTime = await create({ name: 'date-time', expires_at: `${day}T10:00:00+02:00` });
    assert.equal(dateTime.json.expires_at, `${day}T08:00:00.000Z`);
    const none = await create({ name: 'no expiry', scopes: [] });
    assert.equal(none.json.expires_at, null);
    const nullExpiry = await create({ name: 'null expiry', expires_at: null });
    assert.equal(nullExpiry.status, 201);
    assert.equal(nullExpiry.json.expires_at, null);
  });

  it('refuses a past or malformed expiry, both expiry fields, and an unsupported preset (422 naming the field)', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ name: 'a', expires_at: '2001-01-01T00:00:00Z' }, 'expires_at'],
      [{ name: 'b', expires_at: 'next tuesday' }, 'expires_at'],
      [{ name: 'c', expires_at: '2031-02-30' }, 'expires_at'],
      [{ name: 'd', expires_at: '2031-01-01', expires_in_days: 7 }, 'expires_in_days'],
      [{ name: 'e', expires_in_days: 0 }, 'expires_in_days'],
      [{ name: 'f', expires_in_days: 7.5 }, 'expires_in_days'],
      [{ name: 'f2', expires_in_days: 367 }, 'expires_in_days'],
      [{ name: 'f3', expires_at: '9999-12-31T23:59:59Z' }, 'expires_at'],
      [{ name: 'f4', expires_at: new Date(t.clock.now().getTime() + 367 * DAY).toISOString().slice(0, 10) }, 'expires_at'],
      [{ name: 'g', scopes: ['repo', 'bogus'] }, 'scopes'],
      [{ name: 'h', resource_owner: 'someone' }, 'resource_owner'],
      [{ name: '' }, 'name'],
    ];
    for (const [body, field] of cases) {
      const res = await create(body);
      assert.equal(res.status, 422, `${JSON.stringify(body)}: ${res.text}`);
      assert.ok(res.json.errors.some((e: { field: string }) => e.field === field), `${field} in ${res.text}`);
    }
  });

  it('answers the token object with the secret once; GET and list never show it', async () => {
    const res = await create({ name: 'ci', description: 'for CI', scopes: ['repo', 'public_repo', 'read:org'], expires_in_days: 30 });
    assert.equal(res.status, 201);
    const tok = res.json;
    assert.match(tok.token, /^tsp_[0-9A-Za-z]{36}$/);
    assert.equal(tok.token_last_eight, tok.token.slice(-8));
    assert.equal(tok.kind, 'classic');
    assert.equal(tok.name, 'ci');
    assert.equal(tok.description, 'for CI');
    assert.deepEqual(tok.scopes, ['repo', 'read:org']);
    assert.equal(tok.status, 'active');
    assert.equal(tok.last_used_at, null);
    assert.ok(tok.created_at);
    assert.equal(res.headers.get('location'), `${t.provider.apiUrl}/user/personal-access-tokens/${tok.id}`);

    const got = await t.api.get(`/user/personal-access-tokens/${tok.id}`, { token: session });
    assert.equal(got.status, 200);
    assert.equal(got.json.token, undefined);
    assert.equal(got.json.token_last_eight, tok.token_last_eight);
    const list = await t.api.get('/user/personal-access-tokens', { token: session });
    assert.ok(list.json.some((x: { id: number }) => x.id === tok.id));
    assert.ok(!list.text.includes(tok.token));
    const classicOnly = await t.api.get('/user/personal-access-tokens?kind=classic&status=active', { token: session });
    assert.ok(classicOnly.json.some((x: { id: number }) => x.id === tok.id), 'this token is listed');
    assert.ok(classicOnly.json.every((x: { kind: string; status: string }) => x.kind === 'classic' && x.status === 'active'), classicOnly.text);
  });

  it('a duplicate name is 422 already_exists', async () => {
    assert.equal((await create({ name: 'same' })).status, 201);
    const dup = await create({ name: 'same' });
    assert.equal(dup.status, 422);
    assert.equal(dup.json.errors[0].code, 'already_exists');
    assert.equal(dup.json.errors[0].field, 'name');
  });

  it('sets X-OAuth-Scopes, X-Accepted-OAuth-Scopes and GitHub-Authentication-Token-Expiration', async () => {
    const day = new Date(t.clock.now().getTime() + 100 * DAY).toISOString().slice(0, 10);
    const tok = (await create({ name: 'hdr', scopes: ['repo', 'user'], expires_at: `${day}T10:20:30Z` })).json;
    const res = await t.api.get('/user', { token: tok.token });
    assert.equal(res.headers.get('x-oauth-scopes'), 'repo, user');
    assert.equal(res.headers.get('x-accepted-oauth-scopes'), '');
    assert.equal(res.headers.get('github-authentication-token-expiration'), `${day} 10:20:30 UTC`);
    // Also on a 403.
    const denied = await t.api.get('/user/personal-access-tokens', { token: tok.token });
    assert.equal(denied.status, 403);
    assert.equal(denied.headers.get('x-accepted-oauth-scopes'), 'admin:token');
    assert.equal(denied.headers.get('x-oauth-scopes'), 'repo, user');
    assert.match(denied.json.message, /admin:token/);
    // Also on a 404 for an unknown path.
    const missing = await t.api.get('/no/such/endpoint', { token: tok.token });
    assert.equal(missing.status, 404);
    assert.equal(missing.headers.get('x-oauth-scopes'), 'repo, user');
    assert.equal(missing.headers.get('github-authentication-token-expiration'), `${day} 10:20:30 UTC`);
    // No expiry → no expiration header.
    const forever = await t.api.get('/user', { token: session });
    assert.equal(forever.headers.get('github-authentication-token-expiration'), null);
  });

  it('the health check answers a caller that sends a token, whatever its scopes, and still refuses bad credentials', async () => {
    const none = (await create({ name: 'no scopes', scopes: [] })).json.token;
    for (const token of [none, session]) {
      const res = await t.api.get('/-/health', { token });
      assert.equal(res.status, 200, res.text);
      assert.equal(res.json.status, 'ok');
    }
    assert.equal((await t.api.get('/-/health')).status, 200);
    assert.equal((await t.api.get('/-/health', { token: none.slice(0, -1) + (none.endsWith('a') ? 'b' : 'a') })).status, 401);
  });

  it('accepts `token`, `Bearer` and `bearer` schemes and Basic <anything>:<token>', async () => {
    const tok = (await create({ name: 'schemes', scopes: ['read:user'] })).json.token;
    for (const scheme of ['token', 'Bearer', 'bearer', 'TOKEN']) {
      assert.equal((await t.api.get('/user', { token: tok, tokenScheme: scheme })).status, 200, scheme);
    }
    assert.equal((await t.api.get('/user', { basic: { login: 'x-access-token', password: tok } })).status, 200);
    assert.equal((await t.api.get('/user', { basic: { login: 'anything', password: tok } })).status, 200);
  });

  it('an expired token is 401 "token expired"; the object shows status expired', async () => {
    const tok = (await create({ name: 'short', expires_in_days: 7 })).json;
    assert.equal((await t.api.get('/user', { token: tok.token })).status, 200);
    t.clock.advance(7 * DAY);
    const res = await t.api.get('/user', { token: tok.token });
    assert.equal(res.status, 401);
    assert.equal(res.json.message, 'token expired');
    const got = await t.api.get(`/user/personal-access-tokens/${tok.id}`, { basic: user });
    assert.equal(got.json.status, 'expired');
  });

  it('expire now: refused from the next request on, shown as expired, audited; a second call changes nothing; a revoked token is 422', async () => {
    const tok = (await create({ name: 'expire me', scopes: ['repo'], expires_in_days: 30 })).json;
    assert.equal((await t.api.get('/user', { token: tok.token })).status, 200);
    const withBody = await t.api.post(`/user/personal-access-tokens/${tok.id}/expire`, { token: session, body: { expires_at: '2001-01-01' } });
    assert.equal(withBody.status, 422, 'it takes no fields');
    assert.equal((await t.api.get('/user', { token: tok.token })).status, 200);
    const res = await t.api.post(`/user/personal-access-tokens/${tok.id}/expire`, { token: session });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json.status, 'expired');
    assert.equal(res.json.expires_at, t.clock.now().toISOString());
    assert.equal(res.json.token, undefined, 'no secret');
    const refused = await t.api.get('/user', { token: tok.token });
    assert.equal(refused.status, 401);
    assert.equal(refused.json.message, 'token expired');
    assert.equal((await t.api.get(`/user/personal-access-tokens/${tok.id}`, { token: session })).json.status, 'expired');

    t.clock.advance(60_000);
    const again = await t.api.post(`/user/personal-access-tokens/${tok.id}/expire`, { token: session });
    assert.equal(again.status, 200);
    assert.equal(again.json.expires_at, res.json.expires_at, 'the first expiry stays');

    const log = await t.api.get('/user/audit-log', { token: session });
    const updates = log.json.filter((e: { token_id?: number; action: string }) => e.token_id === tok.id && e.action === 'personal_access_token.update');
    assert.equal(updates.length, 1, 'one audit entry: the second call changed nothing');
    assert.deepEqual(updates[0].fields, ['expires_at']);
    assert.equal(updates[0].expired_now, true);

    const revokedTok = (await create({ name: 'revoked', expires_in_days: 30 })).json;
    assert.equal((await t.api.post('/credentials/revoke', { body: { credentials: [revokedTok.token] } })).status, 202);
    const revoked = await t.api.post(`/user/personal-access-tokens/${revokedTok.id}/expire`, { token: session });
    assert.equal(revoked.status, 422, revoked.text);
    assert.equal(revoked.json.errors[0].field, 'status');
  });

  it('regenerate: new secret, same id and grants, old secret refused; optional new expiry', async () => {
    const tok = (await create({ name: 'regen', scopes: ['repo'], expires_in_days: 7 })).json;
    const res = await t.api.post(`/user/personal-access-tokens/${tok.id}/regenerate`, { token: session, body: { expires_in_days: 30 } });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json.id, tok.id);
    assert.deepEqual(res.json.scopes, ['repo']);
    assert.notEqual(res.json.token, tok.token);
    assert.equal(new Date(res.json.expires_at).getTime(), t.clock.now().getTime() + 30 * DAY);
    assert.equal((await t.api.get('/user', { token: tok.token })).status, 401);
    assert.equal((await t.api.get('/user', { token: res.json.token })).status, 200);
    const noBody = await t.api.post(`/user/personal-access-tokens/${tok.id}/regenerate`, { token: session });
    assert.equal(noBody.status, 200);
    assert.equal(noBody.json.expires_at, res.json.expires_at, 'expiry kept');
  });

  it('an expired token needs a new expiry to be regenerated', async () => {
    const tok = (await create({ name: 'expired regen', expires_in_days: 7 })).json;
    t.clock.advance(8 * DAY);
    const session2 = (await signIn(t, user, ['admin:token'])).token;
    const missing = await t.api.post(`/user/personal-access-tokens/${tok.id}/regenerate`, { token: session2 });
    assert.equal(missing.status, 422);
    assert.equal(missing.json.errors[0].field, 'expires_at');
    const ok = await t.api.post(`/user/personal-access-tokens/${tok.id}/regenerate`, { token: session2, body: { expires_in_days: 7 } });
    assert.equal(ok.status, 200);
    assert.equal(ok.json.status, 'active');
    assert.equal((await t.api.get('/user', { token: ok.json.token })).status, 200);
  });

  it('patch renames, describes, shortens expiry and changes scopes', async () => {
    const tok = (await create({ name: 'p', scopes: ['repo'], expires_in_days: 60 })).json;
    const res = await t.api.patch(`/user/personal-access-tokens/${tok.id}`, {
      token: session,
      body: { name: 'p2', description: 'desc', expires_in_days: 7, scopes: ['public_repo'] },
    });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json.name, 'p2');
    assert.equal(res.json.description, 'desc');
    assert.deepEqual(res.json.scopes, ['public_repo']);
    assert.equal(new Date(res.json.expires_at).getTime(), t.clock.now().getTime() + 7 * DAY);
    assert.equal(res.json.token, undefined);
  });

  it('delete: 204, the token stops working, and it is gone', async () => {
    const tok = (await create({ name: 'del' })).json;
    assert.equal((await t.api.delete(`/user/personal-access-tokens/${tok.id}`, { token: session })).status, 204);
    assert.equal((await t.api.get('/user', { token: tok.token })).status, 401);
    assert.equal((await t.api.get(`/user/personal-access-tokens/${tok.id}`, { token: session })).status, 404);
  });

  it("another user's token is 404 for every operation", async () => {
    const tok = (await create({ name: 'mine' })).json;
    const other = await createUser(t);
    const otherSession = (await signIn(t, other, ['admin:token'])).token;
    const base = `/user/personal-access-tokens/${tok.id}`;
    assert.equal((await t.api.get(base, { token: otherSession })).status, 404);
    assert.equal((await t.api.patch(base, { token: otherSession, body: { name: 'x' } })).status, 404);
    assert.equal((await t.api.post(`${base}/regenerate`, { token: otherSession })).status, 404);
    assert.equal((await t.api.post(`${base}/expire`, { token: otherSession })).status, 404);
    assert.equal((await t.api.delete(base, { token: otherSession })).status, 404);
    assert.equal((await t.api.get('/user', { token: tok.token })).status, 200, 'still alive');
  });

  it('keeps last_used_at, written at most once a minute', async () => {
    const tok = (await create({ name: 'used' })).json;
    await t.api.get('/user', { token: tok.token });
    const t1 = (await t.api.get(`/user/personal-access-tokens/${tok.id}`, { basic: user })).json.last_used_at;
    assert.equal(t1, t.clock.now().toISOString());
    t.clock.advance(30_000);
    await t.api.get('/user', { token: tok.token });
    const t2 = (await t.api.get(`/user/personal-access-tokens/${tok.id}`, { basic: user })).json.last_used_at;
    assert.equal(t2, t1, 'not rewritten within a minute');
    t.clock.advance(31_000);
    await t.api.get('/user', { token: tok.token });
    const t3 = (await t.api.get(`/user/personal-access-tokens/${tok.id}`, { basic: user })).json.last_used_at;
    assert.equal(t3, t.clock.now().toISOString());
  });

  it('records personal_access_token.create / .update / .credential_regenerated / .destroy', async () => {
    const tok = (await create({ name: 'audited', scopes: ['repo'] })).json;
    await t.api.patch(`/user/personal-access-tokens/${tok.id}`, { token: session, body: { name: 'audited2' } });
    const regen = await t.api.post(`/user/personal-access-tokens/${tok.id}/regenerate`, { token: session });
    await t.api.delete(`/user/personal-access-tokens/${tok.id}`, { token: session });
    const log = await t.api.get('/user/audit-log', { token: session });
    const actions = log.json.filter((e: { token_id?: number }) => e.token_id === tok.id).map((e: { action: string }) => e.action);
    assert.deepEqual(actions, [
      'personal_access_token.destroy',
      'personal_access_token.credential_regenerated',
      'personal_access_token.update',
      'personal_access_token.create',
    ]);
    assert.ok(!log.text.includes(tok.token) && !log.text.includes(regen.json.token));
    const filtered = await t.api.get('/user/audit-log?phrase=action:personal_access_token.create', { token: session });
    assert.ok(filtered.json.some((e: { token_id?: number }) => e.token_id === tok.id), 'this token\'s creation is found');
    assert.ok(filtered.json.every((e: { action: string }) => e.action === 'personal_access_token.create'), filtered.text);
  });

  it('a token without scopes reads public data only: GET /user yes, token management no', async () => {
    const bare = await createClassicToken(t, user, { scopes: [] });
    assert.equal((await t.api.get('/user', { token: bare.token })).status, 200);
    const res = await t.api.get('/user/personal-access-tokens', { token: bare.token });
    assert.equal(res.status, 403);
    assert.equal(res.headers.get('x-oauth-scopes'), '');
  });
});
