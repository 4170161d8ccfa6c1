// How a command's error is shown (registerCommand → services.showError), in the real extension
// host: a team server that is down is named and "Retry" runs the command again with the same
// arguments; a sign-in that ends while a command's box is open keeps what was typed. The
// extension's own window.show*Message are answered here (the test runs in the same extension, so it
// shares the extension's `vscode` API object).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { uniqueName } from '../builders/unique-name';
import { createUser } from '../builders/users';
import { closeSignedInFixture, signedInFixture, tesseraApi, waitFor, accountOnDeadProvider, type SignedInFixture } from './core-helpers';
import type { TesseraApi } from '../../src/extension/test-api';

type Win = { showWarningMessage: typeof vscode.window.showWarningMessage; showErrorMessage: typeof vscode.window.showErrorMessage };

describe('core: command errors', function () {
  this.timeout(60_000);
  let api: TesseraApi;
  const win = vscode.window as unknown as Win;
  const realWarning = win.showWarningMessage;
  const realError = win.showErrorMessage;
  after(() => {
    win.showWarningMessage = realWarning;
    win.showErrorMessage = realError;
  });

  it('a team server that is down: the error names it and offers Retry, which runs the command again', async () => {
    api = await tesseraApi();
    const { id, port } = await accountOnDeadProvider(api, { userId: 79, login: 'ghost' });
    let confirms = 0;
    const shown: { message: string; actions: string[] }[] = [];
    win.showWarningMessage = (async (..._args: unknown[]) => {
      confirms++;
      return 'Accept';
    }) as unknown as Win['showWarningMessage'];
    win.showErrorMessage = (async (message: string, ...actions: unknown[]) => {
      shown.push({ message, actions: actions.filter((a): a is string => typeof a === 'string') });
      return shown.length === 1 ? 'Retry' : undefined;
    }) as unknown as Win['showErrorMessage'];
    try {
      await vscode.commands.executeCommand('tessera.acceptOrgInvitation', { accountId: id, org: 'acme' });
      await waitFor('the command to run again after Retry', () => (shown.length >= 2 ? true : undefined));
      assert.equal(confirms, 2, 'Retry ran the command again (it asked to confirm again)');
      assert.ok(shown[0]!.message.includes(`127.0.0.1:${port}`), `names the server: ${shown[0]!.message}`);
      assert.ok(shown[0]!.actions.includes('Retry'), `actions: ${shown[0]!.actions.join(', ')}`);
    } finally {
      win.showWarningMessage = realWarning;
      win.showErrorMessage = realError;
      await api.signOut(id);
    }
  });
});

describe('core: a sign-in that ends while a command asks (askThenUse)', function () {
  this.timeout(90_000);
  let { api, client, user, account } = {} as SignedInFixture;
  before(async () => ({ api, client, user, account } = await signedInFixture('kept')));
  after(async () => closeSignedInFixture({ api, client, user }));

  it('Create Organization: the login typed is kept; Enter in the box signs in again and the organization is created with it', async () => {
    assert.deepEqual(api.services.accounts().map((a) => a.id), [account.id], 'only this account is signed in here (no account pick)');
    const basic = { basic: { login: user.login, password: user.password } };
    const boxShown = (withMessage: boolean) => () => {
      const p = api.prompts.shown();
      return p?.title === 'Create Organization' && !p.busy && !!p.message === withMessage ? p : undefined;
    };
    const running = vscode.commands.executeCommand<string | undefined>('tessera.createOrganization');
    await waitFor('the login box', boxShown(false));
    // Elsewhere, while the box is open: the sign-in token is deleted (the sign-in ends).
    const del = await client.delete(`/user/personal-access-tokens/${api.services.signInTokenId(account.id)}`, basic);
    assert.equal(del.status, 204, del.text);
    const org = uniqueName('kept');
    await api.prompts.answer(org);

    const again = await waitFor('the login box again, with the reason', boxShown(true));
    assert.match(again.message ?? '', /sign-in to the Tessera provider at .* has ended/);
    assert.match(again.message ?? '', /Press Enter to sign in/);
    await api.prompts.answer(); // Enter, nothing retyped
    await waitFor('the sign-in login step', () => api.prompts.shown()?.prompt.startsWith('Your login on') || undefined);
    await api.prompts.answer(user.login);
    await waitFor('the sign-in password step', () => api.prompts.shown()?.prompt.startsWith(`Password for ${user.login}`) || undefined);
    await api.prompts.answer(user.password);

    assert.equal(await running, org, 'the command went on with the login typed before the sign-in ended');
    const made = await client.get(`/orgs/${org}`, basic);
    assert.equal(made.status, 200, made.text);
  });

  it('Create Organization: signing in as another user in that sign-in does not try the call again; the box says whose sign-in it needs', async () => {
    const other = await createUser({ api: client }, { login: uniqueName('other') });
    const basic = { basic: { login: user.login, password: user.password } };
    const box = (message: RegExp | undefined) => () => {
      const p = api.prompts.shown();
      return p?.title === 'Create Organization' && !p.busy && (message ? message.test(p.message ?? '') : !p.message) ? p : undefined;
    };
    const running = vscode.commands.executeCommand<string | undefined>('tessera.createOrganization', { accountId: account.id });
    await waitFor('the login box', box(undefined));
    const del = await client.delete(`/user/personal-access-tokens/${api.services.signInTokenId(account.id)}`, basic);
    assert.equal(del.status, 204, del.text);
    await api.prompts.answer(uniqueName('kept'));
    await waitFor('the box again, with the reason', box(/Press Enter to sign in/));
    await api.prompts.answer();
    await waitFor('the sign-in login step', () => api.prompts.shown()?.prompt.startsWith('Your login on') || undefined);
    await api.prompts.answer(other.login);
    await waitFor('the sign-in password step', () => api.prompts.shown()?.prompt.startsWith(`Password for ${other.login}`) || undefined);
    await api.prompts.answer(other.password);
    try {
      const again = await waitFor('the box again, saying whose sign-in it needs', box(new RegExp(`^You signed in as ${other.login}, but this needs ${user.login}'s sign-in`)));
      assert.match(again.message ?? '', new RegExp(`Press Enter to sign in as ${user.login}\\.$`));
      await api.prompts.cancel();
      assert.equal(await running, undefined);
    } finally {
      for (const a of api.services.accounts().filter((x) => x.login === other.login)) await api.signOut(a.id);
    }
  });
});
