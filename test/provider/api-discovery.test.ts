// GET /api/v3/ and /meta in GHES's shapes; GitHub's headers (request id, enterprise version, media
// type, Vary) on every answer; the request id in the request's log line; documentation_url on
// every JSON error, pointing at the provider's own error page; docs/api.md's endpoint list is the
// route table.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { GHES_API_VERSION } from '../../src/provider/http/ghes-version';
import { REQUEST_ID_PATTERN } from '../../src/provider/http/request-id';
import type { ApiRootJson, MetaJson } from '../../src/shared/api-types';
import { createUser, type TestUser } from '../builders/users';
import { signIn } from '../builders/sessions';
import type { ApiResponse } from '../builders/api-client';
import { providerRoutes } from './helpers/ghes-answers';
import { startInProcessProvider } from './helpers/in-process-provider';
import { octokitFor, statusOf } from './helpers/octokit';
import { startTestProvider, TestProvider } from './helpers/provider';

describe('API root, /meta and GitHub headers', () => {
  let t: TestProvider;
  let user: TestUser;
  let token: string;

  before(async () => {
    t = await startTestProvider();
    user = await createUser(t);
    token = (await signIn(t, user, ['user', 'admin:token'])).token;
  });
  after(async () => t.close());

  it('GET /api/v3/ (and /api/v3) answers the root document with this provider\'s URLs', async () => {
    for (const path of ['/api/v3/', '/api/v3']) {
      const res = await t.api.call<ApiRootJson>('GET', `${t.provider.url}${path}`);
      assert.equal(res.status, 200, res.text);
      assert.equal(res.json.current_user_url, `${t.provider.apiUrl}/user`);
      assert.equal(res.json.authorizations_url, `${t.provider.apiUrl}/authorizations`);
      assert.equal(res.json.rate_limit_url, `${t.provider.apiUrl}/rate_limit`);
      assert.equal(res.json.repository_url, `${t.provider.apiUrl}/repos/{owner}/{repo}`);
      for (const [name, value] of Object.entries(res.json)) {
        assert.ok(name.endsWith('_url'), name);
        assert.ok(value.startsWith(`${t.provider.apiUrl}/`), `${name}: ${value}`);
      }
      assert.equal(Object.keys(res.json).length, 33);
    }
    // With a token, the root tells its scopes (how gh checks a token).
    const withToken = await t.api.call('GET', '/', { token });
    assert.equal(withToken.status, 200);
    assert.deepEqual((withToken.headers.get('x-oauth-scopes') ?? '').split(', ').sort(), ['admin:token', 'user']);
  });

  it('GET /meta tells the GHES version and that passwords can be verified', async () => {
    const res = await t.api.get<MetaJson>('/meta');
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json.verifiable_password_authentication, true);
    assert.equal(res.json.installed_version, GHES_API_VERSION);
    for (const list of ['hooks', 'web', 'api', 'git', 'packages', 'pages', 'importer', 'actions', 'dependabot'] as const) {
      assert.deepEqual(res.json[list], [], list);
    }
    const octo = await octokitFor(t, token).rest.meta.get();
    assert.equal((octo.data as { installed_version?: string }).installed_version, GHES_API_VERSION);
  });

  it('every answer carries a unique X-GitHub-Request-Id, the enterprise version, the media type and Vary', async () => {
    const answers: [string, ApiResponse][] = [
      ['200 GET /user', await t.api.get('/user', { token })],
      ['201 POST /users', await t.api.post('/users', { body: { login: `u${Date.now()}`, email: `u${Date.now()}@example.test`, password: 'pw-0123456789abcdef' } })],
      ['401 bad token', await t.api.get('/user', { token: 'ghp_' + 'a'.repeat(36) })],
      ['404 unknown path', await t.api.get('/no/such/endpoint', { token })],
      ['422 bad field', await t.api.post('/users', { body: { login: 'x' } })],
      ['health', await t.api.call('GET', `${t.provider.url}/-/health`)],
      ['git 401', await t.api.call('GET', `${t.provider.url}/${user.login}/nothing.git/info/refs?service=git-upload-pack`)],
    ];
    const ids = new Set<string>();
    for (const [what, res] of answers) {
      const id = res.headers.get('x-github-request-id') ?? '';
      assert.match(id, REQUEST_ID_PATTERN, what);
      ids.add(id);
      assert.equal(res.headers.get('x-github-enterprise-version'), GHES_API_VERSION, what);
      assert.equal(res.headers.get('x-github-media-type'), 'github.v3; format=json', what);
      assert.equal(res.headers.get('vary'), 'Accept, Authorization, Cookie, X-GitHub-OTP', what);
    }
    assert.equal(ids.size, answers.length, 'request ids are unique');
  });

  it('X-GitHub-Media-Type names the version, parameter and format the client asked for', async () => {
    const raw = await t.api.get('/user', { token, headers: { accept: 'application/vnd.github.v3.raw+json' } });
    assert.equal(raw.headers.get('x-github-media-type'), 'github.v3; param=raw; format=json');
    const plain = await t.api.get('/user', { token, headers: { accept: 'application/json' } });
    assert.equal(plain.headers.get('x-github-media-type'), 'github.v3; format=json');
  });

  it('logs one line per request with its request id', async () => {
    const ok = await t.api.get('/user', { token });
    const missing = await t.api.get('/no/such/endpoint', { token });
    for (const [res, status, level] of [
      [ok, 200, 'debug'],
      [missing, 404, 'info'],
    ] as const) {
      const id = res.headers.get('x-github-request-id');
      const lines = t.logs.filter((l) => l.message.includes(`(request ${id})`));
      assert.equal(lines.length, 1, `one log line for ${id}: ${JSON.stringify(t.logs.slice(-5))}`);
      assert.equal(lines[0].level, level);
      assert.match(lines[0].message, new RegExp(`^GET /api/v3/(user|no/such/endpoint) ${status} `));
    }
  });

  it('octokit sees the request id of a failed call', async () => {
    const octokit = octokitFor(t, token);
    try {
      await octokit.request('GET /no/such/endpoint');
      assert.fail('expected a 404');
    } catch (err) {
      const e = err as { status: number; response?: { headers: Record<string, string> } };
      assert.equal(e.status, 404);
      assert.match(e.response?.headers['x-github-request-id'] ?? '', REQUEST_ID_PATTERN);
    }
    assert.equal(await statusOf(octokit.rest.users.getAuthenticated()), 200);
  });

  it('every JSON error has a documentation_url on the provider\'s error page, which explains it', async () => {
    const errors: [number, ApiResponse][] = [
      [400, await t.api.call('POST', '/authorizations', { basic: user, raw: '{not json', contentType: 'application/json' })],
      [401, await t.api.get('/user', { token: 'ghp_' + 'b'.repeat(36) })],
      [401, await t.api.get('/user')],
      [403, await t.api.get('/user/two-factor', { token: (await signIn(t, user, ['read:org'])).token })],
      [404, await t.api.get('/no/such/endpoint', { token })],
      [415, await t.api.call('POST', '/authorizations', { basic: user, raw: '<x/>', contentType: 'application/xml' })],
      [422, await t.api.post('/users', { body: { login: 'x' } })],
    ];
    const page = await t.api.call('GET', `${t.provider.url}/-/docs/errors`);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
    for (const [status, res] of errors) {
      assert.equal(res.status, status, res.text);
      assert.equal(res.json.documentation_url, `${t.provider.url}/-/docs/errors#${status}`, res.text);
      assert.ok(page.text.includes(`<section id="${status}">`), `the page explains ${status}`);
    }
  });
});

describe('docs/api.md', () => {
  it('lists every route the provider serves, and no other, under "Endpoints"', async () => {
    const text = readFileSync(path.join(__dirname, '..', '..', '..', 'docs', 'api.md'), 'utf8');
    const section = /^## Endpoints\n([\s\S]*?)^## /m.exec(text);
    assert.ok(section, 'docs/api.md has an "## Endpoints" section');
    const listed = [...section[1].matchAll(/`(GET|POST|PUT|PATCH|DELETE) (\/[^`\s]*)`/g)].map((m) => `${m[1]} ${m[2]}`);
    const t = await startInProcessProvider();
    try {
      const routes = await providerRoutes(t.ctx);
      assert.deepEqual(routes.filter((r) => !listed.includes(r)), [], 'routes missing from docs/api.md');
      assert.deepEqual(listed.filter((r) => !routes.includes(r)), [], 'docs/api.md lists routes the provider does not serve');
    } finally {
      await t.close();
    }
  });
});
