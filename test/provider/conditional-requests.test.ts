// ETag on every successful GET with a body; If-None-Match → 304 with no body, not counted against
// the rate limit (as on GitHub).
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createUser, type TestUser } from '../builders/users';
import { signIn } from '../builders/sessions';
import { octokitFor, statusOf } from './helpers/octokit';
import { startTestProvider, TestProvider } from './helpers/provider';

describe('Conditional requests (ETag, If-None-Match)', () => {
  let t: TestProvider;
  let user: TestUser;
  let token: string;

  beforeEach(async () => {
    t = await startTestProvider();
    user = await createUser(t);
    token = (await signIn(t, user, ['user', 'admin:token'])).token;
  });
  afterEach(async () => t.close());

  it('every GET answer with a body has a weak ETag of its body; a match answers 304 with no body', async () => {
    for (const path of ['/user', '/meta', '/authorizations', '/rate_limit']) {
      const first = await t.api.get(path, path === '/authorizations' ? { basic: user } : { token });
      assert.equal(first.status, 200, `${path}: ${first.text}`);
      const etag = first.headers.get('etag') ?? '';
      assert.match(etag, /^W\/"[0-9a-f]{64}"$/, path);
      if (path === '/rate_limit') continue; // its body changes with every counted request
      const again = await t.api.get(path, { ...(path === '/authorizations' ? { basic: user } : { token }), headers: { 'if-none-match': etag } });
      assert.equal(again.status, 304, path);
      assert.equal(again.text, '', path);
      assert.equal(again.headers.get('etag'), etag, path);
      assert.equal(again.headers.get('content-type'), null, path);
    }
    const health = await t.api.call('GET', `${t.provider.url}/-/health`);
    assert.match(health.headers.get('etag') ?? '', /^W\//);
  });

  it('If-None-Match takes a list, the strong form of the tag and *; another tag gets the body', async () => {
    const etag = (await t.api.get('/user', { token })).headers.get('etag') ?? '';
    const strong = etag.replace(/^W\//, '');
    for (const header of [`"nope", ${etag}`, strong, '*']) {
      assert.equal((await t.api.get('/user', { token, headers: { 'if-none-match': header } })).status, 304, header);
    }
    const other = await t.api.get('/user', { token, headers: { 'if-none-match': 'W/"0000"' } });
    assert.equal(other.status, 200);
    assert.equal(other.json.login, user.login);
  });

  it('a changed resource has a new ETag, so the old one gets the new body', async () => {
    const before = await t.api.get('/user', { token });
    const etag = before.headers.get('etag') ?? '';
    assert.equal((await t.api.patch('/user', { token, body: { name: 'Renamed' } })).status, 200);
    const after = await t.api.get('/user', { token, headers: { 'if-none-match': etag } });
    assert.equal(after.status, 200);
    assert.equal(after.json.name, 'Renamed');
    assert.notEqual(after.headers.get('etag'), etag);
  });

  it("a list page whose items stay the same gets a new ETag when its Link header changes (a page after it appears), so a client's cached copy is not kept without the new page", async () => {
    const repoToken = (await signIn(t, user, ['repo'])).token;
    for (const name of ['a', 'b']) assert.equal((await t.api.post('/user/repos', { token: repoToken, body: { name } })).status, 201);
    const first = await t.api.get('/user/repos?per_page=2', { token: repoToken });
    assert.deepEqual([first.status, first.json.map((r: { name: string }) => r.name), first.headers.get('link')], [200, ['a', 'b'], null]);
    const etag = first.headers.get('etag') ?? '';
    assert.equal((await t.api.get('/user/repos?per_page=2', { token: repoToken, headers: { 'if-none-match': etag } })).status, 304, 'nothing changed');
    assert.equal((await t.api.post('/user/repos', { token: repoToken, body: { name: 'c' } })).status, 201);
    const grown = await t.api.get('/user/repos?per_page=2', { token: repoToken, headers: { 'if-none-match': etag } });
    assert.equal(grown.status, 200, 'the same items, but a next page now');
    assert.deepEqual(grown.json.map((r: { name: string }) => r.name), ['a', 'b']);
    assert.match(grown.headers.get('link') ?? '', /rel="next"/);
    assert.notEqual(grown.headers.get('etag'), etag);
    const again = await t.api.get('/user/repos?per_page=2', { token: repoToken, headers: { 'if-none-match': grown.headers.get('etag') ?? '' } });
    assert.deepEqual([again.status, again.headers.get('link')], [304, grown.headers.get('link')], 'a 304 carries the Link header too');
  });

  it("the ETag is the SHA-256 of the body's UTF-8 bytes, then of a newline, `Link: ` and the Link header when there is one, whatever characters the body holds (a tag a client kept stays valid)", async () => {
    const repoToken = (await signIn(t, user, ['repo'])).token;
    for (const name of ['a', 'b']) {
      assert.equal((await t.api.post('/user/repos', { token: repoToken, body: { name, description: `Café ☕ 日本 😀 ${name}` } })).status, 201);
    }
    const sha256 = (bytes: Buffer) => `W/"${createHash('sha256').update(bytes).digest('hex')}"`;
    for (const path of ['/user/repos', '/user/repos?per_page=1', '/user/repos?per_page=1&page=2']) {
      const res = await t.api.get(path, { token: repoToken });
      assert.equal(res.status, 200, path);
      assert.match(res.text, /Café ☕ 日本 😀/, path);
      const link = res.headers.get('link');
      assert.equal(link !== null, path !== '/user/repos', path);
      const bytes = link === null ? Buffer.from(res.text) : Buffer.concat([Buffer.from(res.text), Buffer.from(`\nLink: ${link}`)]);
      assert.equal(res.headers.get('etag'), sha256(bytes), path);
    }
  });

  it('answers other than a 200 to a GET have no ETag, and If-None-Match does not turn them into 304', async () => {
    const created = await t.api.post('/authorizations', { basic: user, body: { scopes: ['user'], note: 'no etag' } });
    assert.equal(created.status, 201);
    assert.equal(created.headers.get('etag'), null);
    const missing = await t.api.get('/no/such/endpoint', { token, headers: { 'if-none-match': '*' } });
    assert.equal(missing.status, 404);
    assert.equal(missing.headers.get('etag'), null);
  });

  it('a 304 does not count against the rate limit', async () => {
    const first = await t.api.get('/user', { token });
    const used = Number(first.headers.get('x-ratelimit-used'));
    const etag = first.headers.get('etag') ?? '';
    for (let i = 0; i < 3; i++) {
      const cached = await t.api.get('/user', { token, headers: { 'if-none-match': etag } });
      assert.equal(cached.status, 304);
      assert.equal(cached.headers.get('x-ratelimit-used'), String(used));
      assert.equal(cached.headers.get('x-ratelimit-remaining'), String(Number(first.headers.get('x-ratelimit-limit')) - used));
    }
    const next = await t.api.get('/user', { token });
    assert.equal(next.headers.get('x-ratelimit-used'), String(used + 1));
    // octokit sends the header and sees the 304 (as a RequestError with status 304).
    const octokit = octokitFor(t, token);
    assert.equal(await statusOf(octokit.rest.users.getAuthenticated({ headers: { 'if-none-match': etag } })), 304);
    const rate = await octokit.rest.rateLimit.get();
    assert.equal(rate.data.rate.used, used + 1);
  });
});
