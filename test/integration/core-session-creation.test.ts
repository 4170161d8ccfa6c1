// How createSession makes tokens on the real embedded provider: two requests for the same scopes
// at once in one window share one token, and a token the provider made without handing back its
// secret (no session can use it) is deleted again.
import * as assert from 'node:assert/strict';
import type { TokenJson } from '../../src/shared/api-types';
import { closeSignedInFixture, signedInFixture, type SignedInFixture } from './core-helpers';

type ApiCall = (accountId: string, method: string, path: string, body?: unknown) => Promise<unknown>;

describe('core: creating sessions', function () {
  this.timeout(60_000);
  let { api, client, user, account } = {} as SignedInFixture;
  before(async () => ({ api, client, user, account } = await signedInFixture('creating')));
  after(async () => closeSignedInFixture({ api, client, user }));

  /** The user's tokens on the provider, read with the password. */
  async function listed(): Promise<TokenJson[]> {
    const r = await client.get('/user/personal-access-tokens?per_page=100', { basic: { login: user.login, password: user.password } });
    assert.equal(r.status, 200, r.text);
    return r.json as TokenJson[];
  }

  it('two createSession calls for the same scopes at once make one token and give the same session', async () => {
    const before = new Set((await listed()).map((t) => t.id));
    const opts = { account: { id: account.id, label: account.login } };
    const [a, b] = await Promise.all([
      api.authentication.createSession(['read:user', 'gist'], opts),
      api.authentication.createSession(['gist', 'read:user'], opts),
    ]);
    assert.equal(b.id, a.id, 'the second request gets the session the first made');
    assert.equal(b.accessToken, a.accessToken);
    const made = (await listed()).filter((t) => !before.has(t.id));
    assert.equal(made.length, 1, `one token on the provider: ${made.map((t) => t.name).join(', ')}`);
    const sessions = await api.authentication.getSessions(['gist', 'read:user'], opts);
    assert.deepEqual(sessions.map((s) => s.id), [a.id]);
    await api.authentication.removeSession(a.id);
  });

  it('a token the provider made without returning its secret is deleted again, and createSession fails', async () => {
    const before = new Set((await listed()).map((t) => t.id));
    // A provider that makes the token but leaves its secret out of the answer.
    const core = api.services as unknown as { api: ApiCall };
    const original = core.api.bind(core);
    core.api = async (accountId, method, path, body) => {
      const r = await original(accountId, method, path, body);
      if (method === 'POST' && /\/user\/personal-access-tokens$/.test(path)) delete (r as { token?: string }).token;
      return r;
    };
    try {
      await assert.rejects(
        Promise.resolve(api.authentication.createSession(['notifications'], { account: { id: account.id, label: account.login } })),
        /did not return its secret/,
      );
    } finally {
      delete (core as Partial<typeof core>).api;
    }
    const made = (await listed()).filter((t) => !before.has(t.id));
    assert.deepEqual(made.map((t) => t.name), [], 'the token without a secret does not stay on the provider');
    assert.deepEqual(await api.authentication.getSessions(['notifications'], { account: { id: account.id, label: account.login } }), []);
  });
});
