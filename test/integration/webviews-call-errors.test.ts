// The Create Token, Two-Factor and Organization settings pages: each call a page makes answers a
// provider that is down and an ended sign-in with an error the page can show as is (the provider
// named; for an ended sign-in, the kind the page's Sign In banner follows), and the page's Sign In
// goes to the provider where the sign-in ended. Driven through each panel's own message handler, as
// the page's call would be, in the real extension host (table-driven: one row per call).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ToWebview } from '../../src/shared/webview-protocol';
import { uniqueName } from '../builders/unique-name';
import type { ViewsInternals } from '../../src/extension/views/register-views';
import type { WebviewHost } from '../../src/extension/webviews/webview-host';
import { accountOnDeadProvider, closeSignedInFixture, embeddedProviderDown, signedInFixture, waitFor, waitForPrompt, type SignedInFixture } from './core-helpers';

/** The page's side of a call: what the panel's webview would post. */
type MessageHandler = { onMessage(m: unknown): Promise<void> };

interface Row {
  readonly page: string;
  readonly method: string;
  readonly params: (accountId: string) => unknown;
  readonly open: (views: ViewsInternals, accountId: string) => WebviewHost;
}

const rows: Row[] = [
  {
    page: 'Create Token',
    method: 'create',
    params: (accountId) => ({ accountId, body: { name: 'from the page', scopes: ['gist'] } }),
    open: (views, accountId) => {
      views.panels.openCreate({ accountId });
      return (views.panels.create as unknown as { host: WebviewHost }).host;
    },
  },
  { page: 'Two-Factor', method: 'setup', params: () => ({}), open: (views, accountId) => views.panels.openTwoFactor(accountId, false).host },
  { page: 'Two-Factor', method: 'enable', params: () => ({ code: '123456' }), open: (views, accountId) => views.panels.openTwoFactor(accountId, false).host },
  { page: 'Organization settings', method: 'load', params: () => ({}), open: (views, accountId) => views.organizations.settings.open(accountId, 'acme').host },
  { page: 'Organization settings', method: 'save', params: () => ({ policy: { require_approval: true } }), open: (views, accountId) => views.organizations.settings.open(accountId, 'acme').host },
];

/** Makes the page's call `method` and answers the panel's reply. */
async function callFromPage(host: WebviewHost, id: number, method: string, params: unknown): Promise<ToWebview> {
  const replies: ToWebview[] = [];
  const webview = host.panel.webview as { postMessage(m: unknown): Thenable<boolean> };
  const realPost = webview.postMessage.bind(webview);
  webview.postMessage = (m: unknown) => {
    replies.push(m as ToWebview);
    return realPost(m);
  };
  try {
    await (host as unknown as MessageHandler).onMessage({ type: 'call', id, method, params });
    return await waitFor(`the reply to ${method}`, () => replies.find((r) => r.type === 'reply' && r.id === id));
  } finally {
    webview.postMessage = realPost;
  }
}

