// GitHub's 2013 OAuth Authorizations API in full, Basic (+ OTP) only.
import * as assert from 'node:assert/strict';
import { createUser, type TestUser } from '../builders/users';
import { freshOtp } from '../builders/totp';
import { enableTwoFactor } from '../builders/two-factor';
import { startTestProvider, TestProvider } from './helpers/provider';

describe('2013 OAuth Authorizations API', () => {
  let t: TestProvider;
  let user: TestUser;

  before(async () => {
    t = await startTestProvider();
    user = await createUser(t);
    await enableTwoFactor(t, user);
  });
  after(async () => t.close());

  async function basic() {
    return { basic: { login: user.login, password: user.password }, otp: await freshOtp(t, user) };
  }

  it('POST creates a classic token: 201, Location, token only in this answer, scopes normalized', async () => {
    const res = await t.api.post('/authorizations', { ...(await basic()), body: { scopes: ['user', 'user:email', 'repo'], note: 'create test', note_url: 'https://example.test/app' } });
    assert.equal(res.status, 201, res.text);
    assert.equal(res.headers.get('location'), `${t.provider.apiUrl}/authorizations/${res.json.id}`);
    assert.match(res.json.token, /^tsp_[0-9A-Za-z]{36}$/);
    assert.equal(res.json.token_last_eight, res.json.token.slice(-8));
    assert.match(res.json.hashed_token, /^[0-9a-f]{64}$/);
    assert.deepEqual(res.json.scopes, ['repo', 'user']);
    assert.equal(res.json.note, 'create test');
    assert.equal(res.json.note_url, 'https://example.test/app');
    assert.equal(res.json.url, `${t.provider.apiUrl}/authorizations/${res.json.id}`);
    assert.equal(res.json.app.client_id, '00000000000000000000');

    const got = await t.api.get(`/authorizations/${res.json.id}`, await basic());
    assert.equal(got.status, 200);
    assert.equal(got.json.token, '', 'never shown again (empty, as on GHES)');
    assert.equal(got.json.token_last_eight, res.json.token_last_eight);
    assert.equal(got.json.hashed_token, res.json.hashed_token);

    const list = await t.api.get('/authorizations', await basic());
    assert.equal(list.status, 200);
    assert.ok(list.json.some((a: { id: number }) => a.id === res.json.id));
    assert.ok(list.json.every((a: { token: string }) => a.token === ''));
    assert.ok(!list.text.includes(res.json.token));
  });

  it('note is required; unknown scopes and unknown fields are 422 naming the field', async () => {
    const noNote = await t.api.post('/authorizations', { ...(await basic()), body: { scopes: [] } });
    assert.equal(noNote.status, 422);
    assert.equal(noNote.json.errors[0].field, 'note');
    const badScope = await t.api.post('/authorizations', { ...(await basic()), body: { scopes: ['repo', 'admin:everything'], note: 'bad scope' } });
    assert.equal(badScope.status, 422);
    assert.equal(badScope.json.errors[0].field, 'scopes');
    assert.match(badScope.json.message, /admin:everything/);
    const extra = await t.api.post('/authorizations', { ...(await basic()), body: { note: 'x', sudo: true } });
    assert.equal(extra.status, 422);
    assert.equal(extra.json.errors[0].field, 'sudo');
  });

  it('a duplicate note is 422 already_exists (GitHub: OauthAccess description)', async () => {
    assert.equal((await t.api.post('/authorizations', { ...(await basic()), body: { note: 'dup note' } })).status, 201);
    const dup = await t.api.post('/authorizations', { ...(await basic()), body: { note: 'dup note' } });
    assert.equal(dup.status, 422);
    assert.deepEqual(dup.json.errors[0], { resource: 'OauthAccess', field: 'description', code: 'already_exists', message: dup.json.errors[0].message });
    const withFp = await t.api.post('/authorizations', { ...(await basic()), body: { note: 'dup note', fingerprint: 'machine-2' } });
    assert.equal(withFp.status, 201, 'a different fingerprint may reuse the note');
  });

  it('PATCH with scopes, add_scopes and remove_scopes; only one of them at a time', async () => {
    const created = await t.api.post('/authorizations', { ...(await basic()), body: { note: 'patch me', scopes: ['read:org'] } });
    const id = created.json.id;
    let res = await t.api.patch(`/authorizations/${id}`, { ...(await basic()), body: { add_scopes: ['repo', 'user:email'] } });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.json.scopes, ['repo', 'read:org', 'user:email']);
    res = await t.api.patch(`/authorizations/${id}`, { ...(await basic()), body: { remove_scopes: ['read:org'] } });
    assert.deepEqual(res.json.scopes, ['repo', 'user:email']);
    res = await t.api.patch(`/authorizations/${id}`, { ...(await basic()), body: { scopes: ['admin:org', 'read:org'], note: 'patched', note_url: 'https://x.test' } });
    assert.deepEqual(res.json.scopes, ['admin:org']);
    assert.equal(res.json.note, 'patched');
    assert.equal(res.json.token, '');
    const both = await t.api.patch(`/authorizations/${id}`, { ...(await basic()), body: { scopes: ['repo'], add_scopes: ['user'] } });
    assert.equal(both.status, 422);
    assert.equal(both.json.errors[0].field, 'add_scopes');
    const bad = await t.api.patch(`/authorizations/${id}`, { ...(await basic()), body: { add_scopes: ['nope'] } });
    assert.equal(bad.status, 422);
    assert.equal(bad.json.errors[0].field, 'add_scopes');
  });

  it('DELETE revokes: 204, then the token no longer authenticates and the id is 404', async () => {
    const created = await t.api.post('/authorizations', { ...(await basic()), body: { note: 'delete me', scopes: ['read:user'] } });
    assert.equal((await t.api.get('/user', { token: created.json.token })).status, 200);
    const del = await t.api.delete(`/authorizations/${created.json.id}`, await basic());
    assert.equal(del.status, 204);
    assert.equal((await t.api.get('/user', { token: created.json.token })).status, 401);
    assert.equal((await t.api.get(`/authorizations/${created.json.id}`, await basic())).status, 404);
  });

  it('PUT /authorizations/clients/{client_id}/{fingerprint}: 201 new (with token), 200 existing (without)', async () => {
    const path = '/authorizations/clients/tessera-vscode/machine-a';
    const first = await t.api.put(path, { ...(await basic()), body: { scopes: ['admin:token', 'user'], note: 'VS Code on machine A', client_secret: 's3cr3t' } });
    assert.equal(first.status, 201, first.text);
    assert.ok(first.json.token);
    assert.equal(first.json.app.client_id, 'tessera-vscode');
    assert.equal(first.json.fingerprint, 'machine-a');
    const second = await t.api.put(path, { ...(await basic()), body: { scopes: ['admin:token', 'user'] } });
    assert.equal(second.status, 200);
    assert.equal(second.json.id, first.json.id);
    assert.equal(second.json.token, '');
    const otherMachine = await t.api.put('/authorizations/clients/tessera-vscode/machine-b', { ...(await basic()), body: {} });
    assert.equal(otherMachine.status, 201);
    assert.notEqual(otherMachine.json.id, first.json.id);
  });

  it("GET /authorizations?client_id= lists one client's authorizations (00000000000000000000: those made without one), paged", async () => {
    const u = await createUser(t);
    const auth = { basic: { login: u.login, password: u.password } };
    const madeBy = async (path: string, body: object) => {
      const res = await t.api.call(path === '/authorizations' ? 'POST' : 'PUT', path, { ...auth, body });
      assert.equal(res.status, 201, res.text);
      return res.json.id as number;
    };
    const a1 = await madeBy('/authorizations/clients/client-a/one', { scopes: ['repo'] });
    const a2 = await madeBy('/authorizations/clients/client-a/two', { scopes: ['repo'] });
    const b = await madeBy('/authorizations/clients/client-b', { scopes: ['repo'] });
    const own = await madeBy('/authorizations', { note: 'no client' });
    const ids = async (query: string) => {
      const res = await t.api.get(`/authorizations${query}`, auth);
      assert.equal(res.status, 200, res.text);
      return res.json.map((x: { id: number }) => x.id).sort((x: number, y: number) => x - y);
    };
    assert.deepEqual(await ids('?client_id=client-a'), [a1, a2]);
    assert.deepEqual(await ids('?client_id=client-b'), [b]);
    assert.deepEqual(await ids('?client_id=nobody'), []);
    assert.deepEqual(await ids('?client_id=00000000000000000000'), [own]);
    assert.deepEqual(await ids(''), [a1, a2, b, own]);
    const page2 = await t.api.get('/authorizations?client_id=client-a&per_page=1&page=2', auth);
    assert.equal(page2.json.length, 1);
    assert.match(page2.headers.get('link') ?? '', /client_id=client-a&per_page=1&page=1>; rel="prev"/, 'a link keeps the filter; the page counts its matches only');
    assert.doesNotMatch(page2.headers.get('link') ?? '', /rel="next"/);
    const bad = await t.api.get('/authorizations?client_id=%20', auth);
    assert.equal(bad.status, 422, bad.text);
    assert.equal(bad.json.errors[0].field, 'client_id');
  });

  it('is Basic-only: a token gets 401 naming Basic Auth; no credentials 401; another user’s id 404', async () => {
    const created = await t.api.post('/authorizations', { ...(await basic()), body: { note: 'mine', scopes: ['admin:token'] } });
    const withToken = await t.api.get('/authorizations', { token: created.json.token });
    assert.equal(withToken.status, 401);
    assert.match(withToken.json.message, /Basic Auth/);
    assert.equal((await t.api.get('/authorizations')).status, 401);
    const other = await createUser(t);
    const foreign = await t.api.get(`/authorizations/${created.json.id}`, { basic: other });
    assert.equal(foreign.status, 404);
    assert.equal((await t.api.get('/authorizations/not-a-number', { basic: other })).status, 404);
  });

  it('records oauth_authorization.create / .update / .destroy without secrets', async () => {
    const created = await t.api.post('/authorizations', { ...(await basic()), body: { note: 'audited', scopes: ['repo'] } });
    await t.api.patch(`/authorizations/${created.json.id}`, { ...(await basic()), body: { add_scopes: ['user'] } });
    await t.api.delete(`/authorizations/${created.json.id}`, await basic());
    const log = await t.api.get('/user/audit-log?per_page=100', await basic());
    const mine = log.json.filter((e: { token_id?: number }) => e.token_id === created.json.id).map((e: { action: string }) => e.action);
    assert.deepEqual(mine, ['oauth_authorization.destroy', 'oauth_authorization.update', 'oauth_authorization.create']);
    assert.ok(!log.text.includes(created.json.token));
    assert.ok(!log.text.includes(created.json.hashed_token));
  });
});
