// The real sudo prompt (password again before a change) against the embedded provider: Escape
// while the password is checked cancels the change, and when the provider opened sudo mode for that
// password all the same, the person is told so (not left with a silent two-hour window).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { parseAccountSecrets } from '../../src/extension/accounts/account-secrets';
import type { TesseraError } from '../../src/extension/services';
import { closeSignedInFixture, nextEvent, signedInFixture, waitFor, type SignedInFixture } from './core-helpers';

type Win = { showInformationMessage: typeof vscode.window.showInformationMessage };

describe('core: the sudo prompt', function () {
  this.timeout(60_000);
  let { api, client, user, account } = {} as SignedInFixture;
  const win = vscode.window as unknown as Win;
  const realInfo = win.showInformationMessage;
  before(async () => ({ api, client, user, account } = await signedInFixture('sudo')));
  afterEach(async () => {
    win.showInformationMessage = realInfo;
    if (api.prompts.shown()) await api.prompts.cancel();
  });
  after(async () => closeSignedInFixture({ api, client, user }));

  it('Escape while the password is checked: the change is cancelled, and the sudo mode the provider opened for it is said', async () => {
    const shown: string[] = [];
    win.showInformationMessage = (async (message: string) => {
      shown.push(message);
      return undefined;
    }) as unknown as Win['showInformationMessage'];
    // An admin token without a sudo window (made with Basic, not by a sign-in), as after two hours.
    const made = await client.post('/user/personal-access-tokens', {
      basic: { login: user.login, password: user.password },
      body: { name: 'admin without sudo', scopes: ['admin:token', 'user'] },
    });
    assert.equal(made.status, 201, made.text);
    const key = api.secretKey(account.id);
    const value = parseAccountSecrets(await api.readSecretRaw(key))!;
    const reloaded = nextEvent(api.services.onDidChangeAccounts, () => true, 'the account reloaded with its new admin token');
    await api.writeSecretRaw(key, JSON.stringify({ ...value, admin: { tokenId: made.json.id, token: made.json.token, createdAt: new Date().toISOString() } }));
    await reloaded;

    const change = Promise.resolve(api.services.api(account.id, 'POST', '/user/personal-access-tokens', { name: 'needs sudo', scopes: [] }));
    await waitFor('the sudo prompt', () => {
      const p = api.prompts.shown();
      return p && !p.busy && /sudo mode/.test(p.prompt) ? p : undefined;
    });
    await api.prompts.answer(user.password);
    await waitFor('the password being checked', () => api.prompts.shown()?.busy);
    await api.prompts.cancel();
    await assert.rejects(change, (e: unknown) => (e as TesseraError).kind === 'cancelled');
    const told = await waitFor('the message that sudo mode was opened', () => shown.find((m) => /sudo mode/i.test(m)));
    assert.match(told, new RegExp(`^Sudo mode was opened for ${user.login} just as you cancelled`));
    assert.ok(!told.includes(user.password), 'no password in the message');
    // It was: the token now makes a token without asking.
    const direct = await client.post('/user/personal-access-tokens', { token: made.json.token, body: { name: 'direct', scopes: [] } });
    assert.equal(direct.status, 201, direct.text);
  });
});
