// Sudo mode: a sign-in token (POST /authorizations, Basic + OTP) may create, regenerate and widen
// tokens for two hours; after that 403 X-Tessera-Sudo: required until POST /user/sudo reopens
// the window for that token only. Basic + OTP on the call itself is always fresh proof.
import * as assert from 'node:assert/strict';
import { createUser, type TestUser } from '../builders/users';
import { freshOtp } from '../builders/totp';
import { enableTwoFactor } from '../builders/two-factor';
import { signIn } from '../builders/sessions';
import { createClassicToken } from '../builders/tokens';
import { createOrg } from '../builders/orgs';
import { startTestProvider, TestProvider } from './helpers/provider';

const TWO_HOURS = 2 * 60 * 60_000;

describe('sudo mode', () => {
  let t: TestProvider;
  let user: TestUser;

  beforeEach(async () => {
    t = await startTestProvider();
    user = await createUser(t);
    await enableTwoFactor(t, user);
  });
  afterEach(async () => t.close());

  const create = (token: string, name: string, scopes: string[] = ['read:user']) =>
    t.api.post('/user/personal-access-tokens', { token, body: { name, scopes } });

  it('the sign-in token can create tokens for two hours, then gets 403 X-Tessera-Sudo: required', async () => {
    const session = await signIn(t, user);
    assert.equal((await create(session.token, 'within window')).status, 201);
    t.clock.advance(TWO_HOURS - 1000);
    assert.equal((await create(session.token, 'just before the end')).status, 201);
    t.clock.advance(2000);
    const closed = await create(session.token, 'after the window');
    assert.equal(closed.status, 403);
    assert.equal(closed.headers.get('x-tessera-sudo'), 'required');
    assert.match(closed.json.message, /[Ss]udo/);
    // Listing needs no sudo.
    assert.equal((await t.api.get('/user/personal-access-tokens', { token: session.token })).status, 200);
  });

  it('POST /user/sudo reopens the window for that token only', async () => {
    const session = await signIn(t, user);
    const other = await signIn(t, user);
    t.clock.advance(TWO_HOURS + 1000);

    const noCode = await t.api.post('/user/sudo', { token: session.token, body: { password: user.password } });
    assert.equal(noCode.status, 403);
    assert.equal(noCode.headers.get('x-github-otp'), 'required; app');

    const wrongPw = await t.api.post('/user/sudo', { token: session.token, body: { password: 'wrong', otp: await freshOtp(t, user) } });
    assert.equal(wrongPw.status, 403);

    const ok = await t.api.post('/user/sudo', { token: session.token, body: { password: user.password, otp: await freshOtp(t, user) } });
    assert.equal(ok.status, 200, ok.text);
    assert.equal(new Date(ok.json.sudo_until).getTime(), t.clock.now().getTime() + TWO_HOURS);

    assert.equal((await create(session.token, 'after sudo')).status, 201);
    const otherRes = await create(other.token, 'other token');
    assert.equal(otherRes.status, 403, 'the other token stays without sudo');
    assert.equal(otherRes.headers.get('x-tessera-sudo'), 'required');
  });

  it("an org's policy, members and approvals change through admin:token only with fresh proof; admin:org needs none, reading needs none", async () => {
    const org = await createOrg(t, user);
    const other = await createUser(t);
    const adminToken = (await createClassicToken(t, user, { scopes: ['admin:token'] })).token;
    const adminOrg = (await createClassicToken(t, user, { scopes: ['admin:org'] })).token;
    const policy = { require_approval: false };
    const writes: [string, string, unknown][] = [
      ['PATCH', `/orgs/${org}/personal-access-token-policy`, policy],
      ['PUT', `/orgs/${org}/memberships/${other.login}`, { role: 'admin' }],
      ['DELETE', `/orgs/${org}/memberships/${other.login}`, undefined],
      ['POST', `/orgs/${org}/personal-access-token-requests`, { action: 'approve', pat_request_ids: [999999] }],
    ];
    for (const [method, path, body] of writes) {
      const refused = await t.api.call(method, path, { token: adminToken, ...(body !== undefined ? { body } : {}) });
      assert.equal(refused.status, 403, `${method} ${path}: ${refused.text}`);
      assert.equal(refused.headers.get('x-tessera-sudo'), 'required', `${method} ${path}`);
    }
    assert.equal((await t.api.get(`/orgs/${org}/personal-access-token-policy`, { token: adminToken })).status, 200, 'reading needs no sudo');
    assert.equal((await t.api.call('PATCH', `/orgs/${org}/personal-access-token-policy`, { token: adminOrg, body: policy })).status, 200, 'admin:org needs no sudo');
    const opened = await t.api.post('/user/sudo', { token: adminToken, body: { password: user.password, otp: await freshOtp(t, user) } });
    assert.equal(opened.status, 200, opened.text);
    assert.equal((await t.api.call('PATCH', `/orgs/${org}/personal-access-token-policy`, { token: adminToken, body: policy })).status, 200);
    assert.equal((await t.api.call('PUT', `/orgs/${org}/memberships/${other.login}`, { token: adminToken, body: { role: 'member' } })).status, 200);
  });

  it('a regenerated secret does not inherit the window: the proof was made with the secret it replaces', async () => {
    const session = await signIn(t, user);
    const other = await signIn(t, user); // its window is open too
    const regen = await t.api.post(`/user/personal-access-tokens/${other.id}/regenerate`, { token: session.token, body: {} });
    assert.equal(regen.status, 200, regen.text);
    const refused = await create(regen.json.token, 'with the new secret');
    assert.equal(refused.status, 403, refused.text);
    assert.equal(refused.headers.get('x-tessera-sudo'), 'required');
    const ok = await t.api.post('/user/sudo', { token: regen.json.token, body: { password: user.password, otp: await freshOtp(t, user) } });
    assert.equal(ok.status, 200, ok.text);
    assert.equal((await create(regen.json.token, 'after its own sudo')).status, 201);
    assert.equal((await create(session.token, 'the regenerating session keeps its window')).status, 201);
  });

  it('a token regenerating itself keeps its window: the holder who proved the password with it gets the new secret', async () => {
    const session = await signIn(t, user);
    const regen = await t.api.post(`/user/personal-access-tokens/${session.id}/regenerate`, { token: session.token, body: {} });
    assert.equal(regen.status, 200, regen.text);
    assert.equal((await create(regen.json.token, 'with its own new secret')).status, 201);
  });

  it('POST /user/sudo needs a token (not Basic)', async () => {
    const res = await t.api.post('/user/sudo', { basic: user, otp: await freshOtp(t, user), body: { password: user.password } });
    assert.equal(res.status, 403);
  });

  it('Basic + OTP on the call itself is fresh proof', async () => {
    const tok = await createClassicToken(t, user, { scopes: ['repo'] });
    assert.equal(tok.status, 'active');
  });

  it('a PAT (not a sign-in) has no sudo window: regenerate and widening need sudo, shortening does not', async () => {
    const admin = await createClassicToken(t, user, { scopes: ['admin:token'] });
    const target = await createClassicToken(t, user, { scopes: ['read:user'], expires_in_days: 30 });
    const regen = await t.api.post(`/user/personal-access-tokens/${target.id}/regenerate`, { token: admin.token });
    assert.equal(regen.status, 403);
    assert.equal(regen.headers.get('x-tessera-sudo'), 'required');
    const widen = await t.api.patch(`/user/personal-access-tokens/${target.id}`, { token: admin.token, body: { scopes: ['user'] } });
    assert.equal(widen.status, 403);
    const extend = await t.api.patch(`/user/personal-access-tokens/${target.id}`, { token: admin.token, body: { expires_in_days: 90 } });
    assert.equal(extend.status, 403, 'extending the expiry is widening');
    const narrow = await t.api.patch(`/user/personal-access-tokens/${target.id}`, { token: admin.token, body: { scopes: [], expires_in_days: 7 } });
    assert.equal(narrow.status, 200, narrow.text);
    assert.deepEqual(narrow.json.scopes, []);
    const rename = await t.api.patch(`/user/personal-access-tokens/${target.id}`, { token: admin.token, body: { name: 'renamed', description: 'd' } });
    assert.equal(rename.status, 200);
  });

  it('signing in again through PUT /authorizations/clients/{client_id}/{fingerprint} reopens the existing token’s window', async () => {
    const path = '/authorizations/clients/tessera-vscode/machine-x';
    const first = await t.api.put(path, { basic: user, otp: await freshOtp(t, user), body: { scopes: ['admin:token', 'user'], note: 'vscode' } });
    assert.equal(first.status, 201);
    t.clock.advance(TWO_HOURS + 1000);
    assert.equal((await create(first.json.token, 'closed')).status, 403);
    const again = await t.api.put(path, { basic: user, otp: await freshOtp(t, user), body: { scopes: ['admin:token', 'user'] } });
    assert.equal(again.status, 200);
    assert.equal(again.json.token, '');
    assert.equal((await create(first.json.token, 'reopened')).status, 201);
  });

  it('a user without 2FA: the password alone is the fresh proof for /user/sudo', async () => {
    const plain = await createUser(t);
    const session = await signIn(t, plain);
    t.clock.advance(TWO_HOURS + 1000);
    assert.equal((await create(session.token, 'x')).status, 403);
    const ok = await t.api.post('/user/sudo', { token: session.token, body: { password: plain.password } });
    assert.equal(ok.status, 200);
    assert.equal((await create(session.token, 'y')).status, 201);
  });
});
