// What the person typed into a command's input box is not lost when the provider refuses it or
// cannot be reached: the box comes back with the text and what went wrong, and Escape then stops
// quietly. The extension's own window.showInputBox/showQuickPick are answered here (the test runs
// in the same extension, so it shares the extension's `vscode` API object).
import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import * as vscode from 'vscode';
import { closeSignedInFixture, signedInFixture, waitFor, type SignedInFixture } from './core-helpers';

type InputCall = { readonly options: vscode.InputBoxOptions | undefined };

describe('views: input kept after a failure', function () {
  this.timeout(60_000);
  let { api, client, user, account } = {} as SignedInFixture;
  const win = vscode.window as { showInputBox: typeof vscode.window.showInputBox; showQuickPick: typeof vscode.window.showQuickPick };
  const realInput = win.showInputBox;
  const realPick = win.showQuickPick;
  before(async () => ({ api, client, user, account } = await signedInFixture('orginput')));
  after(async () => {
    win.showInputBox = realInput;
    win.showQuickPick = realPick;
    await closeSignedInFixture({ api, client, user });
  });

  /** Answers the input boxes in turn (undefined = Escape); the account picker picks the fixture's account. */
  function answer(answers: (string | undefined)[], accountId = account.id): InputCall[] {
    const calls: InputCall[] = [];
    win.showInputBox = (async (options?: vscode.InputBoxOptions) => {
      calls.push({ options });
      return answers.shift();
    }) as typeof vscode.window.showInputBox;
    win.showQuickPick = (async (items: readonly unknown[] | Thenable<readonly unknown[]>) => {
      const list = (await items) as { a?: { id: string }; role?: string }[];
      return list.find((i) => i.a?.id === accountId) ?? list.find((i) => i.role === 'member');
    }) as unknown as typeof vscode.window.showQuickPick;
    return calls;
  }

  it('Create Organization with a login the provider refuses asks again with that login and the reason; Escape then stops quietly', async () => {
    // The user's own login is taken (users and organizations share logins).
    const calls = answer([user.login, undefined]);
    const result = await vscode.commands.executeCommand('tessera.createOrganization');
    assert.equal(result, undefined);
    assert.equal(calls.length, 2, 'the input box came back after the refusal');
    const again = calls[1]!.options!;
    assert.equal(again.value, user.login, 'the typed login is kept');
    const why = await again.validateInput?.(user.login);
    const text = typeof why === 'string' ? why : why?.message;
    assert.ok(text && /taken|exists|in use/i.test(text), `the provider's reason is shown: ${String(text)}`);
  });

  it('Create Organization on a provider that is down keeps the login and names the provider', async () => {
    // An account of "another window" on a team server that is down (a port nothing listens on).
    const dead = net.createServer();
    await new Promise<void>((r) => dead.listen(0, '127.0.0.1', r));
    const port = (dead.address() as net.AddressInfo).port;
    await new Promise<void>((r) => dead.close(() => r()));
    const origin = `https://127.0.0.1:${port}`;
    const id = `${origin}#78`;
    const value = {
      v: 1,
      account: { providerOrigin: origin, userId: 78, login: 'ghost', twoFactorEnabled: false },
      admin: { tokenId: 1, token: 'tsp_000000000000000000000000000000000000', createdAt: new Date().toISOString() },
      sessions: [],
      tokens: [],
    };
    await api.writeSecretRaw(api.secretKey(id), JSON.stringify(value));
    await waitFor('the account written by "another window"', () => api.services.accounts().some((a) => a.id === id) || undefined);
    try {
      const login = `org-${Date.now().toString(36)}`;
      const calls = answer([login, undefined], id);
      const result = await vscode.commands.executeCommand('tessera.createOrganization');
      assert.equal(result, undefined);
      assert.equal(calls.length, 2, 'the input box came back after the failure');
      const again = calls[1]!.options!;
      assert.equal(again.value, login);
      const why = await again.validateInput?.(login);
      const text = typeof why === 'string' ? why : why?.message;
      assert.ok(text && text.includes(`127.0.0.1:${port}`), `names the provider: ${String(text)}`);
    } finally {
      await api.signOut(id);
    }
  });

  it('Invite Member with a login that does not exist asks again with that login and the reason', async () => {
    const org = `${user.login}-org`.slice(0, 39);
    const made = await client.post('/user/orgs', { basic: { login: user.login, password: user.password }, body: { login: org } });
    assert.equal(made.status, 201, made.text);
    const typed = `${user.login}-nobody`.slice(0, 39);
    const calls = answer([typed, undefined]);
    const result = await vscode.commands.executeCommand('tessera.inviteOrgMember', { accountId: account.id, org });
    assert.equal(result, undefined);
    assert.equal(calls.length, 2, 'the input box came back after the refusal');
    const again = calls[1]!.options!;
    assert.equal(again.value, typed, 'the typed login is kept');
    const why = await again.validateInput?.(typed);
    const text = typeof why === 'string' ? why : why?.message;
    assert.ok(text, 'the reason is shown');
  });
});
