// The device sign-in page (/login/device) of a provider: server-rendered HTML, CSRF cookie + form
// field, sign-in with password and two-factor code under the lockout, the device code under the
// guess limit, a single-use confirmation ticket, Authorize and Deny. No secret in a URL.
import * as assert from 'node:assert/strict';
import { freshOtp } from '../builders/totp';
import { enableTwoFactor } from '../builders/two-factor';
import { newSession, type Session } from '../builders/sessions';
import { pollToken, startDevice } from './helpers/device-flow';
import { startTestProvider, TestProvider } from './helpers/provider';

const FORM = 'application/x-www-form-urlencoded';

describe('device sign-in page (/login/device)', function () {
  this.timeout(60_000);
  let t: TestProvider;
  let alice: Session;

  before(async () => {
    t = await startTestProvider();
    alice = await newSession(t);
    await enableTwoFactor(t, alice.user, alice.token);
  });
  after(async () => t?.close());

  async function openPage(): Promise<{ csrf: string; cookie: string }> {
    const res = await t.api.get(`${t.provider.url}/login/device`, { headers: { accept: 'text/html' } });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/html/);
    assert.match(res.headers.get('content-security-policy') ?? '', /default-src 'none'.*form-action 'self'.*frame-ancestors 'none'/);
    const setCookie = res.headers.get('set-cookie') ?? '';
    assert.match(setCookie, /HttpOnly/);
    assert.match(setCookie, /SameSite=Strict/);
    const cookie = setCookie.split(';')[0];
    const csrf = /name="csrf" value="([^"]+)"/.exec(res.text)?.[1] ?? '';
    assert.equal(cookie, `tessera_device_csrf=${csrf}`, 'the form repeats the cookie');
    return { csrf, cookie };
  }

  function post(path: string, fields: Record<string, string>, cookie?: string, headers: Record<string, string> = {}) {
    return t.api.post(`${t.provider.url}${path}`, {
      raw: new URLSearchParams(fields).toString(),
      contentType: FORM,
      headers: { accept: 'text/html', ...(cookie ? { cookie } : {}), ...headers },
    });
  }

  it('signs in with password and two-factor code, shows the app and scopes, authorizes once; the device gets its token', async () => {
    const device = await startDevice(t, 'repo read:org');
    const { csrf, cookie } = await openPage();
    const base = { csrf, login: alice.user.login, password: alice.user.password, user_code: device.userCode };

    const wrong = await post('/login/device', { ...base, password: 'wrong', otp: '' }, cookie);
    assert.equal(wrong.status, 401);
    assert.match(wrong.text, /Incorrect login, password or code/);
    const noCode = await post('/login/device', { ...base, otp: '' }, cookie);
    assert.equal(noCode.status, 401);
    assert.match(noCode.text, /Enter the current code from your authenticator app/);
    assert.ok(noCode.text.includes(`value="${device.userCode}"`), 'the typed device code is kept');
    assert.ok(!noCode.text.includes(alice.user.password), 'the password is never echoed');

    const confirm = await post('/login/device', { ...base, otp: await freshOtp(t, alice.user) }, cookie);
    assert.equal(confirm.status, 200, confirm.text);
    assert.match(confirm.text, /Authorize GitHub CLI\?/);
    assert.match(confirm.text, /data-testid="app-owner">built in to this server</, 'the page says who made the app');
    assert.match(confirm.text, /<code>repo<\/code> — Full control of private repositories/);
    assert.match(confirm.text, /<code>read:org<\/code>/);
    const ticket = /name="ticket" value="([^"]+)"/.exec(confirm.text)?.[1] ?? '';
    assert.ok(ticket.length >= 32);
    assert.equal((await pollToken(t, device.deviceCode)).fields.error, 'authorization_pending', 'nothing is decided before Authorize');

    const done = await post('/login/device/confirm', { csrf, ticket, decision: 'approve' }, cookie);
    assert.equal(done.status, 200, done.text);
    assert.match(done.text, /GitHub CLI is authorized/);
    t.clock.advance(5_000);
    const got = await pollToken(t, device.deviceCode);
    assert.match(got.fields.access_token ?? '', /^tsp_/, got.text);
    assert.equal((await t.api.get('/user', { token: got.fields.access_token })).json.login, alice.user.login);

    const reused = await post('/login/device/confirm', { csrf, ticket, decision: 'approve' }, cookie);
    assert.equal(reused.status, 410);
    assert.match(reused.text, /expired or was already used/);
  });

  it('Deny gives the device access_denied; a wrong device code is said so', async () => {
    const device = await startDevice(t, 'repo');
    const { csrf, cookie } = await openPage();
    const base = { csrf, login: alice.user.login, password: alice.user.password };
    const unknown = await post('/login/device', { ...base, otp: await freshOtp(t, alice.user), user_code: 'BCDF-2345' }, cookie);
    assert.equal(unknown.status, 404);
    assert.match(unknown.text, /No device is waiting for this code/);
    const confirm = await post('/login/device', { ...base, otp: await freshOtp(t, alice.user), user_code: device.userCode }, cookie);
    const ticket = /name="ticket" value="([^"]+)"/.exec(confirm.text)?.[1] ?? '';
    const denied = await post('/login/device/confirm', { csrf, ticket, decision: 'deny' }, cookie);
    assert.equal(denied.status, 200);
    assert.match(denied.text, /GitHub CLI was denied/);
    assert.equal((await pollToken(t, device.deviceCode)).fields.error, 'access_denied');
  });

  it('after 10 wrong device codes the page answers 429 with Retry-After, as the API does', async () => {
    const mallory = await newSession(t);
    const { csrf, cookie } = await openPage();
    const base = { csrf, login: mallory.user.login, password: mallory.user.password, otp: '' };
    for (let i = 0; i < 10; i++) {
      const wrong = await post('/login/device', { ...base, user_code: `BCDF-${String(2000 + i).replace(/[01]/g, '9')}` }, cookie);
      assert.equal(wrong.status, 404, wrong.text);
    }
    const device = await startDevice(t);
    const blocked = await post('/login/device', { ...base, user_code: device.userCode }, cookie);
    assert.equal(blocked.status, 429, blocked.text);
    assert.match(blocked.text, /Too many wrong device codes/);
    assert.ok(Number(blocked.headers.get('retry-after')) > 0, 'the page says when to try again');
  });

  it('refuses a form without the CSRF cookie, with another value, or from a foreign Origin; escapes what it echoes', async () => {
    const { csrf, cookie } = await openPage();
    const fields = { csrf, login: alice.user.login, password: alice.user.password, user_code: 'BCDF-2345' };
    assert.equal((await post('/login/device', fields)).status, 403);
    assert.equal((await post('/login/device', { ...fields, csrf: 'x'.repeat(32) }, cookie)).status, 403);
    assert.equal((await post('/login/device', fields, cookie, { origin: 'https://evil.example' })).status, 403);
    assert.equal((await post('/login/device/confirm', { csrf: 'y', ticket: 'z', decision: 'approve' }, cookie)).status, 403);
    const hostile = await post('/login/device', { ...fields, login: '<script>x</script>', password: 'p' }, cookie);
    assert.equal(hostile.status, 401);
    assert.ok(!hostile.text.includes('<script>x'), 'the login is escaped');
    assert.ok(hostile.text.includes('&lt;script&gt;x'));
  });
});