describe('webviews: a call from a page answers a provider that is down and an ended sign-in', function () {
  this.timeout(90_000);
  let { api, client, user, account } = {} as SignedInFixture;
  let views: ViewsInternals;
  before(async () => {
    ({ api, client, user, account } = await signedInFixture('page-errors'));
    views = await vscode.commands.executeCommand<ViewsInternals>('tessera._views.internals');
  });
  afterEach(async () => {
    while (api.prompts.shown()) await api.prompts.cancel();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
  after(async () => closeSignedInFixture({ api, client, user }));

  let id = 0;
  for (const row of rows) {
    it(`${row.page} ${row.method}: a provider that is down is named`, async () => {
      const dead = await accountOnDeadProvider(api, { userId: 91, login: 'ghost' });
      try {
        const reply = await callFromPage(row.open(views, dead.id), ++id, row.method, row.params(dead.id));
        assert.ok(reply.type === 'reply' && !reply.ok, 'refused');
        assert.equal(reply.error.kind, 'provider-down', reply.error.message);
        assert.match(reply.error.message, new RegExp(`^The Tessera provider at https://127\\.0\\.0\\.1:${dead.port} is not reachable \\(connection refused\\)\\.$`));
      } finally {
        await api.signOut(dead.id);
      }
    });
  }

  it('an ended sign-in: every call says so, and the page’s Sign In signs in where it ended', async () => {
    const basic = { basic: { login: user.login, password: user.password } };
    const del = await client.delete(`/user/personal-access-tokens/${api.services.signInTokenId(account.id)}`, basic);
    assert.equal(del.status, 204, del.text);
    for (const row of rows) {
      const host = row.open(views, account.id);
      const reply = await callFromPage(host, ++id, row.method, row.params(account.id));
      assert.ok(reply.type === 'reply' && !reply.ok, `${row.page} ${row.method}: refused`);
      assert.equal(reply.error.kind, 'signed-out', `${row.page} ${row.method}: ${reply.error.message}`);
      assert.match(reply.error.message, /sign-in to the Tessera provider at https:\/\/\S+ has ended: .*Sign in again\.$/);
    }
    // The page's Sign In (the last page's): the sign-in asks for the login at that provider.
    const host = rows.at(-1)!.open(views, account.id);
    const signingIn = callFromPage(host, ++id, 'signIn', {});
    await waitForPrompt(api, new RegExp(`^Your login on ${account.providerOrigin.replace(/[.]/g, '\\.')}`));
    await api.prompts.answer(user.login);
    await waitForPrompt(api, new RegExp(`^Password for ${user.login}`));
    await api.prompts.answer(user.password);
    const signedIn = await signingIn;
    assert.ok(signedIn.type === 'reply' && signedIn.ok, 'answered');
    assert.deepEqual(signedIn.result, { signedIn: true });
  });
});

describe('webviews: Create Token’s Create Repository when the provider is down', function () {
  this.timeout(90_000);
  let { api, client, user, account } = {} as SignedInFixture;
  let views: ViewsInternals;
  before(async () => {
    ({ api, client, user, account } = await signedInFixture('page-new-repo'));
    views = await vscode.commands.executeCommand<ViewsInternals>('tessera._views.internals');
  });
  afterEach(async () => {
    while (api.prompts.shown()) await api.prompts.cancel();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
  after(async () => closeSignedInFixture({ api, client, user }));

  it('trying again once the provider is back answers the page with the new repository, as the first try would', async () => {
    views.panels.openCreate({ accountId: account.id });
    const host = (views.panels.create as unknown as { host: WebviewHost }).host;
    const name = uniqueName('kept');
    const box = (withMessage: boolean) => () => {
      const p = api.prompts.shown();
      return p?.kind === 'input' && p.onScreen && !p.busy && /^Name of the new repository/.test(p.prompt) && !!p.message === withMessage ? p : undefined;
    };
    const down = await embeddedProviderDown(api);
    try {
      const replied = callFromPage(host, 900_001, 'createRepository', { accountId: account.id, owner: user.login });
      await waitFor('the name box', box(false));
      await api.prompts.answer(name);
      await waitForPrompt(api, /Who can see/);
      await api.prompts.answer(); // Private
      await waitForPrompt(api, /A short description/);
      await api.prompts.answer('made on the second try');
      const again = await waitFor('the name box again, saying the provider is down', box(true));
      assert.match(again.message ?? '', new RegExp(`Port ${down.port} on 127\\.0\\.0\\.1 is used by another program.*Press Enter to try again\\.$`));
      await down.restore();
      await api.prompts.answer(); // Enter: try again, with the name typed
      await waitForPrompt(api, /A short description/);
      await api.prompts.answer(); // the description typed before, offered again
      const reply = await replied;
      assert.ok(reply.type === 'reply' && reply.ok, 'answered');
      assert.deepEqual(
        { name: (reply.result as { name?: string }).name, full_name: (reply.result as { full_name?: string }).full_name },
        { name, full_name: `${user.login}/${name}` },
        'the page gets the new repository, which it selects',
      );
      const made = await client.get(`/repos/${user.login}/${name}`, { basic: { login: user.login, password: user.password } });
      assert.equal(made.status, 200, made.text);
      assert.equal((made.json as { description: string | null }).description, 'made on the second try');
    } finally {
      await down.restore();
    }
  });
});
