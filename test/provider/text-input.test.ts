// Text that would be silently altered is refused: a control character (SQLite reads a text back
// cut at a NUL, so two different names would become one) or ill-formed Unicode (a lone surrogate
// becomes U+FFFD) in any string of a body, query or key → 422 naming the field. TAB, LF and CR
// are kept in multi-line text (descriptions, justifications, reasons, SSH keys).
import * as assert from 'node:assert/strict';
import type { ApiResponse } from '../builders/api-client';
import { createUser } from '../builders/users';
import { uniqueName } from '../builders/unique-name';
import { newSession, type Session } from '../builders/sessions';
import { startTestProvider, TestProvider } from './helpers/provider';

function assertRefused(res: ApiResponse, field: string, message: RegExp): void {
  assert.equal(res.status, 422, res.text);
  assert.ok(
    res.json.errors.some((e: { field: string; message: string }) => e.field === field && message.test(e.message)),
    `${field} ${message} in ${res.text}`,
  );
  assert.match(res.json.message, /^Validation Failed: /);
}

const CONTROL = /must not contain control characters/;
const SURROGATE = /must be well-formed Unicode/;

describe('text input: control characters and ill-formed Unicode', function () {
  this.timeout(60_000);
  let t: TestProvider;
  let s: Session;

  before(async () => {
    t = await startTestProvider();
    s = await newSession(t);
  });
  after(async () => t.close());

  const createToken = (body: Record<string, unknown>) => t.api.post('/user/personal-access-tokens', { token: s.token, body: { scopes: [], ...body } });

  it('a token name with NUL is refused, so "same\\u0000one" and "same\\u0000two" cannot both become "same"', async () => {
    for (const name of ['same\u0000one', 'same\u0000two']) assertRefused(await createToken({ name }), 'name', CONTROL);
    const list = await t.api.get('/user/personal-access-tokens', { token: s.token });
    assert.ok(!list.json.some((tok: { name: string }) => tok.name.startsWith('same')), 'nothing was stored');
  });

  it('every C0 and C1 control character and DEL in a one-line field: 422 naming it', async () => {
    for (const c of ['\u0001', '\t', '\n', '\r', '\u001b', '\u007f', '\u0085', '\u009f']) {
      assertRefused(await createToken({ name: `a${c}b` }), 'name', CONTROL);
    }
  });

  it('a lone surrogate (high or low) is refused instead of becoming U+FFFD; a surrogate pair is kept', async () => {
    assertRefused(await createToken({ name: 'x\ud800' }), 'name', SURROGATE);
    assertRefused(await createToken({ name: '\udc00x' }), 'name', SURROGATE);
    const pair = await createToken({ name: `emoji \u{1F511} ${uniqueName('n')}` });
    assert.equal(pair.status, 201, pair.text);
    assert.match(pair.json.name, /\u{1F511}/u);
  });

  it('a multi-line description keeps TAB, LF and CR exactly; NUL or ESC in it is refused', async () => {
    const description = 'first line\r\nsecond\tline\nthird';
    const ok = await createToken({ name: uniqueName('multi'), description });
    assert.equal(ok.status, 201, ok.text);
    const read = await t.api.get(`/user/personal-access-tokens/${ok.json.id}`, { token: s.token });
    assert.equal(read.json.description, description);
    assertRefused(await createToken({ name: uniqueName('d'), description: 'a\u0000b' }), 'description', CONTROL);
    assertRefused(await createToken({ name: uniqueName('d'), description: 'a\u001b[31mred' }), 'description', CONTROL);
    assertRefused(await createToken({ name: uniqueName('d'), description: 'a\ud83d' }), 'description', SURROGATE);
  });

  it('org name and description, user name at sign-up and on PATCH /user: 422 naming the field', async () => {
    assertRefused(await t.api.post('/user/orgs', { token: s.token, body: { login: uniqueName('org'), name: 'Acme\u0000Evil' } }), 'name', CONTROL);
    assertRefused(await t.api.post('/user/orgs', { token: s.token, body: { login: uniqueName('org'), description: 'x\u0007' } }), 'description', CONTROL);
    const login = uniqueName('u');
    const signUp = await t.api.post('/users', { body: { login, email: `${login}@example.test`, password: 'a-good-password', name: 'Ada\u0000Lovelace' } });
    assertRefused(signUp, 'name', CONTROL);
    assertRefused(await t.api.patch('/user', { token: s.token, body: { name: 'Ada\u001bLovelace' } }), 'name', CONTROL);
    assertRefused(await t.api.patch('/user', { token: s.token, body: { name: 'Ada\udfffLovelace' } }), 'name', SURROGATE);
  });

  it('nested strings and object keys are named by their path', async () => {
    assertRefused(await createToken({ name: uniqueName('n'), scopes: ['repo', 'user\u0000'] }), 'scopes[1]', CONTROL);
    const fg = await t.api.post('/user/personal-access-tokens', {
      token: s.token,
      body: { kind: 'fine_grained', name: uniqueName('fg'), expires_in_days: 30, resource_owner: s.user.login, permissions: { account: { 'profile\u0000': 'read' } } },
    });
    assertRefused(fg, 'permissions.account', /has a key that must not contain control characters/);
  });

  it('query parameters: 422 naming the parameter', async () => {
    const res = await t.api.get('/user/personal-access-tokens?kind=classic%00', { token: s.token });
    assertRefused(res, 'kind', CONTROL);
  });

  it('a query parameter whose name has a control character: 422 naming the query, not the body', async () => {
    const list = await t.api.get('/user/personal-access-tokens?kind%00=classic', { token: s.token });
    assertRefused(list, 'query', /has a key that must not contain control characters/);
    const name = uniqueName('q');
    const create = await t.api.post('/user/personal-access-tokens?x%07=1', { token: s.token, body: { name, scopes: [] } });
    assertRefused(create, 'query', /has a key that must not contain control characters/);
    assert.doesNotMatch(create.json.message, /body/);
    const tokens = await t.api.get('/user/personal-access-tokens', { token: s.token });
    assert.ok(!tokens.json.some((tok: { name: string }) => tok.name === name), 'nothing was stored');
  });

  it('a query whose percent-encoding does not decode: 400, not the still-encoded text', async () => {
    for (const query of ['kind=%ZZ', 'kind=%ED%A0%80', 'per_page=%C0%AE']) {
      const res = await t.api.get(`/user/personal-access-tokens?${query}`, { token: s.token });
      assert.equal(res.status, 400, `${query}: ${res.text}`);
      assert.equal(res.json.message, 'Malformed query string: its percent-encoding is not UTF-8');
    }
  });

  it('a password with a control character is refused at sign-up', async () => {
    const login = uniqueName('pw');
    const res = await t.api.post('/users', { body: { login, email: `${login}@example.test`, password: 'pass\u0000word-long' } });
    assertRefused(res, 'password', CONTROL);
    // The same account with a clean password still signs up.
    await createUser(t, { login, password: 'password-long-enough' });
  });
});
