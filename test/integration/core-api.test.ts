// services.api() against the real embedded provider: sudo re-prompting and a single retry, the
// prompt being cancelled (and the sudo mode opened as it was cancelled, said), the provider's validation errors with their fields, and a provider that
// is down named with its URL.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { parseAccountSecrets } from '../../src/extension/accounts/account-secrets';
import type { TesseraError } from '../../src/extension/services';
import { closeSignedInFixture, escapeWhileChecked, holdProviderAnswer, newSignedInUser, nextEvent, signedInFixture, waitFor, type SignedInFixture, accountOnDeadProvider } from './core-helpers';

function isTesseraError(kind: TesseraError['kind'], pattern?: RegExp) {
  return (e: unknown) => {
    // The class comes from the extension's bundle: compare by shape, not instanceof.
    const err = e as TesseraError;
    assert.equal(err?.name, 'TesseraError', String(e));
    assert.equal(err.kind, kind, `${err.kind}: ${err.message}`);
    if (pattern) assert.match(err.message, pattern);
    return true;
  };
}

describe('core: services.api', function () {
  this.timeout(60_000);
  let { api, client, user, account } = {} as SignedInFixture;
  before(async () => ({ api, client, user, account } = await signedInFixture('api')));
  after(async () => {
    api?.overrideSudoPrompt(undefined);
    await closeSignedInFixture({ api, client, user });
  });

  /** Gives the account an admin token without a sudo window (made with Basic, not by a sign-in), as after two hours. */
  async function useAdminTokenWithoutSudo(name: string): Promise<{ json: { id: number; token: string } }> {
    const made = await client.post('/user/personal-access-tokens', {
      basic: { login: user.login, password: user.password },
      body: { name, scopes: ['admin:token', 'user'] },
    });
    assert.equal(made.status, 201, made.text);
    const key = api.secretKey(account.id);
    const value = parseAccountSecrets(await api.readSecretRaw(key))!;
    const reloaded = nextEvent(api.services.onDidChangeAccounts, () => true, 'the account reloaded with its new admin token');
    await api.writeSecretRaw(key, JSON.stringify({ ...value, admin: { tokenId: made.json.id, token: made.json.token, createdAt: new Date().toISOString() } }));
    await reloaded;
    return made;
  }

  it('when the provider asks for sudo, prompts once for the password, opens sudo and retries the call', async () => {
    const made = await useAdminTokenWithoutSudo('admin without sudo');

    // Without sudo the provider refuses: check that first, straight over HTTP.
    const refused = await client.post('/user/personal-access-tokens', { token: made.json.token, body: { name: 'direct', scopes: [] } });
    assert.equal(refused.status, 403);
    assert.equal(refused.headers.get('x-tessera-sudo'), 'required');

    // Cancelled prompt: the call rejects with 'cancelled' (views show nothing for it).
    let prompts = 0;
    api.overrideSudoPrompt(async () => {
      prompts++;
      return false;
    });
    await assert.rejects(api.services.api(account.id, 'POST', '/user/personal-access-tokens', { name: 'needs sudo 1', scopes: [] }), isTesseraError('cancelled'));
    assert.equal(prompts, 1);

    // A wrong password first (the prompt shows the error and asks again), then the right one.
    api.overrideSudoPrompt(async (acct, openSudo) => {
      prompts++;
      assert.equal(acct.id, account.id);
      await assert.rejects(openSudo('not the password'), isTesseraError('forbidden', /password/i));
      await openSudo(user.password);
      return true;
    });
    const created = await api.services.api<{ id: number; name: string; token: string }>(account.id, 'POST', '/user/personal-access-tokens', { name: 'needs sudo 2', scopes: [] });
    assert.equal(created.name, 'needs sudo 2');
    assert.equal(prompts, 2);
    // The window is open now: no more prompts.
    await api.services.api(account.id, 'POST', '/user/personal-access-tokens', { name: 'needs sudo 3', scopes: [] });
    assert.equal(prompts, 2);
    api.overrideSudoPrompt(undefined);
  });

  it("maps the provider's validation errors with the field they name", async () => {
    await assert.rejects(
      api.services.api(account.id, 'POST', '/user/personal-access-tokens', { name: 'bad scope', scopes: ['no-such-scope'] }),
      (e: unknown) => {
        isTesseraError('validation')(e);
        const fields = (e as TesseraError).details.fieldErrors ?? [];
        assert.ok(fields.some((f) => /scopes/.test(f.field)), JSON.stringify(fields));
        return true;
      },
    );
    await assert.rejects(api.services.api(account.id, 'GET', '/user/personal-access-tokens/999999999'), isTesseraError('not-found'));
  });

  it('a revoked sign-in token gets signed-out saying the sign-in ended and to sign in again, not the raw "Bad credentials"', async () => {
    // A second user, so the fixture's account keeps working for the other tests.
    const other = await newSignedInUser(api, client, 'api-revoked');
    try {
      const secrets = parseAccountSecrets(await api.readSecretRaw(api.secretKey(other.account.id)))!;
      const rev = await client.post('/credentials/revoke', { body: { credentials: [secrets.admin.token] } });
      assert.ok(rev.status < 300, rev.text);
      assert.equal((await client.get('/user', { token: secrets.admin.token })).status, 401, 'the sign-in token no longer works');
      await assert.rejects(api.services.api(other.account.id, 'GET', '/user'), (e: unknown) => {
        isTesseraError('signed-out', /sign in again/i)(e);
        const message = (e as Error).message;
        assert.doesNotMatch(message, /bad credentials/i, message);
        assert.ok(message.includes(new URL(account.providerOrigin).host), `names the provider: ${message}`);
        assert.ok(!message.includes(secrets.admin.token), 'no secret in the message');
        return true;
      });
    } finally {
      await api.signOut(other.account.id).catch(() => undefined);
    }
  });

  it('an account whose provider is down gets provider-down naming the URL', async () => {
    const { id, origin } = await accountOnDeadProvider(api, { userId: 77, login: 'ghost' });
    try {
      await assert.rejects(api.services.api(id, 'GET', '/user'), isTesseraError('provider-down', new RegExp(`${origin.replace(/[.]/g, '\\.')} is not reachable \\(connection refused\\)`)));
    } finally {
      await api.signOut(id);
    }
    assert.ok(!api.services.accounts().some((a) => a.id === id));
  });

  it('the real sudo prompt: Escape while the password is checked cancels the change, and the sudo mode the provider opened for it is said', async () => {
    const shown: string[] = [];
    const win = vscode.window as unknown as { showInformationMessage: typeof vscode.window.showInformationMessage };
    const realInfo = win.showInformationMessage;
    win.showInformationMessage = (async (message: string) => {
      shown.push(message);
      return undefined;
    }) as unknown as typeof realInfo;
    try {
      const made = await useAdminTokenWithoutSudo('admin without sudo, Escape');

      const change = Promise.resolve(api.services.api(account.id, 'POST', '/user/personal-access-tokens', { name: 'needs sudo', scopes: [] }));
      await waitFor('the sudo prompt', () => {
        const p = api.prompts.shown();
        return p && !p.busy && /sudo mode/.test(p.prompt) ? p : undefined;
      });
      // The provider opens sudo mode (POST /user/sudo answered); Escape reaches the extension before that answer.
      const opened = holdProviderAnswer(api, 'POST', /\/user\/sudo$/);
      await api.prompts.answer(user.password);
      await escapeWhileChecked(api, opened);
      await assert.rejects(change, (e: unknown) => (e as TesseraError).kind === 'cancelled');
      const told = await waitFor('the message that sudo mode was opened', () => shown.find((m) => /sudo mode/i.test(m)));
      assert.match(told, new RegExp(`^Sudo mode was opened for ${user.login} just as you cancelled`));
      assert.ok(!told.includes(user.password), 'no password in the message');
      // It was: the token now makes a token without asking.
      const direct = await client.post('/user/personal-access-tokens', { token: made.json.token, body: { name: 'direct after Escape', scopes: [] } });
      assert.equal(direct.status, 201, direct.text);
    } finally {
      win.showInformationMessage = realInfo;
      if (api.prompts.shown()) await api.prompts.cancel();
    }
  });
});
