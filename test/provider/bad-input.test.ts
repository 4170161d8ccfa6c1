// Bad input: each a clear 4xx JSON error naming the problem, never a 5xx, never a crash.
import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { request } from 'undici';
import { generateToken } from '../../src/shared/token-format';
import { basicHeader } from '../builders/api-client';
import { createUser, type TestUser } from '../builders/users';
import { signIn } from '../builders/sessions';
import { createOrg } from '../builders/orgs';
import { startTestProvider, TestProvider } from './helpers/provider';

describe('bad input', () => {
  let t: TestProvider;
  let user: TestUser;
  let session: string;

  before(async () => {
    t = await startTestProvider();
    user = await createUser(t);
    session = (await signIn(t, user, ['admin:token', 'user'])).token;
  });
  after(async () => t.close());

  const post = (raw: string | Buffer, contentType = 'application/json') =>
    t.api.post('/user/personal-access-tokens', { token: session, raw, contentType });

  it('malformed JSON → 400 "Problems parsing JSON"', async () => {
    for (const raw of ['{"name": ', '{name: 1}', '[1,2', '{"a":1}}', 'nul']) {
      const res = await post(raw);
      assert.equal(res.status, 400, raw);
      assert.match(res.json.message, /Problems parsing JSON/);
    }
  });

  it('a JSON value that is not an object → 400 naming the body', async () => {
    for (const raw of ['[]', '"a string"', '42', 'null']) {
      const res = await post(raw);
      assert.ok(res.status === 400 || res.status === 422, `${raw}: ${res.status}`);
      assert.ok(res.json.message);
    }
  });

  it('non-UTF-8 bytes → 400 (never silently replaced)', async () => {
    const res = await post(Buffer.concat([Buffer.from('{"name":"'), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('"}')]));
    assert.equal(res.status, 400);
    assert.match(res.json.message, /UTF-8/);
  });

  it('a body over 64 KiB → 413', async () => {
    const res = await post(JSON.stringify({ name: 'x', description: 'y'.repeat(65 * 1024) }));
    assert.equal(res.status, 413);
    assert.match(res.json.message, /64 KiB/);
  });

  it('wrong types → 422 naming the field (no coercion)', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ name: 5 }, 'name'],
      [{ name: 'a', scopes: 'repo' }, 'scopes'],
      [{ name: 'a', scopes: [1] }, 'scopes[0]'],
      [{ name: 'a', expires_in_days: '7' }, 'expires_in_days'],
      [{ name: 'a', description: {} }, 'description'],
      [{ name: 'a', kind: 'shiny' }, 'kind'],
    ];
    for (const [body, field] of cases) {
      const res = await t.api.post('/user/personal-access-tokens', { token: session, body });
      assert.equal(res.status, 422, JSON.stringify(body));
      assert.ok(res.json.errors.some((e: { field: string }) => e.field === field), `${field} in ${res.text}`);
    }
  });

  it('ids beyond what an id column holds → 422 naming the field (never a database error)', async () => {
    const org = await createOrg(t, user);
    const cases: [string, Record<string, unknown>, string][] = [
      [`/orgs/${org}/personal-access-token-requests`, { action: 'approve', pat_request_ids: [1e20] }, 'pat_request_ids[0]'],
      [`/orgs/${org}/personal-access-tokens`, { action: 'revoke', pat_ids: [2 ** 53] }, 'pat_ids[0]'],
      [`/orgs/${org}/credential-authorizations`, { token_id: 1.5e300 }, 'token_id'],
      ['/user/personal-access-tokens', { kind: 'fine_grained', name: 'a', resource_owner: user.login, repository_selection: 'subset', repositories: [1e20] }, 'repositories[0]'],
    ];
    for (const [path, body, field] of cases) {
      const res = await t.api.post(path, { basic: user, body });
      assert.equal(res.status, 422, `${path} ${res.text}`);
      assert.ok(res.json.errors.some((e: { field: string }) => e.field === field), `${field} in ${res.text}`);
    }
  });

  it('unknown fields → 422 naming them (rejected, not dropped)', async () => {
    const res = await t.api.post('/user/personal-access-tokens', { token: session, body: { name: 'a', scope: ['repo'], admin: true } });
    assert.equal(res.status, 422);
    const fields = res.json.errors.map((e: { field: string }) => e.field).sort();
    assert.deepEqual(fields, ['admin', 'scope']);
    assert.match(res.json.message, /scope/);
    const patch = await t.api.patch('/user', { token: session, body: { login: 'renamed' } });
    assert.equal(patch.status, 422);
    assert.equal(patch.json.errors[0].field, 'login');
    const query = await t.api.get('/user/personal-access-tokens?color=blue', { token: session });
    assert.equal(query.status, 422);
    assert.equal(query.json.errors[0].field, 'color');
  });

  it('overlong strings → 422 naming the field', async () => {
    const cases: [string, Record<string, unknown>, string][] = [
      ['/user/personal-access-tokens', { name: 'n'.repeat(256) }, 'name'],
      ['/user/personal-access-tokens', { name: 'ok', description: 'd'.repeat(1025) }, 'description'],
      ['/user/personal-access-tokens', { name: 'ok', scopes: ['r'.repeat(65)] }, 'scopes[0]'],
      ['/users', { login: 'a'.repeat(100), email: 'a@b.co', password: 'password123' }, 'login'],
    ];
    for (const [path, body, field] of cases) {
      const res = await t.api.post(path, { token: session, body });
      assert.equal(res.status, 422, `${path} ${field}: ${res.text}`);
      assert.ok(res.json.errors.some((e: { field: string }) => e.field === field), `${field} in ${res.text}`);
      assert.match(res.json.message, /too long/);
    }
  });

  it('an unsupported content type → 415', async () => {
    for (const type of ['application/xml', 'multipart/form-data; boundary=x', 'image/png']) {
      const res = await post('{"name":"x","scopes":[]}', type);
      assert.equal(res.status, 415, type);
      assert.match(res.json.message, /Unsupported Media Type/);
    }
  });

  it('a JSON body sent as curl -d sends it (form-urlencoded), as text/plain or with no content type is read as JSON, as GitHub does', async () => {
    const made = await post('{"name":"curl -d","scopes":[]}', 'application/x-www-form-urlencoded');
    assert.equal(made.status, 201, made.text);
    assert.equal(made.json.name, 'curl -d');
    const plain = await post('{"name":"text plain","scopes":[]}', 'text/plain;charset=UTF-8');
    assert.equal(plain.status, 201, plain.text);
    const res = await request(`${t.api.apiUrl}/user/personal-access-tokens`, {
      method: 'POST',
      headers: { authorization: `token ${session}`, accept: 'application/vnd.github+json' },
      body: '{"name":"no content type","scopes":[]}',
    });
    const text = await res.body.text();
    assert.equal(res.statusCode, 201, text);
    assert.equal(JSON.parse(text).name, 'no content type');
    // What is not JSON under those labels is GitHub's 400, not a form.
    const form = await post('name=x&scopes=repo', 'application/x-www-form-urlencoded');
    assert.equal(form.status, 400);
    assert.match(form.json.message, /Problems parsing JSON/);
  });

  it('a token with a bad checksum → 401, like an unknown one', async () => {
    const good = generateToken('classic');
    const flipped = good.slice(0, -1) + (good.endsWith('A') ? 'B' : 'A');
    for (const bad of [flipped, 'tsp_short', `${good}x`, 'ghp_0123456789012345678901234567890123456789']) {
      const res = await t.api.get('/user', { token: bad });
      assert.equal(res.status, 401, bad);
      assert.equal(res.json.message, 'Bad credentials');
    }
  });

  it('malformed Authorization headers and unknown schemes → 401', async () => {
    for (const header of ['Basic', 'Basic !!!', `Basic ${Buffer.from('no-colon').toString('base64')}`, 'Digest abc', 'token a b', `Basic ${Buffer.from([0xff, 0x3a, 0x41]).toString('base64')}`]) {
      const res = await t.api.get('/user', { headers: { authorization: header } });
      assert.equal(res.status, 401, header);
      assert.ok(res.json.message);
    }
  });

  it('an unknown login → 401 Bad credentials (same as a wrong password)', async () => {
    const res = await t.api.get('/user', { headers: { authorization: basicHeader('nobody-here', 'x') } });
    assert.equal(res.status, 401);
    assert.deepEqual(res.json, { message: 'Bad credentials', documentation_url: `${t.provider.url}/-/docs/errors#401` });
    const wrong = await t.api.get('/user', { headers: { authorization: basicHeader(user.login, 'x') } });
    assert.equal(wrong.text, res.text);
  });

  it('ids that are not numbers, and unknown paths → 404 JSON', async () => {
    for (const path of ['/user/personal-access-tokens/abc', '/user/personal-access-tokens/-1', '/user/personal-access-tokens/99999999999999999999', '/nope']) {
      const res = await t.api.get(path, { token: session });
      assert.equal(res.status, 404, path);
      assert.equal(res.json.message, 'Not Found');
    }
  });

  it('bad pagination → 422 naming the parameter', async () => {
    const res = await t.api.get('/user/personal-access-tokens?per_page=abc', { token: session });
    assert.equal(res.status, 422);
    assert.equal(res.json.errors[0].field, 'per_page');
  });

  it('never answers 5xx to arbitrary JSON bodies (property test over several endpoints)', async () => {
    const endpoints: [string, string, Record<string, unknown>][] = [
      ['POST', '/user/personal-access-tokens', { token: session }],
      ['PATCH', '/user', { token: session }],
      ['POST', '/users', {}],
      ['POST', '/credentials/revoke', {}],
      ['POST', '/user/two-factor/enable', { token: session }],
      ['POST', '/user/sudo', { token: session }],
    ];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...endpoints), fc.jsonValue({ maxDepth: 3 }), async ([method, path, auth], body) => {
        const res = await t.api.call(method, path, { ...auth, raw: JSON.stringify(body) });
        return res.status >= 200 && res.status < 500 && (res.status < 400 || typeof res.json?.message === 'string');
      }),
      { numRuns: 150 },
    );
  });

  it('never answers 5xx to arbitrary Authorization headers', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 200 }).filter((s) => /^[\x20-\x7e]*$/.test(s)), async (header) => {
        const res = await t.api.get('/-/health', { headers: { authorization: header } });
        return res.status < 500;
      }),
      { numRuns: 100 },
    );
  });
});
