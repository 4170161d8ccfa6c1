// The OAuth device flow against the real provider: POST /login/device/code, the approval API
// (/user/device-authorizations), POST /login/oauth/access_token with GitHub's error answers, the
// token the device receives (scopes, listed with the app, revocable), single use, expiry, the
// per-user limit on typed codes, and races.
import * as assert from 'node:assert/strict';
import { USER_CODE_PATTERN } from '../../src/shared/user-code';
import { freshOtp } from '../builders/totp';
import { enableTwoFactor } from '../builders/two-factor';
import { newSession, type Session } from '../builders/sessions';
import { createFineGrainedToken } from '../builders/tokens';
import { GH_CLIENT_ID, pollToken, postOAuth, startDevice } from './helpers/device-flow';
import { startTestProvider, TestProvider } from './helpers/provider';

const MINUTE = 60_000;

describe('OAuth device flow', function () {
  this.timeout(60_000);
  let t: TestProvider;
  let alice: Session;

  before(async () => {
    t = await startTestProvider();
    alice = await newSession(t);
  });
  after(async () => t?.close());

  const approve = (s: Session, userCode: string) => t.api.post('/user/device-authorizations', { token: s.token, body: { user_code: userCode } });
  const lookup = (s: Session, userCode: string) => t.api.post('/user/device-authorizations/lookup', { token: s.token, body: { user_code: userCode } });

  describe('POST /login/device/code', () => {
    it('answers form-encoded by default (as GitHub), with a user code, the verification page, lifetime and interval', async () => {
      const r = await postOAuth(t, '/login/device/code', { client_id: GH_CLIENT_ID, scope: 'repo read:org user' });
      assert.equal(r.status, 200, r.text);
      assert.match(r.contentType, /^application\/x-www-form-urlencoded/);
      assert.match(r.fields.device_code, /^[0-9a-f]{40}$/);
      assert.match(r.fields.user_code, USER_CODE_PATTERN);
      assert.equal(r.fields.verification_uri, `${t.provider.url}/login/device`);
      assert.equal(r.fields.expires_in, '900');
      assert.equal(r.fields.interval, '5');
    });

    it('answers JSON for Accept: application/json, and takes a JSON body', async () => {
      const r = await postOAuth(t, '/login/device/code', { client_id: GH_CLIENT_ID, scope: 'repo' }, { json: true, jsonBody: true });
      assert.equal(r.status, 200, r.text);
      assert.match(r.contentType, /^application\/json/);
      const body = JSON.parse(r.text);
      assert.equal(typeof body.expires_in, 'number');
      assert.equal(body.interval, 5);
      assert.match(body.user_code, USER_CODE_PATTERN);
    });

    it('refuses an unknown client (incorrect_client_credentials), unknown scopes and a missing client_id (422 naming the field)', async () => {
      const unknown = await postOAuth(t, '/login/device/code', { client_id: 'nosuchclient', scope: 'repo' });
      assert.equal(unknown.status, 400);
      assert.equal(unknown.fields.error, 'incorrect_client_credentials');
      const scope = await t.api.post(`${t.provider.url}/login/device/code`, { body: { client_id: GH_CLIENT_ID, scope: 'repo nonsense:scope' } });
      assert.equal(scope.status, 422);
      assert.equal(scope.json.errors[0].field, 'scope');
      const missing = await t.api.post(`${t.provider.url}/login/device/code`, { body: { scope: 'repo' } });
      assert.equal(missing.status, 422);
      assert.match(missing.json.message, /client_id/);
    });

    it('refuses parameters in the URL, on both endpoints (422 naming each): a device code there is never read', async () => {
      const inUrl = await postOAuth(t, '/login/device/code', {}, { json: true, query: { client_id: GH_CLIENT_ID, scope: 'repo' } });
      assert.equal(inUrl.status, 422, inUrl.text);
      assert.deepEqual(JSON.parse(inUrl.text).errors.map((e: { field: string }) => e.field), ['client_id', 'scope']);
      const { deviceCode } = await startDevice(t, 'repo');
      const poll = await postOAuth(t, '/login/oauth/access_token', { client_id: GH_CLIENT_ID }, { json: true, query: { device_code: deviceCode, grant_type: 'urn:ietf:params:oauth:grant-type:device_code' } });
      assert.equal(poll.status, 422, poll.text);
      assert.deepEqual(JSON.parse(poll.text).errors.map((e: { field: string }) => e.field), ['device_code', 'grant_type']);
      assert.ok(!poll.text.includes(deviceCode) && !JSON.stringify(t.logs).includes(deviceCode), 'the device code is neither echoed nor logged');
      assert.equal((await pollToken(t, deviceCode)).fields.error, 'authorization_pending', 'the code is still pending, in a body');
    });

    it('refuses a form with a repeated field, a non-UTF-8 form and other content types', async () => {
      const url = `${t.provider.url}/login/device/code`;
      const twice = await t.api.post(url, { raw: `client_id=${GH_CLIENT_ID}&client_id=x`, contentType: 'application/x-www-form-urlencoded' });
      assert.equal(twice.status, 400);
      const bytes = await t.api.post(url, { raw: Buffer.from([0x63, 0x3d, 0xff]), contentType: 'application/x-www-form-urlencoded' });
      assert.equal(bytes.status, 400);
      const xml = await t.api.post(url, { raw: `<client_id>${GH_CLIENT_ID}</client_id>`, contentType: 'application/xml' });
      assert.equal(xml.status, 415);
      // A text/plain body is read as JSON (as GitHub does), never as a form.
      const text = await t.api.post(url, { raw: `client_id=${GH_CLIENT_ID}`, contentType: 'text/plain' });
      assert.equal(text.status, 400);
      assert.match(text.json.message, /Problems parsing JSON/);
      // Form bodies are for the OAuth endpoints only: elsewhere a form-labelled body is read as JSON.
      const api = await t.api.post('/user/device-authorizations/lookup', { token: alice.token, raw: 'user_code=BCDF-2345', contentType: 'application/x-www-form-urlencoded' });
      assert.equal(api.status, 400);
      assert.match(api.json.message, /Problems parsing JSON/);
    });
  });

  describe('approval and POST /login/oauth/access_token', () => {
    it('pending → slow_down when polled too soon → approved (sudo) → a classic token with the scopes, listed with the app, revocable', async () => {
      const d = await startDevice(t, 'repo read:org read:user');
      const first = await pollToken(t, d.deviceCode);
      assert.equal(first.status, 200);
      assert.equal(first.fields.error, 'authorization_pending');
      const soon = await pollToken(t, d.deviceCode);
      assert.equal(soon.fields.error, 'slow_down');
      assert.equal(soon.fields.interval, '10');
      t.clock.advance(10_000);
      assert.equal((await pollToken(t, d.deviceCode)).fields.error, 'authorization_pending');

      const seen = await lookup(alice, d.userCode.toLowerCase().replace('-', ''));
      assert.equal(seen.status, 200, seen.text);
      assert.deepEqual(seen.json.app, { name: 'GitHub CLI', client_id: GH_CLIENT_ID, url: 'https://cli.github.com/', owner: null });
      assert.deepEqual(seen.json.scopes, ['repo', 'read:org', 'read:user']);
      assert.equal(seen.json.status, 'pending');

      const ok = await approve(alice, d.userCode);
      assert.equal(ok.status, 200, ok.text);
      assert.equal(ok.json.status, 'approved');
      assert.equal(ok.json.token_id, null);

      const got = await pollToken(t, d.deviceCode);
      assert.equal(got.status, 200, got.text);
      assert.match(got.fields.access_token, /^tsp_/);
      assert.equal(got.fields.token_type, 'bearer');
      assert.equal(got.fields.scope, 'repo,read:org,read:user');
      const token = got.fields.access_token;

      const me = await t.api.get('/user', { token });
      assert.equal(me.status, 200);
      assert.equal(me.json.login, alice.user.login);
      assert.equal(me.headers.get('x-oauth-scopes'), 'repo, read:org, read:user');

      const followed = await t.api.get(`/user/device-authorizations/${ok.json.id}`, { token: alice.token });
      assert.equal(followed.json.status, 'used');
      const list = await t.api.get('/user/personal-access-tokens', { token: alice.token });
      const listed = list.json.find((x: { id: number }) => x.id === followed.json.token_id);
      assert.ok(listed, 'the device token is listed with the user’s tokens');
      assert.deepEqual(listed.oauth_app, { name: 'GitHub CLI', client_id: GH_CLIENT_ID, url: 'https://cli.github.com/' });
      assert.equal(listed.name, 'GitHub CLI');
      assert.deepEqual(listed.scopes, ['repo', 'read:org', 'read:user']);

      // Single use: the device code gives no second token.
      t.clock.advance(10_000);
      assert.equal((await pollToken(t, d.deviceCode)).fields.error, 'incorrect_device_code');
      assert.equal((await approve(alice, d.userCode)).status, 409);

      const del = await t.api.delete(`/user/personal-access-tokens/${listed.id}`, { token: alice.token });
      assert.equal(del.status, 204);
      assert.equal((await t.api.get('/user', { token })).status, 401);
      assert.ok(!JSON.stringify(t.logs).includes(token) && !JSON.stringify(t.logs).includes(d.deviceCode), 'no secret in the logs');
      const auditLog = await t.api.get('/user/audit-log', { token: alice.token });
      assert.ok(!auditLog.text.includes(token) && !auditLog.text.includes(d.deviceCode) && !auditLog.text.includes(d.userCode));
      assert.ok(auditLog.json.some((e: { action: string }) => e.action === 'oauth_access.create'));
      assert.ok(auditLog.json.some((e: { action: string }) => e.action === 'oauth_device.authorize'));
    });

    it('approving needs sudo; looking up does not; a fine-grained token may do neither', async () => {
      const bob = await newSession(t);
      const fg = await createFineGrainedToken(t, alice, { repository_selection: 'none', permissions: {} });
      t.clock.advance(3 * 60 * MINUTE); // bob's sign-in sudo window (two hours) has closed
      const d = await startDevice(t);
      assert.equal((await lookup(bob, d.userCode)).status, 200);
      const refused = await approve(bob, d.userCode);
      assert.equal(refused.status, 403);
      assert.equal(refused.headers.get('x-tessera-sudo'), 'required');
      const sudo = await t.api.post('/user/sudo', { token: bob.token, body: { password: bob.user.password } });
      assert.equal(sudo.status, 200, sudo.text);
      assert.equal((await approve(bob, d.userCode)).status, 200);

      const d2 = await startDevice(t);
      assert.equal((await t.api.post('/user/device-authorizations/lookup', { token: fg.token, body: { user_code: d2.userCode } })).status, 403);
      assert.equal((await t.api.post('/user/device-authorizations', { token: fg.token, body: { user_code: d2.userCode } })).status, 403);
      alice = await newSession(t); // a new sudo window for the tests after this one
    });

    it('with 2FA, Basic + a fresh code is sudo for the approval', async () => {
      const s = await newSession(t);
      await enableTwoFactor(t, s.user, s.token);
      const d = await startDevice(t);
      const r = await t.api.post('/user/device-authorizations', {
        basic: { login: s.user.login, password: s.user.password },
        otp: await freshOtp(t, s.user),
        body: { user_code: d.userCode },
      });
      assert.equal(r.status, 200, r.text);
      t.clock.advance(5_000);
      assert.match((await pollToken(t, d.deviceCode)).fields.access_token, /^tsp_/);
    });

    it('denied → access_denied; expired → expired_token and 410 for the person; wrong codes and grants', async () => {
      const denied = await startDevice(t);
      const deny = await t.api.post('/user/device-authorizations/deny', { token: alice.token, body: { user_code: denied.userCode } });
      assert.equal(deny.status, 200, deny.text);
      assert.equal(deny.json.status, 'denied');
      assert.equal((await pollToken(t, denied.deviceCode)).fields.error, 'access_denied');

      const late = await startDevice(t);
      t.clock.advance(16 * MINUTE);
      const expired = await pollToken(t, late.deviceCode);
      assert.equal(expired.status, 200);
      assert.equal(expired.fields.error, 'expired_token');
      const gone = await approve(alice, late.userCode);
      assert.equal(gone.status, 410);
      assert.match(gone.json.message, /expired/);

      const d = await startDevice(t);
      assert.equal((await pollToken(t, 'f'.repeat(40))).fields.error, 'incorrect_device_code');
      const grant = await postOAuth(t, '/login/oauth/access_token', { client_id: GH_CLIENT_ID, device_code: d.deviceCode, grant_type: 'refresh_token' });
      assert.equal(grant.fields.error, 'unsupported_grant_type');
      // The web flow's grant wants a code, not a device code.
      const webGrant = await postOAuth(t, '/login/oauth/access_token', { client_id: GH_CLIENT_ID, device_code: d.deviceCode, grant_type: 'authorization_code' });
      assert.equal(webGrant.status, 422, webGrant.text);
      assert.match(webGrant.text, /"field":"code"/);
      assert.equal((await pollToken(t, d.deviceCode, 'otherclient')).fields.error, 'incorrect_client_credentials');
      const noCode = await t.api.post(`${t.provider.url}/login/oauth/access_token`, { body: { client_id: GH_CLIENT_ID, grant_type: 'urn:ietf:params:oauth:grant-type:device_code' } });
      assert.equal(noCode.status, 422);
      assert.equal(noCode.json.errors[0].field, 'device_code');
      const malformed = await lookup(alice, 'not a code!');
      assert.equal(malformed.status, 422);
      assert.equal(malformed.json.errors[0].field, 'user_code');
    });
  });

  describe('limits and races', () => {
    it('wrong user codes are limited per user (10 per hour, then 429 even for a right code), under parallel guesses too', async () => {
      const mallory = await newSession(t);
      const guesses = await Promise.all(
        Array.from({ length: 30 }, (_, i) => lookup(mallory, `BCDF-${String(2000 + i).replace(/[01]/g, '9')}`)),
      );
      const statuses = guesses.map((g) => g.status);
      assert.equal(statuses.filter((s) => s === 404).length, 10, statuses.join(','));
      assert.equal(statuses.filter((s) => s === 429).length, 20, statuses.join(','));
      const d = await startDevice(t);
      const blocked = await lookup(mallory, d.userCode);
      assert.equal(blocked.status, 429);
      assert.ok(Number(blocked.headers.get('retry-after')) > 0);
      // Another user is not affected.
      assert.equal((await lookup(alice, d.userCode)).status, 200);
    });

    it('parallel approvals of one code: one wins; parallel polls of an approved code: one token', async () => {
      const d = await startDevice(t);
      const approvals = await Promise.all(Array.from({ length: 8 }, () => approve(alice, d.userCode)));
      assert.deepEqual(approvals.map((a) => a.status).sort(), [200, 409, 409, 409, 409, 409, 409, 409]);
      const polls = await Promise.all(Array.from({ length: 8 }, () => pollToken(t, d.deviceCode)));
      const tokens = polls.filter((p) => p.fields.access_token);
      assert.equal(tokens.length, 1, polls.map((p) => p.text).join('\n'));
      assert.ok(polls.filter((p) => !p.fields.access_token).every((p) => p.fields.error === 'incorrect_device_code'));
    });
  });

  describe('OAuth apps', () => {
    it('a user registers an app (secret shown once), uses it for the device flow, lists it with GitHub CLI, and deletes it', async () => {
      const made = await t.api.post('/user/oauth-apps', { token: alice.token, body: { name: 'My Tool', url: 'https://tool.example/' } });
      assert.equal(made.status, 201, made.text);
      assert.match(made.json.client_id, /^[0-9a-f]{20}$/);
      assert.match(made.json.client_secret, /^[0-9a-f]{40}$/);
      assert.equal(made.json.owner, alice.user.login);
      const list = await t.api.get('/user/oauth-apps', { token: alice.token });
      assert.deepEqual(
        list.json.map((a: { name: string; owner: string | null }) => [a.name, a.owner]),
        [['GitHub CLI', null], ['My Tool', alice.user.login]],
      );
      assert.ok(!list.text.includes(made.json.client_secret), 'the secret is shown once');
      assert.equal((await t.api.post('/user/oauth-apps', { token: alice.token, body: { name: 'my tool', url: 'https://x.example/' } })).status, 422);
      assert.equal((await t.api.post('/user/oauth-apps', { token: alice.token, body: { name: 'Bad', url: 'ftp://x' } })).json.errors[0].field, 'url');

      const d = await startDevice(t, 'read:user', made.json.client_id);
      const seen = await lookup(alice, d.userCode);
      assert.deepEqual([seen.json.app.name, seen.json.app.owner], ['My Tool', alice.user.login], 'the lookup says who registered the app');
      assert.equal((await approve(alice, d.userCode)).status, 200);
      assert.equal((await pollToken(t, d.deviceCode, GH_CLIENT_ID)).fields.error, 'incorrect_device_code', 'another app cannot collect it');
      const got = await pollToken(t, d.deviceCode, made.json.client_id);
      assert.equal(got.fields.scope, 'read:user');

      const bob = await newSession(t);
      assert.equal((await t.api.delete(`/user/oauth-apps/${made.json.client_id}`, { token: bob.token })).status, 404);
      assert.equal((await t.api.delete(`/user/oauth-apps/${GH_CLIENT_ID}`, { token: alice.token })).status, 404);
      assert.equal((await t.api.delete(`/user/oauth-apps/${made.json.client_id}`, { token: alice.token })).status, 204);
      assert.equal((await postOAuth(t, '/login/device/code', { client_id: made.json.client_id })).fields.error, 'incorrect_client_credentials');
      // The token it received stays, with the user's other tokens.
      assert.equal((await t.api.get('/user', { token: got.fields.access_token })).status, 200);
    });
  });
});
