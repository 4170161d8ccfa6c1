// git asks Tessera for a token in the background (vscode.git's askpass, while a push waits). When
// no token fits, Tessera offers to create one and asks which kind in a quick pick: that pick takes
// its turn in the sign-in queue, as every prompt of Tessera's does. It waits while the person's
// own Sign In is on screen instead of replacing it, and a Sign In started while it is on screen
// opens once it is answered. Real prompts, answered through the workbench's commands.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { TesseraApi } from '../../src/extension/test-api';
import type { ApiClient } from '../builders/api-client';
import { createRepo } from '../builders/repos';
import { providerClient, tesseraApi, waitFor, waitForPrompt, newSignedInUser } from './core-helpers';

type Win = { showInformationMessage: typeof vscode.window.showInformationMessage };

describe('core: git’s token pick takes its turn in the sign-in queue', function () {
  this.timeout(60_000);
  let api: TesseraApi;
  let client: ApiClient;
  let origin: string;
  const win = vscode.window as unknown as Win;
  const realInfo = win.showInformationMessage;

  const prompt = (re: RegExp) => waitForPrompt(api, re);
  /** A repository of a new signed-in user that none of the window's tokens can push to. */
  const repoWithoutToken = async (prefix: string) => {
    const { user } = await newSignedInUser(api, client, prefix);
    await createRepo({ api: client }, user, undefined, 'app');
    return `${origin}/${user.login}/app.git`;
  };

  before(async () => {
    api = await tesseraApi();
    client = await providerClient(api);
    origin = (await api.providerInfo()).origin;
    for (const a of api.services.accounts()) await api.signOut(a.id);
    // The notification "Tessera has no token that can push to …": its button, as a person clicks it.
    win.showInformationMessage = (async (message: string, ...items: unknown[]) =>
      /has no token that can/.test(message) ? items.find((i) => i === 'Create Token…') : realInfo(message, ...(items as string[]))) as unknown as Win['showInformationMessage'];
  });
  afterEach(async () => {
    if (api.prompts.shown()) await api.prompts.cancel();
    for (const a of api.services.accounts()) await api.signOut(a.id);
  });
  after(async () => {
    win.showInformationMessage = realInfo;
    await client?.close();
  });

  it('git’s pick waits while the person’s own Sign In is on screen; it opens once the sign-in has ended', async () => {
    const url = await repoWithoutToken('gitwait');
    const signingIn = Promise.resolve(vscode.commands.executeCommand<{ login: string } | undefined>('tessera.signIn'));
    await prompt(/Choose the Tessera provider/);
    const asked = api.askGitCredentials(url);
    await waitFor('git’s pick waiting for its turn', () => api.prompts.waiting() === 1 || undefined);
    assert.match(api.prompts.shown()?.prompt ?? '(none)', /Choose the Tessera provider/, 'the sign-in stays on screen');
    await api.prompts.cancel();
    assert.equal(await signingIn, undefined, 'the sign-in ended by Escape, not replaced');
    await prompt(/Which token should git use for/);
    await api.prompts.cancel();
    assert.equal(await asked, undefined, 'Escape in git’s pick: git gets nothing');
  });

  it('a Sign In started while git’s pick is on screen waits for it: the pick is answered and git gets its token, then the sign-in opens', async () => {
    const url = await repoWithoutToken('gitpick');
    const asked = api.askGitCredentials(url);
    await prompt(/Which token should git use for/);
    const signingIn = Promise.resolve(vscode.commands.executeCommand<{ login: string } | undefined>('tessera.signIn'));
    await waitFor('the sign-in waiting for its turn', () => api.prompts.waiting() === 1 || undefined);
    assert.match(api.prompts.shown()?.prompt ?? '(none)', /Which token should git use for/, 'git’s pick stays on screen');
    await api.prompts.answer(api.prompts.shown()!.items.find((i) => /Fine-grained token/.test(i)));
    const credentials = await asked;
    assert.ok(credentials?.password, 'git gets the token made for the repository');
    await prompt(/Choose the Tessera provider/);
    await api.prompts.cancel();
    assert.equal(await signingIn, undefined, 'the sign-in opened after the pick, and Escape cancelled it');
  });
});
