// The provider's answers mapped to TesseraError kinds (src/extension/api/provider-errors.ts).
import * as assert from 'node:assert/strict';
import { describeRetry, errorFromAnswer, errorFromTransport, retryAfterSeconds } from '../../src/extension/api/provider-errors';
import { TesseraError } from '../../src/extension/services';

const URL = 'https://127.0.0.1:47443/api/v3/x';

describe('extension: provider error mapping', () => {
  it('401 + X-GitHub-OTP: required → otp-required (sign-in), and 403 + X-GitHub-OTP (sudo)', () => {
    const e = errorFromAnswer({ status: 401, headers: { 'x-github-otp': 'required; app' }, body: { message: 'Must specify two-factor authentication OTP code.' } }, URL, 'basic');
    assert.equal(e.kind, 'otp-required');
    assert.match(e.message, /two-factor/);
    assert.equal(errorFromAnswer({ status: 403, headers: { 'x-github-otp': 'required; app' }, body: {} }, URL, 'token').kind, 'otp-required');
  });

  it('401 to Basic: wrong login or password; 401 to a token: the session has ended', () => {
    const basic = errorFromAnswer({ status: 401, headers: {}, body: { message: 'Bad credentials' } }, URL, 'basic');
    assert.equal(basic.kind, 'signed-out');
    assert.equal(basic.message, 'Bad credentials');
    const token = errorFromAnswer({ status: 401, headers: {}, body: { message: 'token expired' } }, URL, 'token');
    assert.equal(token.kind, 'signed-out');
    assert.match(token.message, /token expired.*sign in again/i);
  });

  it('401 "Bad credentials" to a token: a message a person understands (the sign-in on that provider ended), not the raw text', () => {
    const e = errorFromAnswer({ status: 401, headers: {}, body: { message: 'Bad credentials', documentation_url: 'https://127.0.0.1:47443/-/docs/errors#401' } }, URL, 'token');
    assert.equal(e.kind, 'signed-out');
    assert.doesNotMatch(e.message, /bad credentials/i);
    assert.match(e.message, /127\.0\.0\.1:47443/);
    assert.match(e.message, /sign in again/i);
    const bare = errorFromAnswer({ status: 401, headers: {}, body: undefined }, URL, 'token');
    assert.doesNotMatch(bare.message, /bad credentials/i);
    assert.match(bare.message, /sign in again/i);
  });

  it('403 + X-Tessera-Sudo: required → sudo-required; other 403 → forbidden with the provider’s reason', () => {
    assert.equal(errorFromAnswer({ status: 403, headers: { 'x-tessera-sudo': 'required' }, body: { message: 'Sudo mode required' } }, URL, 'token').kind, 'sudo-required');
    const f = errorFromAnswer({ status: 403, headers: {}, body: { message: "token 'ci' lacks contents:write on acme/site" } }, URL, 'token');
    assert.equal(f.kind, 'forbidden');
    assert.match(f.message, /lacks contents:write/);
  });

  it('SSO: the authorization URL is in the message', () => {
    const f = errorFromAnswer({ status: 403, headers: { 'x-github-sso': 'required; url=https://p/orgs/acme/sso?x=1' }, body: { message: 'Resource protected by SSO' } }, URL, 'token');
    assert.match(f.message, /https:\/\/p\/orgs\/acme\/sso\?x=1/);
  });

  it('422 → validation with the field errors', () => {
    const e = errorFromAnswer(
      { status: 422, headers: {}, body: { message: 'Validation Failed', errors: [{ field: 'name', code: 'already_exists', message: 'is already the name of another of your tokens' }, { field: 'expires_at', code: 'invalid' }] } },
      URL,
      'token',
    );
    assert.equal(e.kind, 'validation');
    assert.deepEqual(e.details.fieldErrors, [
      { field: 'name', message: 'is already the name of another of your tokens', code: 'already_exists' },
      { field: 'expires_at', message: 'expires_at invalid', code: 'invalid' },
    ]);
    assert.match(e.message, /name: is already the name/);
    assert.equal(errorFromAnswer({ status: 400, headers: {}, body: { message: 'Body is not JSON' } }, URL, 'token').kind, 'validation');
  });

  it('422 whose message already says what its field error says: said once', () => {
    const e = errorFromAnswer({ status: 422, headers: {}, body: { message: 'Validation Failed: login is already taken', errors: [{ field: 'login', code: 'already_exists', message: 'is already taken' }] } }, URL, 'token');
    assert.equal(e.message, 'Validation Failed: login is already taken');
    assert.equal(e.details.fieldErrors?.length, 1);
  });

  it('429 / Retry-After → locked with the seconds to wait', () => {
    const e = errorFromAnswer({ status: 429, headers: { 'retry-after': '540' }, body: { message: 'Too many attempts' } }, URL, 'basic');
    assert.equal(e.kind, 'locked');
    assert.equal(e.details.retryAfterSeconds, 540);
    assert.match(e.message, /in 9 minutes/);
    const now = Date.parse('2025-06-01T00:00:00Z');
    assert.equal(retryAfterSeconds({ status: 429, headers: { 'retry-after': 'Sun, 01 Jun 2025 00:01:00 GMT' }, body: undefined }, now), 60);
    assert.equal(describeRetry(1), 'in 1 second');
    assert.equal(describeRetry(61), 'in 2 minutes');
    assert.equal(describeRetry(undefined), 'later');
  });

  it('404 → not-found; 5xx → server with the status', () => {
    assert.equal(errorFromAnswer({ status: 404, headers: {}, body: { message: 'Not Found' } }, URL, 'token').kind, 'not-found');
    const s = errorFromAnswer({ status: 503, headers: {}, body: undefined }, URL, 'token');
    assert.equal(s.kind, 'server');
    assert.match(s.message, /HTTP 503/);
  });

  it("a proxy's HTML error page: who answered what, its title when it says more, never the page", () => {
    const nginx = '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx/1.24.0</center>\r\n</body>\r\n</html>\r\n';
    const e = errorFromAnswer({ status: 502, headers: { 'content-type': 'text/html' }, body: { message: nginx }, notJson: true }, `${URL}/user?x=1`, 'token');
    assert.equal(e.kind, 'server');
    assert.equal(
      e.message,
      'The provider at https://127.0.0.1:47443 answered 502 Bad Gateway with an HTML page, likely from a proxy or web server in front of it, instead of the Tessera API. The provider behind it may be down or restarting: try again in a moment.',
    );
    const token = 'tsp_' + 'a'.repeat(30) + 'b'.repeat(6);
    const titled = errorFromAnswer(
      { status: 503, headers: { 'content-type': 'text/html; charset=utf-8' }, body: { message: `<!DOCTYPE html><html><head><title>Maintenance &amp; upgrade ${token}</title><style>body{}</style></head><body>secret ${token}</body></html>` }, notJson: true },
      URL,
      'token',
    );
    assert.match(titled.message, /answered 503 Service Unavailable with an HTML page \(“Maintenance & upgrade tsp_…\[redacted\]”\), likely/);
    for (const m of [e.message, titled.message]) {
      assert.ok(!/[<>]|HTTP 50|nginx\/|body\{/.test(m), `no markup, no raw page: ${m}`);
      assert.ok(!m.includes(token), m);
    }
    const tooLarge = errorFromAnswer({ status: 413, headers: { 'content-type': 'text/html' }, body: { message: '<html><head><title>413 Request Entity Too Large</title></head></html>' }, notJson: true }, URL, 'token');
    assert.equal(tooLarge.kind, 'validation');
    assert.match(tooLarge.message, /^The provider at https:\/\/127\.0\.0\.1:47443 answered 413 Payload Too Large with an HTML page/);
    const text = errorFromAnswer({ status: 504, headers: { 'content-type': 'text/plain' }, body: { message: '\nupstream request timeout\nmore' }, notJson: true }, URL, 'token');
    assert.match(text.message, /answered 504 Gateway Timeout with a text that is not the Tessera API's \(“upstream request timeout”\)/);
  });

  it('never repeats a token that a message might contain', () => {
    const token = 'tsp_' + 'a'.repeat(30) + 'b'.repeat(6);
    const e = errorFromAnswer({ status: 403, headers: {}, body: { message: `bad ${token}` } }, URL, 'token');
    assert.ok(!e.message.includes(token), e.message);
  });

  it('transport: connection refused and timeouts → provider-down naming the URL', () => {
    const refused = errorFromTransport(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:47443'), { code: 'ECONNREFUSED' }), 'https://127.0.0.1:47443');
    assert.equal(refused.kind, 'provider-down');
    assert.match(refused.message, /https:\/\/127\.0\.0\.1:47443 is not reachable \(connection refused\)/);
    const nested = errorFromTransport(Object.assign(new TypeError('fetch failed'), { cause: { code: 'UND_ERR_CONNECT_TIMEOUT' } }), 'https://x.example');
    assert.equal(nested.kind, 'provider-down');
    assert.match(nested.message, /timed out/);
    const aggregate = errorFromTransport(Object.assign(new Error('x'), { errors: [{ code: 'ECONNREFUSED' }] }), 'https://x.example');
    assert.equal(aggregate.kind, 'provider-down');
  });

  it('transport: an untrusted certificate is a network error that says so', () => {
    const e = errorFromTransport(Object.assign(new Error('self-signed certificate in certificate chain'), { code: 'SELF_SIGNED_CERT_IN_CHAIN' }), 'https://x.example');
    assert.equal(e.kind, 'network');
    assert.match(e.message, /not trusted.*tessera\.caFile/);
  });

  it('a TesseraError passes through unchanged', () => {
    const t = new TesseraError('cancelled', 'Cancelled.');
    assert.equal(errorFromTransport(t, 'https://x'), t);
  });
});
