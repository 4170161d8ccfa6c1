// A webview call whose answer holds something shown once, when the person closed its tab while it
// was on its way (e.g. while the password prompt was open): the answer is not dropped with the tab,
// a warning offers to copy it (the message never holds it). Driven through the panel's own message
// handler, as the page's call would be, in the real extension host on the embedded provider. An
// answer that holds nothing shown once (a token's details) is dropped quietly.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { enableTwoFactor } from '../builders/two-factor';
import type { ViewsInternals } from '../../src/extension/views/register-views';
import { closeSignedInFixture, signedInFixture, waitFor, type SignedInFixture } from './core-helpers';

type Win = { showWarningMessage: typeof vscode.window.showWarningMessage };
/** The page's side of a call: what the panel's webview would post. */
type MessageHandler = { onMessage(m: unknown): Promise<void> };

describe('webviews: an answer that comes after its tab was closed', function () {
  this.timeout(60_000);
  let { api, client, user, account } = {} as SignedInFixture;
  const win = vscode.window as unknown as Win;
  const realWarning = win.showWarningMessage;
  before(async () => ({ api, client, user, account } = await signedInFixture('closed-tab')));
  after(async () => {
    win.showWarningMessage = realWarning;
    await closeSignedInFixture({ api, client, user });
  });

  it('new recovery codes made while the two-factor tab was closed are offered to copy, not lost', async () => {
    const { recoveryCodes: earlier } = await enableTwoFactor({ api: client }, user);
    const views = await vscode.commands.executeCommand<ViewsInternals>('tessera._views.internals');
    const panel = views.panels.openTwoFactor(account.id, true);
    const offers: { message: string; actions: string[] }[] = [];
    win.showWarningMessage = (async (message: string, ...rest: unknown[]) => {
      if ((rest[0] as { modal?: boolean } | undefined)?.modal) {
        // "Generate new recovery codes?" — confirmed, and the tab is closed before the codes come
        panel.host.dispose();
        return 'Generate New Codes';
      }
      offers.push({ message, actions: rest.filter((a): a is string => typeof a === 'string') });
      return 'Copy Recovery Codes';
    }) as unknown as Win['showWarningMessage'];
    try {
      await vscode.env.clipboard.writeText('');
      await (panel.host as unknown as MessageHandler).onMessage({ type: 'call', id: 1, method: 'newRecoveryCodes' });
      assert.equal(offers.length, 1, 'one warning offers the codes');
      assert.deepEqual(offers[0]!.actions, ['Copy Recovery Codes']);
      assert.match(offers[0]!.message, /recovery codes came after their tab was closed/);
      const copied = await waitFor('the codes on the clipboard', async () => {
        const lines = (await vscode.env.clipboard.readText()).split('\n').filter(Boolean);
        return lines.length ? lines : undefined;
      });
      assert.equal(copied.length, 10, `the ten new codes were copied: ${copied.length}`);
      for (const c of copied) assert.ok(!offers[0]!.message.includes(c), 'the message never holds a code');
      assert.ok(!copied.some((c) => earlier.includes(c)), 'they are the new codes, not the earlier ones');
    } finally {
      win.showWarningMessage = realWarning;
    }
  });

  it("a token's details loaded after their tab was closed: the late answer is dropped quietly (no failed call in the log)", async () => {
    const token = await api.services.api<{ id: number; name: string }>(account.id, 'POST', '/user/personal-access-tokens', { name: 'details of a closed tab', scopes: ['gist'] });
    const views = await vscode.commands.executeCommand<ViewsInternals>('tessera._views.internals');
    const panel = views.panels.openDetails(account.id, token.id, token.name);
    const log = api.services.log as unknown as { warn(message: string, ...args: unknown[]): void };
    const realWarn = log.warn;
    const warnings: string[] = [];
    log.warn = (message: string, ...args: unknown[]) => {
      warnings.push(message);
      realWarn.call(log, message, ...args);
    };
    try {
      // The page asks for the token; the person closes the tab while the answer is on its way.
      const load = (panel.host as unknown as MessageHandler).onMessage({ type: 'call', id: 1, method: 'load' });
      panel.host.dispose();
      await load;
    } finally {
      log.warn = realWarn;
    }
    assert.deepEqual(warnings.filter((w) => /webview call/.test(w)), [], 'no warning about the call');
    assert.equal(panel.host.isDisposed, true);
  });
});
