// Bad input: each a clear 4xx JSON error naming the problem, never a 5xx, never a crash.
import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { request } from 'undici';
import { generateToken } from '../../src/shared/token-format';
import { basicHeader } from '../builders/api-client';
import { createUser, type TestUser } from '../builders/users';
import { signIn } from '../builders/sessions';
import { createOrg } from '../builders/orgs';
import { newSession } from '../builders/sessions';
import { createRepo } from '../builders/repos';
import { createClassicToken } from '../builders/tokens';
import { sshPublicKey } from '../builders/ssh-keys';
import { appRoutes, refusedString, wrongTypeValue, type RouteInfo } from './helpers/hostile-input';
import { startInProcessProvider, type InProcessProvider } from './helpers/in-process-provider';
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

  it('a query parameter on a write endpoint (none takes one) → 422 naming it, nothing made', async () => {
    const name = `query-${Date.now()}`;
    const repo = await t.api.post('/user/repos?private=true', { basic: user, body: { name } });
    assert.equal(repo.status, 422, repo.text);
    assert.deepEqual(repo.json.errors.map((e: { field: string }) => e.field), ['private']);
    assert.match(repo.json.message, /private/);
    assert.equal((await t.api.get(`/repos/${user.login}/${name}`, { basic: user })).status, 404, 'no repository was made');
    const patch = await t.api.patch('/user?bio=quiet', { token: session, body: { bio: 'loud' } });
    assert.equal(patch.status, 422, patch.text);
    assert.equal(patch.json.errors[0].field, 'bio');
    assert.notEqual((await t.api.get('/user', { token: session })).json.bio, 'loud', 'the profile is unchanged');
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

  it('an expiry or a date filter of any value is taken, or refused with a 422 naming its field (property test: absurd day counts, years past 9999)', async () => {
    // Texts shaped like dates, down to the absurd: years of 5 and 6 digits (signed, as toISOString writes them), offsets carrying into the year 10000.
    const dateText = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
      fc.date({ noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)),
      fc.tuple(fc.integer({ min: 0, max: 999_999 }), fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 32 }), fc.constantFrom('', 'T23:59:59Z', 'T23:59:59-23:59', 'T00:00:00+14:00'))
        .map(([y, m, d, time]) => `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}${time}`),
      fc.constantFrom('+275760-09-13T00:00:00.000Z', '-271821-04-20T00:00:00.000Z', '9999-12-31T23:59:59Z', '9999-12-31', '0000-01-01T00:00:00Z'),
    );
    const days = fc.oneof(fc.integer(), fc.double(), fc.constantFrom(1e12, 1e21, Number.MAX_SAFE_INTEGER, 366, 367));
    type Probe = { label: string; send: () => Promise<{ status: number; json: { errors?: { field?: string }[] } ; text: string }>; field: string };
    let n = 0;
    const probe: fc.Arbitrary<Probe> = fc.oneof(
      dateText.map((v): Probe => ({ label: `expires_at ${JSON.stringify(v)}`, field: 'expires_at', send: () => t.api.post('/user/personal-access-tokens', { token: session, body: { name: `expiry ${++n}`, scopes: [], expires_at: v } }) })),
      days.map((v): Probe => ({ label: `expires_in_days ${v}`, field: 'expires_in_days', send: () => t.api.post('/user/personal-access-tokens', { token: session, raw: `{"name":"expiry ${++n}","scopes":[],"expires_in_days":${JSON.stringify(v) ?? 'null'}}` }) })),
      fc.tuple(fc.constantFrom('since', 'before'), dateText).map(([q, v]): Probe => ({ label: `${q}=${v}`, field: q, send: () => t.api.get(`/user/repos?${q}=${encodeURIComponent(v)}`, { token: session }) })),
      fc.tuple(fc.constantFrom('', '>', '>=', '<', '<='), dateText).map(([op, v]): Probe => ({ label: `created:${op}${v}`, field: 'phrase', send: () => t.api.get(`/user/audit-log?phrase=${encodeURIComponent(`created:${op}${v}`)}`, { token: session }) })),
    );
    await fc.assert(
      fc.asyncProperty(probe, async (p) => {
        const res = await p.send();
        if (res.status === 200 || res.status === 201) return true;
        assert.equal(res.status, 422, `${p.label}: ${res.text}`);
        assert.equal(res.json.errors?.[0]?.field, p.field, `${p.label}: ${res.text}`);
        return true;
      }),
      { numRuns: 200 },
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

// The write endpoints, fuzzed one broken part at a time on top of a body they accept: each
// malformed request is refused with the 4xx that names what is wrong (422 naming the field or the
// query, 400 for JSON that does not parse or a query that does not decode), never a 5xx, and the
// store does not change (Store.changeVersion moves on every write).
describe('bad input to the write endpoints: refused, naming the field, nothing stored', function () {
  this.timeout(180_000);
  const SEED = Number(process.env.TESSERA_FUZZ_SEED ?? 20261205);
  const RUNS = Number(process.env.TESSERA_FUZZ_RUNS ?? 400);
  let t: InProcessProvider;
  let token: string;
  let targets: { method: string; path: string; route: RouteInfo; base: Record<string, unknown> }[];

  before(async () => {
    t = await startInProcessProvider();
    const s = await newSession(t);
    token = s.token;
    const org = await createOrg(t, s);
    const repo = await createRepo(t, s, undefined, 'fuzz-write', true);
    const classic = await createClassicToken(t, s, { scopes: ['repo'] });
    const account = await t.api.post(`/orgs/${org}/account-tokens`, { token, body: { name: 'fuzz' } });
    assert.equal(account.status, 201, account.text);
    const bases: [string, string, string, Record<string, unknown>][] = [
      ['POST', '/user/personal-access-tokens', '/user/personal-access-tokens', { name: 'fuzz', scopes: ['repo'], expires_in_days: 30 }],
      ['POST', '/user/personal-access-tokens', '/user/personal-access-tokens', { kind: 'fine_grained', name: 'fuzz-fg', resource_owner: s.user.login, repository_selection: 'subset', repositories: [repo.id], permissions: { repository: { contents: 'read' } }, expires_in_days: 30 }],
      ['PATCH', `/user/personal-access-tokens/${classic.id}`, '/user/personal-access-tokens/:id', { name: 'renamed', description: 'd' }],
      ['PATCH', `/orgs/${org}/personal-access-token-policy`, '/orgs/:org/personal-access-token-policy', { require_approval: true, max_lifetime_days: { classic: 90, fine_grained: 90 } }],
      ['POST', '/user/repos', '/user/repos', { name: 'fuzz-new', private: true }],
      ['POST', `/orgs/${org}/repos`, '/orgs/:org/repos', { name: 'fuzz-new', visibility: 'internal' }],
      ['PATCH', `/repos/${repo.full_name}`, '/repos/:owner/:repo', { description: 'd', homepage: 'https://example.com', has_wiki: false }],
      ['POST', `/repos/${repo.full_name}/keys`, '/repos/:owner/:repo/keys', { title: 'fuzz', key: sshPublicKey(), read_only: true }],
      ['POST', '/user/oauth-apps', '/user/oauth-apps', { name: 'fuzz', url: 'https://example.com', callback_url: 'https://example.com/callback' }],
      ['PATCH', '/user', '/user', { name: 'Fuzz', bio: 'b', hireable: true }],
      ['PATCH', `/orgs/${org}`, '/orgs/:org', { name: 'Fuzz', email: 'fuzz@example.com' }],
      ['POST', `/orgs/${org}/account-tokens`, '/orgs/:org/account-tokens', { name: 'fuzz-2' }],
      ['PATCH', `/orgs/${org}/account-tokens/${account.json.id}`, '/orgs/:org/account-tokens/:id', { name: 'fuzz-3', active: true }],
    ];
    const routes = await appRoutes();
    targets = [];
    for (const [method, path, url, base] of bases) {
      const route = routes.find((r) => r.method === method && r.url === `/api/v3${url}`);
      assert.ok(route?.body, `${method} ${url} is a route with a body schema`);
      // The base body is accepted, so whatever breaks it below is the reason for a refusal; and
      // accepting it moves the change version, so an unchanged version below means nothing stored.
      const version = t.store.changeVersion();
      const accepted = await t.api.call(method, path, { token, body: base });
      assert.ok(accepted.status === 200 || accepted.status === 201, `${method} ${path}: ${accepted.text}`);
      assert.notEqual(t.store.changeVersion(), version, `${method} ${path} moved the change version`);
      targets.push({ method, path, route, base });
    }
  });
  after(async () => t?.close());

  interface Case {
    method: string;
    path: string;
    raw: string;
    /** 400, or 422 naming `field`. */
    status: 400 | 422;
    field?: string;
    label: string;
    /** Which of `targets` it breaks. */
    target: number;
  }

  const fieldsOf = (route: RouteInfo) => Object.keys((route.body?.properties ?? {}) as object);
  const isStringField = (route: RouteInfo, field: string) => JSON.stringify(route.body?.properties?.[field] ?? {}).includes('"string"');
  const encode = (text: string) => [...text].map((c) => (c.isWellFormed() ? encodeURIComponent(c) : '%ED%A0%80')).join('');

  function malformed(index: number): fc.Arbitrary<Case> {
    const { method, path, route, base } = targets[index];
    const fields = fieldsOf(route);
    const withField = (field: string, value: unknown) => JSON.stringify({ ...base, [field]: value });
    const typed = fields.flatMap((field) => {
      const wrong = wrongTypeValue(route.body?.properties?.[field]);
      return wrong ? [wrong.map((value): Omit<Case, 'target'> => ({ method, path, raw: withField(field, value), status: 422, field, label: `${field}: ${JSON.stringify(value)}` }))] : [];
    });
    const strings = fields.filter((f) => isStringField(route, f));
    const cases: fc.Arbitrary<Omit<Case, 'target'>> = fc.oneof(
      fc.oneof(...typed),
      fc
        .stringMatching(/^[a-z_]{1,12}$/)
        .filter((k) => !fields.includes(k) && k !== '__proto__' && k !== 'constructor')
        .map((field): Omit<Case, 'target'> => ({ method, path, raw: withField(field, 1), status: 422, field, label: `unknown field ${field}` })),
      fc.tuple(fc.constantFrom(...strings), refusedString).map(([field, text]): Omit<Case, 'target'> => ({ method, path, raw: withField(field, text), status: 422, field, label: `${field}: ${JSON.stringify(text)}` })),
      fc.integer({ min: 1, max: JSON.stringify(base).length - 1 }).map((cut): Omit<Case, 'target'> => ({ method, path, raw: JSON.stringify(base).slice(0, cut), status: 400, label: `cut at ${cut}` })),
      // A lone surrogate has no UTF-8 percent-encoding: sent as the bytes a careless encoder makes, it is a 400.
      fc.tuple(fc.string({ minLength: 1, maxLength: 6 }), refusedString).map(([name, text]): Omit<Case, 'target'> => ({ method, path: `${path}?${encode(name)}=${encode(text)}`, raw: JSON.stringify(base), ...(text.isWellFormed() ? { status: 422, field: name } : { status: 400 }), label: `query ${JSON.stringify(name)}=${JSON.stringify(text)}` })),
      fc.tuple(refusedString, fc.string({ maxLength: 6 })).map(([name, text]): Omit<Case, 'target'> => ({ method, path: `${path}?${encode(name)}=${encode(text)}`, raw: JSON.stringify(base), ...(name.isWellFormed() ? { status: 422, field: 'query' } : { status: 400 }), label: `query key ${JSON.stringify(name)}` })),
      fc.tuple(fc.stringMatching(/^[a-z_]{1,12}$/), fc.string({ maxLength: 6 })).map(([name, text]): Omit<Case, 'target'> => ({ method, path: `${path}?${name}=${encode(text)}`, raw: JSON.stringify(base), status: 422, field: name, label: `query ${name}=${JSON.stringify(text)}` })),
      fc.constantFrom('%ZZ', 'a=%C0%AE', 'b=%ED%A0%80', '%').map((query): Omit<Case, 'target'> => ({ method, path: `${path}?${query}`, raw: JSON.stringify(base), status: 400, label: `query ${query}` })),
    );
    return cases.map((c) => ({ ...c, target: index }));
  }

  it('refuses every malformed body or query of a write endpoint with the 4xx naming it, and stores nothing', async () => {
    const seen = new Set<number>();
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: targets.length - 1 }).chain(malformed), async (c) => {
        const before = t.store.changeVersion();
        const res = await t.api.call(c.method, c.path, { token, raw: c.raw });
        const what = `${c.method} ${c.path} (${c.label}) → ${res.status} ${res.text.slice(0, 300)}`;
        assert.equal(res.status, c.status, what);
        assert.equal(typeof res.json?.message, 'string', what);
        if (c.status === 400) assert.match(res.json.message, /Problems parsing JSON|Malformed query string/, what);
        if (c.field !== undefined) {
          const field = c.field;
          assert.ok(res.json.errors?.some((e: { field: string }) => e.field === field || e.field.startsWith(`${field}[`) || e.field.startsWith(`${field}.`)), `names ${field}: ${what}`);
        }
        assert.equal(t.store.changeVersion(), before, `nothing stored: ${what}`);
        seen.add(c.target);
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
    assert.equal(seen.size, targets.length, 'every write endpoint was tried');
    assert.deepEqual(t.logs.filter((l) => l.level === 'error'), [], 'the provider logged no error');
  });
});
