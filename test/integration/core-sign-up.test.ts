// Sign-up (Tessera: Create an Account) in the real extension host against the embedded provider:
// Escape while the account is being made cancels the flow, but the account exists by then, so the
// person is told so, with Sign In (not left to find "login already taken" on the next try).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { uniqueName } from '../builders/unique-name';
import type { ApiClient } from '../builders/api-client';
import { escapeWhileChecked, holdProviderAnswer, providerClient, tesseraApi, waitFor, waitForPrompt } from './core-helpers';
import type { TesseraApi } from '../../src/extension/test-api';

type Win = { showInformationMessage: typeof vscode.window.showInformationMessage };

describe('core: sign-up', function () {
  this.timeout(60_000);
  let api: TesseraApi;
  let client: ApiClient;
  const win = vscode.window as unknown as Win;
  const realInfo = win.showInformationMessage;

  const prompt = (re: RegExp) => waitForPrompt(api, re);

  before(async () => {
    api = await tesseraApi();
    client = await providerClient(api);
  });
  afterEach(async () => {
    win.showInformationMessage = realInfo;
    if (api.prompts.shown()) await api.prompts.cancel();
  });
  after(async () => {
    await client?.close();
  });

  it('Escape while the account is being made: the flow ends, and the person is told the account was made, with Sign In', async () => {
    const shown: { message: string; actions: string[] }[] = [];
    win.showInformationMessage = (async (message: string, ...actions: unknown[]) => {
      shown.push({ message, actions: actions.filter((a): a is string => typeof a === 'string') });
      return undefined;
    }) as unknown as Win['showInformationMessage'];
    const login = uniqueName('signup');
    const password = `pw-${login}-long`;
    const running = Promise.resolve(vscode.commands.executeCommand('tessera.signUp'));
    await prompt(/Choose a login/);
    await api.prompts.answer(login);
    await prompt(/Your email address/);
    await api.prompts.answer(`${login}@example.com`);
    await prompt(/Choose a password/);
    await api.prompts.answer(password);
    await prompt(/Type the password again/);
    // The account is made (POST /users answered) and Escape reaches the extension before that answer.
    const made = holdProviderAnswer(api, 'POST', /\/users$/);
    await api.prompts.answer(password);
    await escapeWhileChecked(api, made);
    assert.equal(await running, undefined, 'the flow ends without signing in');
    const told = await waitFor('the message that the account was made', () => shown.find((m) => m.message.includes(login)));
    assert.match(told.message, new RegExp(`^The account ${login} was created on .* just as you cancelled\\. Sign in to use it\\.$`));
    assert.deepEqual(told.actions, ['Sign In']);
    assert.equal((await client.get(`/users/${login}`)).status, 200, 'the account exists');
    assert.ok(!api.services.accounts().some((a) => a.login === login), 'not signed in');
  });
});
