// Real GitHub clients, unchanged: @octokit/auth-basic (username + password, on2Fa answered with a
// code from the enrolled secret) creates a classic token through POST /authorizations; then
// @octokit/rest reads GET /user with it and sees the scopes in X-OAuth-Scopes.
import * as assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { createBasicAuth } from '@octokit/auth-basic';
import { createUser, type TestUser } from '../builders/users';
import { totpAt } from '../builders/totp';
import { enableTwoFactor } from '../builders/two-factor';
import { octokitFor } from './helpers/octokit';
import { startTestProvider, TestProvider } from './helpers/provider';

// @octokit/auth-basic reads the 2FA challenge from the error shape of its own @octokit/request v5.
const requestV5 = createRequire(require.resolve('@octokit/auth-basic'))('@octokit/request') as {
  request: { defaults(o: object): unknown };
};

describe('real GitHub clients (@octokit/auth-basic, @octokit/rest)', () => {
  let t: TestProvider;
  let user: TestUser;
  let warn: typeof console.warn;

  before(async () => {
    t = await startTestProvider();
    user = await createUser(t);
    await enableTwoFactor(t, user);
    warn = console.warn;
    console.warn = () => {}; // auth-basic prints a deprecation notice for github.com
  });
  after(async () => {
    console.warn = warn;
    await t.close();
  });

  it('creates a token with username + password + on2Fa, then @octokit/rest reads GET /user with it', async () => {
    let challenges = 0;
    const auth = createBasicAuth({
      username: user.login,
      password: user.password,
      async on2Fa() {
        challenges++;
        t.clock.advance(30_000);
        return totpAt(user.totpSecret!, t.clock.now());
      },
      token: { note: 'octokit auth-basic test', scopes: ['repo', 'user', 'user:email'] },
      request: requestV5.request.defaults({ baseUrl: t.provider.apiUrl }),
    } as Parameters<typeof createBasicAuth>[0]);

    const result = (await auth({ type: 'token' })) as { type: string; token: string; id: number };
    assert.equal(challenges, 1, 'the provider asked for the 2FA code once (401 X-GitHub-OTP: required; app)');
    assert.equal(result.type, 'token');
    assert.match(result.token, /^tsp_[0-9A-Za-z]{36}$/);

    const octokit = octokitFor(t, result.token);
    const me = await octokit.rest.users.getAuthenticated();
    assert.equal(me.status, 200);
    assert.equal(me.data.login, user.login);
    // user:email is implied by user and normalized away.
    assert.equal(me.headers['x-oauth-scopes'], 'repo, user');
    assert.equal(me.headers['x-accepted-oauth-scopes'], '');
  });

  it("auth({type: 'basic'}) triggers the 2FA challenge through PATCH /authorizations (404 after authentication)", async () => {
    let challenges = 0;
    const auth = createBasicAuth({
      username: user.login,
      password: user.password,
      async on2Fa() {
        challenges++;
        t.clock.advance(30_000);
        return totpAt(user.totpSecret!, t.clock.now());
      },
      request: requestV5.request.defaults({ baseUrl: t.provider.apiUrl }),
    } as Parameters<typeof createBasicAuth>[0]);
    const basic = (await auth({ type: 'basic' })) as { type: string; username: string; totp?: string };
    assert.equal(basic.type, 'basic');
    assert.equal(basic.username, user.login);
    assert.equal(challenges, 1);
    assert.match(basic.totp ?? '', /^\d{6}$/);
  });

  it('a wrong password makes auth-basic fail with 401 Bad credentials, without asking for a code', async () => {
    let challenges = 0;
    const auth = createBasicAuth({
      username: user.login,
      password: 'not the password',
      async on2Fa() {
        challenges++;
        return '000000';
      },
      token: { note: 'wrong password attempt' },
      request: requestV5.request.defaults({ baseUrl: t.provider.apiUrl }),
    } as Parameters<typeof createBasicAuth>[0]);
    await assert.rejects(auth({ type: 'token' }), (err: { status: number; message: string }) => {
      assert.equal(err.status, 401);
      assert.match(err.message, /Bad credentials/);
      return true;
    });
    assert.equal(challenges, 0);
  });
});
