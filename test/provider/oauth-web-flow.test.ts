// The OAuth web flow against the real provider, over real HTTP: an app (registered with a callback
// URL on a real local HTTP server, the app's side) sends the person to GET /login/oauth/authorize;
// the person signs in on the page (password + two-factor code), sees the app and the scopes and
// approves or denies; the redirect is followed to the app's callback; the app exchanges the code at
// POST /login/oauth/access_token for a classic token listed and revocable with the user's tokens.
// Codes are single use, expire in 10 minutes, and are bound to their app and redirect_uri.
import * as assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { freshOtp } from '../builders/totp';
import { enableTwoFactor } from '../builders/two-factor';
import { newSession, type Session } from '../builders/sessions';
import { postOAuth } from './helpers/device-flow';
import { startTestProvider, TestProvider } from './helpers/provider';

const FORM = 'application/x-www-form-urlencoded';
const MINUTE = 60_000;

/** The app's side: a real HTTP server that records every request to its callback. */
async function startCallbackServer(): Promise<{ server: Server; origin: string; received: URL[] }> {
  const received: URL[] = [];
  const server = createServer((req, res) => {
    received.push(new URL(req.url ?? '/', 'http://127.0.0.1'));
    res.writeHead(200, { 'content-type': 'text/plain' }).end('the app received the callback');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received };
}

describe('OAuth web flow (authorization code)', function () {
  this.timeout(60_000);
  let t: TestProvider;
  let alice: Session;
  let cb: Awaited<ReturnType<typeof startCallbackServer>>;
  let app: { client_id: string; client_secret: string };

  before(async () => {
    t = await startTestProvider();
    alice = await newSession(t);
    await enableTwoFactor(t, alice.user, alice.token);
    cb = await startCallbackServer();
    const made = await t.api.post('/user/oauth-apps', { token: alice.token, body: { name: 'Web Tool', url: 'https://tool.example/', callback_url: `${cb.origin}/callback` } });
    assert.equal(made.status, 201, made.text);
    app = made.json;
  });
  after(async () => {
    await t?.close();
    await new Promise((resolve) => cb?.server.close(resolve));
  });

  const authorizeUrl = (params: Record<string, string>) => `${t.provider.url}/login/oauth/authorize?${new URLSearchParams(params)}`;

  async function openPage(params: Record<string, string>): Promise<{ csrf: string; cookie: string; hidden: Record<string, string>; text: string }> {
    const res = await t.api.get(authorizeUrl(params), { headers: { accept: 'text/html' } });
    assert.equal(res.status, 200, res.text);
    assert.match(res.headers.get('content-security-policy') ?? '', /default-src 'none'.*form-action 'self'.*frame-ancestors 'none'/);
    const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0];
    const hidden: Record<string, string> = {};
    for (const m of res.text.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) hidden[m[1]] = m[2].replace(/&amp;/g, '&').replace(/&quot;/g, '"');
    assert.equal(cookie, `tessera_oauth_csrf=${hidden.csrf}`, 'the form repeats the cookie');
    return { csrf: hidden.csrf, cookie, hidden, text: res.text };
  }

  function postForm(path: string, fields: Record<string, string>, cookie?: string) {
    return t.api.post(`${t.provider.url}${path}`, { raw: new URLSearchParams(fields).toString(), contentType: FORM, headers: { accept: 'text/html', ...(cookie ? { cookie } : {}) } });
  }

  /** Opens the page, signs in (with a fresh two-factor code), and answers the confirmation page's ticket. */
  async function signInOnPage(params: Record<string, string>): Promise<{ csrf: string; cookie: string; ticket: string; text: string }> {
    const page = await openPage(params);
    const res = await postForm('/login/oauth/authorize', { ...page.hidden, login: alice.user.login, password: alice.user.password, otp: await freshOtp(t, alice.user) }, page.cookie);
    assert.equal(res.status, 200, res.text);
    const ticket = /name="ticket" value="([^"]+)"/.exec(res.text)?.[1] ?? '';
    assert.ok(ticket.length >= 32, res.text);
    return { csrf: page.csrf, cookie: page.cookie, ticket, text: res.text };
  }

  /** Approves (or denies) on the confirmation page and follows the redirect to the app: the callback the app received. */
  async function decide(s: { csrf: string; cookie: string; ticket: string }, decision: 'approve' | 'deny'): Promise<URL> {
    const before = cb.received.length;
    const res = await postForm('/login/oauth/authorize/confirm', { csrf: s.csrf, ticket: s.ticket, decision }, s.cookie);
    assert.equal(res.status, 200, res.text);
    assert.equal(res.text, 'the app received the callback', 'the redirect was followed to the app');
    assert.equal(cb.received.length, before + 1);
    return cb.received[before];
  }

  async function approvedCode(params: Record<string, string> = {}): Promise<string> {
    const back = await decide(await signInOnPage({ client_id: app.client_id, scope: 'read:user', ...params }), 'approve');
    return back.searchParams.get('code') ?? '';
  }

  const exchange = (fields: Record<string, string>, json = true) => postOAuth(t, '/login/oauth/access_token', { client_id: app.client_id, client_secret: app.client_secret, ...fields }, { json });

  it('the whole flow: page, sign-in with 2FA, the app and scopes, Authorize, redirect with code and state; the code gives a token (JSON or form), listed and revocable', async () => {
    const state = 'st&te "1"';
    const page = await openPage({ client_id: app.client_id, redirect_uri: `${cb.origin}/callback/done`, scope: 'repo read:org', state, response_type: 'code' });
    assert.match(page.text, /Sign in to authorize Web Tool/);
    assert.equal(page.hidden.state, state, 'the state is carried, escaped');
    const base = { ...page.hidden, login: alice.user.login, password: alice.user.password };
    const noOtp = await postForm('/login/oauth/authorize', { ...base, otp: '' }, page.cookie);
    assert.equal(noOtp.status, 401);
    assert.match(noOtp.text, /Enter the current code from your authenticator app/);
    assert.ok(!noOtp.text.includes(alice.user.password), 'the password is never echoed');
    const confirm = await postForm('/login/oauth/authorize', { ...base, otp: await freshOtp(t, alice.user) }, page.cookie);
    assert.equal(confirm.status, 200, confirm.text);
    assert.match(confirm.text, /Authorize Web Tool\?/);
    assert.match(confirm.text, new RegExp(`act as <strong>${alice.user.login}</strong>`));
    assert.match(confirm.text, new RegExp(`data-testid="app-owner">registered by <strong>${alice.user.login}</strong><`), 'the page says who registered the app');
    assert.match(confirm.text, /<code>repo<\/code> — Full control of private repositories/);
    assert.match(confirm.text, /<code>read:org<\/code>/);
    assert.ok(confirm.text.includes(`${cb.origin}/callback/done`), 'the page says where the person goes back to');
    assert.match(confirm.headers.get('content-security-policy') ?? '', new RegExp(`form-action 'self' ${cb.origin};`));
    const ticket = /name="ticket" value="([^"]+)"/.exec(confirm.text)?.[1] ?? '';

    const back = await decide({ csrf: page.csrf, cookie: page.cookie, ticket }, 'approve');
    assert.equal(back.pathname, '/callback/done');
    assert.equal(back.searchParams.get('state'), state);
    const code = back.searchParams.get('code') ?? '';
    assert.match(code, /^[0-9a-f]{40}$/);

    const got = await exchange({ code, redirect_uri: `${cb.origin}/callback/done` });
    assert.equal(got.status, 200, got.text);
    assert.match(got.contentType, /^application\/json/);
    assert.match(got.fields.access_token, /^tsp_/);
    assert.equal(got.fields.token_type, 'bearer');
    assert.equal(got.fields.scope, 'repo,read:org');
    const token = got.fields.access_token;
    const me = await t.api.get('/user', { token });
    assert.equal(me.json.login, alice.user.login);
    assert.equal(me.headers.get('x-oauth-scopes'), 'repo, read:org');

    const list = await t.api.get('/user/personal-access-tokens', { token: alice.token });
    const listed = list.json.find((x: { token_last_eight: string }) => x.token_last_eight === token.slice(-8));
    assert.ok(listed, 'the token is listed with the user’s tokens');
    assert.deepEqual(listed.oauth_app, { name: 'Web Tool', client_id: app.client_id, url: 'https://tool.example/' });
    assert.deepEqual(listed.scopes, ['repo', 'read:org']);

    // Form-encoded by default, as GitHub (a second code, so the first stays used).
    const form = await exchange({ code: await approvedCode() }, false);
    assert.match(form.contentType, /^application\/x-www-form-urlencoded/);
    assert.equal(form.fields.scope, 'read:user');

    assert.equal((await t.api.delete(`/user/personal-access-tokens/${listed.id}`, { token: alice.token })).status, 204);
    assert.equal((await t.api.get('/user', { token })).status, 401, 'revoked like any token');
    const logs = JSON.stringify(t.logs);
    assert.ok(!logs.includes(token) && !logs.includes(code) && !logs.includes(ticket) && !logs.includes(app.client_secret), 'no secret in the logs');
    const auditLog = await t.api.get('/user/audit-log', { token: alice.token });
    assert.ok(!auditLog.text.includes(token) && !auditLog.text.includes(code));
    assert.ok(auditLog.json.some((e: { action: string }) => e.action === 'oauth_authorization.create'));
    assert.ok(auditLog.json.some((e: { action: string }) => e.action === 'oauth_access.create'));
  });

  it('a code is single use: a replay is bad_verification_code (form-encoded by default); of parallel exchanges one gets a token', async () => {
    const code = await approvedCode();
    assert.match((await exchange({ code })).fields.access_token, /^tsp_/);
    const replay = await exchange({ code }, false);
    assert.equal(replay.status, 200);
    assert.match(replay.contentType, /^application\/x-www-form-urlencoded/);
    assert.equal(replay.fields.error, 'bad_verification_code');
    assert.match(replay.fields.error_uri, /bad-verification-code/);

    const raced = await approvedCode();
    const answers = await Promise.all(Array.from({ length: 5 }, () => exchange({ code: raced })));
    assert.equal(answers.filter((a) => a.fields.access_token).length, 1, JSON.stringify(answers.map((a) => a.fields)));
    assert.ok(answers.every((a) => a.fields.access_token || a.fields.error === 'bad_verification_code'));
  });

  it('the redirect_uri must fit the callback URL (else back to the callback with redirect_uri_mismatch), and the exchange must repeat it', async () => {
    // Below the callback's path, nothing a server might read as a step up or as another path:
    // `..;` (a dot segment with parameters), encoded slashes, empty segments; no fragment, not even an empty one.
    const tricks = [`${cb.origin}/callback/..;/other`, `${cb.origin}/callback/..%2Fother`, `${cb.origin}/callback/%2E%2E%5Cother`, `${cb.origin}/callback//evil.example/x`, `${cb.origin}/callback#`];
    for (const wrong of ['https://evil.example/callback', `${cb.origin}/other`, `${cb.origin.replace('127.0.0.1', 'localhost')}/callback`, `${cb.origin}/callback#x`, ...tricks]) {
      const before = cb.received.length;
      const res = await t.api.get(authorizeUrl({ client_id: app.client_id, redirect_uri: wrong, state: 's1' }), { headers: { accept: 'text/html' } });
      assert.equal(res.text, 'the app received the callback', wrong);
      const back = cb.received[before];
      assert.equal(back.pathname, '/callback', 'sent to the registered callback, never to the given URL');
      assert.equal(back.searchParams.get('error'), 'redirect_uri_mismatch');
      assert.equal(back.searchParams.get('state'), 's1');
    }

    // A loopback callback allows any port (native apps listen where they can), as on GitHub.
    assert.equal((await t.api.get(authorizeUrl({ client_id: app.client_id, redirect_uri: 'http://127.0.0.1:1/callback' }), { headers: { accept: 'text/html' } })).status, 200);

    const code = await approvedCode({ redirect_uri: `${cb.origin}/callback/sub` });
    assert.equal((await exchange({ code, redirect_uri: `${cb.origin}/callback` })).fields.error, 'redirect_uri_mismatch');
    assert.equal((await exchange({ code })).fields.error, 'redirect_uri_mismatch', 'asked with a redirect_uri, the exchange must repeat it');
    assert.match((await exchange({ code, redirect_uri: `${cb.origin}/callback/sub` })).fields.access_token, /^tsp_/, 'a refused exchange does not use the code');

    const plain = await approvedCode();
    assert.equal((await exchange({ code: plain, redirect_uri: `${cb.origin}/callback/sub` })).fields.error, 'redirect_uri_mismatch');
    assert.match((await exchange({ code: plain, redirect_uri: `${cb.origin}/callback` })).fields.access_token, /^tsp_/);
  });

  it('a code is bound to its app and its client secret; expired codes and confirmations are refused', async () => {
    const code = await approvedCode();
    assert.equal((await exchange({ code, client_secret: 'f'.repeat(40) })).fields.error, 'incorrect_client_credentials');
    assert.equal((await exchange({ code, client_secret: '' })).fields.error, 'incorrect_client_credentials');
    const other = await t.api.post('/user/oauth-apps', { token: alice.token, body: { name: 'Other Tool', url: 'https://other.example/', callback_url: `${cb.origin}/callback` } });
    const stolen = await postOAuth(t, '/login/oauth/access_token', { client_id: other.json.client_id, client_secret: other.json.client_secret, code }, { json: true });
    assert.equal(stolen.fields.error, 'bad_verification_code', 'another app cannot use the code');

    t.clock.advance(10 * MINUTE + 1000);
    assert.equal((await exchange({ code })).fields.error, 'bad_verification_code', 'a code lives 10 minutes');

    const slow = await signInOnPage({ client_id: app.client_id });
    t.clock.advance(6 * MINUTE);
    const late = await postForm('/login/oauth/authorize/confirm', { csrf: slow.csrf, ticket: slow.ticket, decision: 'approve' }, slow.cookie);
    assert.equal(late.status, 410);
    assert.match(late.text, /expired or was already used/);
  });

  it('parameters in the URL are refused (422 naming each, never echoing or logging a value) and never read: the code stays usable', async () => {
    const code = await approvedCode();
    const answers: string[] = [];
    const refusedFields = async (fields: Record<string, string>, query: Record<string, string>, jsonBody = false): Promise<string[]> => {
      const r = await postOAuth(t, '/login/oauth/access_token', fields, { json: true, jsonBody, query });
      answers.push(r.text);
      assert.equal(r.status, 422, r.text);
      const errors: { field: string; message: string }[] = JSON.parse(r.text).errors;
      assert.ok(errors.every((e) => /must be sent in the request body \(form-encoded or JSON\), not in the URL/.test(e.message)), r.text);
      return errors.map((e) => e.field);
    };
    const all = { client_id: app.client_id, client_secret: app.client_secret, code };
    // Everything in the query (how old tutorials call GitHub), the body empty: each named, not "client_id is required".
    assert.deepEqual(await refusedFields({}, all), ['client_id', 'client_secret', 'code']);
    assert.deepEqual(await refusedFields({}, all, true), ['client_id', 'client_secret', 'code']);
    // The secret and the code in the URL, the client id in the body.
    assert.deepEqual(await refusedFields({ client_id: app.client_id }, { client_secret: app.client_secret, code }), ['client_secret', 'code']);
    // A whole body and the secret repeated in the URL: refused, not dropped.
    assert.deepEqual(await refusedFields(all, { client_secret: app.client_secret }), ['client_secret']);

    const seen = JSON.stringify(t.logs) + answers.join('\n');
    assert.ok(!seen.includes(app.client_secret) && !seen.includes(code), 'no secret in the logs or the answers');
    assert.ok(t.logs.some((l) => l.message.startsWith('POST /login/oauth/access_token 422 ')), 'the refusals are logged, without their query');
    assert.match((await exchange({ code })).fields.access_token, /^tsp_/, 'a refused request did not use the code');
  });

  it('Deny sends the person back with error=access_denied and the state; the confirmation cannot be used again', async () => {
    const s = await signInOnPage({ client_id: app.client_id, scope: 'repo', state: 'xyz' });
    const back = await decide(s, 'deny');
    assert.equal(back.pathname, '/callback');
    assert.equal(back.searchParams.get('error'), 'access_denied');
    assert.equal(back.searchParams.get('state'), 'xyz');
    assert.equal(back.searchParams.get('code'), null);
    const again = await postForm('/login/oauth/authorize/confirm', { csrf: s.csrf, ticket: s.ticket, decision: 'approve' }, s.cookie);
    assert.equal(again.status, 410);
    const auditLog = await t.api.get('/user/audit-log', { token: alice.token });
    const denied = auditLog.json.filter((e: { action: string }) => e.action === 'oauth_authorization.deny');
    assert.equal(denied.length, 1, 'the denial is audited once');
    assert.deepEqual([denied[0].application, denied[0].client_id, denied[0].scopes], ['Web Tool', app.client_id, ['repo']]);
  });

  it('refuses bad requests: missing or unknown fields (422 naming them), unknown apps, apps without a callback URL, unknown scopes, forms without the CSRF cookie', async () => {
    const missing = await t.api.get(`${t.provider.url}/login/oauth/authorize?scope=repo`);
    assert.equal(missing.status, 422);
    assert.match(missing.text, /client_id/);
    const extra = await t.api.get(authorizeUrl({ client_id: app.client_id, code_challenge: 'x' }));
    assert.equal(extra.status, 422);
    assert.match(extra.text, /code_challenge/);
    const unknown = await t.api.get(authorizeUrl({ client_id: 'nope' }), { headers: { accept: 'text/html' } });
    assert.equal(unknown.status, 404);
    assert.match(unknown.text, /No OAuth app has this client_id/);
    const noCallback = await t.api.post('/user/oauth-apps', { token: alice.token, body: { name: 'CLI Only', url: 'https://cli.example/' } });
    for (const callback_url of ['https://user:pw@tool.example/cb', 'https://tool.example/cb#x', 'https://tool.example/cb#']) {
      const bad = await t.api.post('/user/oauth-apps', { token: alice.token, body: { name: 'Bad Callback', url: 'https://tool.example/', callback_url } });
      assert.equal(bad.status, 422, callback_url);
      assert.equal(bad.json.errors[0].field, 'callback_url');
    }
    const refused = await t.api.get(authorizeUrl({ client_id: noCallback.json.client_id }), { headers: { accept: 'text/html' } });
    assert.equal(refused.status, 400);
    assert.match(refused.text, /has no callback URL/);
    const scope = await t.api.get(authorizeUrl({ client_id: app.client_id, scope: 'repo nosuch' }));
    assert.equal(scope.status, 422);
    assert.match(scope.text, /scope contains unknown scope: &#39;nosuch&#39;/);

    const page = await openPage({ client_id: app.client_id });
    const fields = { ...page.hidden, login: alice.user.login, password: alice.user.password };
    assert.equal((await postForm('/login/oauth/authorize', fields)).status, 403);
    assert.equal((await postForm('/login/oauth/authorize', { ...fields, csrf: 'x'.repeat(32) }, page.cookie)).status, 403);
    assert.equal((await postForm('/login/oauth/authorize/confirm', { csrf: page.csrf, ticket: 'z'.repeat(32), decision: 'approve' }, page.cookie)).status, 410);
    const noCode = await postOAuth(t, '/login/oauth/access_token', { client_id: app.client_id, client_secret: app.client_secret }, { json: true });
    assert.equal(noCode.status, 422);
    assert.match(noCode.text, /"field":"code"/);
  });
});
