// The extension's typed client of the provider's API: the method, path (with its segments
// encoded and its page query) and body each endpoint sends, how the two transports reach the
// provider (as an account through services.api; with explicit credentials under /api/v3), and
// reading every page of a list.
import * as assert from 'node:assert/strict';
import { accountApi, allPages, originApi, PAGE_SIZE, ProviderApi, type Method } from '../../src/extension/api/provider-api';

interface Sent {
  readonly method: Method;
  readonly path: string;
  readonly body?: unknown;
}

function recording(answer: unknown = {}): { api: ProviderApi; sent: Sent[] } {
  const sent: Sent[] = [];
  const api = new ProviderApi(async <T>(method: Method, path: string, body?: unknown) => {
    sent.push(body === undefined ? { method, path } : { method, path, body });
    return answer as T;
  });
  return { api, sent };
}

describe('extension: the provider API client', () => {
  it('sends each token endpoint its method, path and body', async () => {
    const { api, sent } = recording();
    await api.listTokens();
    await api.listTokens({ page: 3, perPage: 20 });
    await api.token(42);
    await api.createToken({ name: 'ci', scopes: ['repo'] });
    await api.updateToken(42, { expires_at: null });
    await api.regenerateToken(42, {});
    await api.expireToken(42);
    await api.deleteToken(42);
    assert.deepEqual(sent, [
      { method: 'GET', path: `/user/personal-access-tokens?per_page=${PAGE_SIZE}&page=1` },
      { method: 'GET', path: '/user/personal-access-tokens?per_page=20&page=3' },
      { method: 'GET', path: '/user/personal-access-tokens/42' },
      { method: 'POST', path: '/user/personal-access-tokens', body: { name: 'ci', scopes: ['repo'] } },
      { method: 'PATCH', path: '/user/personal-access-tokens/42', body: { expires_at: null } },
      { method: 'POST', path: '/user/personal-access-tokens/42/regenerate', body: {} },
      { method: 'POST', path: '/user/personal-access-tokens/42/expire' },
      { method: 'DELETE', path: '/user/personal-access-tokens/42' },
    ]);
  });

  it('encodes org, owner and repository names as path segments', async () => {
    const { api, sent } = recording([]);
    await api.orgRepositories('a/b?c', { page: 2 });
    await api.repository('o w', 'r#1');
    await api.tokenPolicy('acme corp');
    await api.tokenRequests('acme');
    await api.tokenRequestRepositories('acme', 7);
    await api.reviewTokenRequest('acme', 7, { action: 'deny', reason: 'too wide' });
    await api.reviewTokenRequests('acme', { pat_request_ids: [7, 8], action: 'approve' });
    assert.deepEqual(sent, [
      { method: 'GET', path: `/orgs/a%2Fb%3Fc/repos?per_page=${PAGE_SIZE}&page=2` },
      { method: 'GET', path: '/repos/o%20w/r%231' },
      { method: 'GET', path: '/orgs/acme%20corp/personal-access-token-policy' },
      { method: 'GET', path: `/orgs/acme/personal-access-token-requests?per_page=${PAGE_SIZE}&page=1` },
      { method: 'GET', path: `/orgs/acme/personal-access-token-requests/7/repositories?per_page=${PAGE_SIZE}&page=1` },
      { method: 'POST', path: '/orgs/acme/personal-access-token-requests/7', body: { action: 'deny', reason: 'too wide' } },
      { method: 'POST', path: '/orgs/acme/personal-access-token-requests', body: { pat_request_ids: [7, 8], action: 'approve' } },
    ]);
  });

  it('sends the user, sign-in, sudo, two-factor, audit and listing endpoints', async () => {
    const { api, sent } = recording();
    await api.currentUser();
    await api.createUser({ login: 'alice', email: 'a@example.com', password: 'pw' });
    await api.createAuthorization({ note: 'n', scopes: ['admin:token'] });
    await api.openSudo({ password: 'pw', otp: '123456' });
    await api.setUpTwoFactor();
    await api.enableTwoFactor({ code: '123456' });
    await api.auditLog();
    await api.auditLog({ phrase: 'token_id:7', perPage: 100 });
    await api.userRepositories();
    await api.orgMemberships();
    assert.deepEqual(sent, [
      { method: 'GET', path: '/user' },
      { method: 'POST', path: '/users', body: { login: 'alice', email: 'a@example.com', password: 'pw' } },
      { method: 'POST', path: '/authorizations', body: { note: 'n', scopes: ['admin:token'] } },
      { method: 'POST', path: '/user/sudo', body: { password: 'pw', otp: '123456' } },
      { method: 'POST', path: '/user/two-factor/setup', body: {} },
      { method: 'POST', path: '/user/two-factor/enable', body: { code: '123456' } },
      { method: 'GET', path: `/user/audit-log?per_page=${PAGE_SIZE}&page=1` },
      { method: 'GET', path: '/user/audit-log?per_page=100&page=1&phrase=token_id%3A7' },
      { method: 'GET', path: `/user/repos?per_page=${PAGE_SIZE}&page=1` },
      { method: 'GET', path: `/user/memberships/orgs?per_page=${PAGE_SIZE}&page=1` },
    ]);
  });

  it('answers what the transport answered, and nothing for a deletion', async () => {
    const token = { id: 1, name: 't' };
    assert.deepEqual(await recording(token).api.token(1), token);
    assert.equal(await recording(token).api.deleteToken(1), undefined);
  });

  it('calls as an account through services.api', async () => {
    const calls: unknown[][] = [];
    const api = accountApi({ api: async <T>(...args: unknown[]) => (calls.push(args), [] as T) }, 'https://p.test#7');
    await api.listTokens({ page: 2 });
    await api.createToken({ name: 'x' });
    assert.deepEqual(calls, [
      ['https://p.test#7', 'GET', `/user/personal-access-tokens?per_page=${PAGE_SIZE}&page=2`, undefined],
      ['https://p.test#7', 'POST', '/user/personal-access-tokens', { name: 'x' }],
    ]);
  });

  it('calls an origin under /api/v3 with the given credentials and one-time code', async () => {
    const calls: unknown[][] = [];
    const client = { json: async <T>(...args: unknown[]) => (calls.push(args), {} as T) };
    await originApi(client, 'https://p.test', { auth: { kind: 'basic', username: 'alice', password: 'pw' }, otp: '123456' }).createAuthorization({ note: 'n' });
    await originApi(client, 'https://p.test', { auth: { kind: 'token', token: 'tsp_x' } }).currentUser();
    await originApi(client, 'https://p.test').createUser({ login: 'bob', email: 'b@example.com', password: 'pw' });
    assert.deepEqual(calls, [
      ['https://p.test', 'POST', '/api/v3/authorizations', { auth: { kind: 'basic', username: 'alice', password: 'pw' }, otp: '123456', body: { note: 'n' } }],
      ['https://p.test', 'GET', '/api/v3/user', { auth: { kind: 'token', token: 'tsp_x' } }],
      ['https://p.test', 'POST', '/api/v3/users', { body: { login: 'bob', email: 'b@example.com', password: 'pw' } }],
    ]);
  });

  it('reads pages until a short one, and stops at the page limit', async () => {
    const asked: number[] = [];
    const full = Array.from({ length: PAGE_SIZE }, (_, i) => i);
    const items = await allPages(async ({ page }) => {
      asked.push(page!);
      return page! < 3 ? full : [1, 2];
    }, 10);
    assert.deepEqual(asked, [1, 2, 3]);
    assert.equal(items.length, 2 * PAGE_SIZE + 2);

    const capped: number[] = [];
    await allPages(async ({ page }) => (capped.push(page!), full), 4);
    assert.deepEqual(capped, [1, 2, 3, 4]);
  });
});
