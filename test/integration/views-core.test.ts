// The views on the real extension core, in the real extension host with the embedded provider:
// registerViews ran inside activate(); after a (non-interactive) sign-in the Tokens tree lists the
// account's tokens; the commands open the webviews (Create Token, Token Details, Two-Factor,
// Organization Settings), whose HTML carries a strict nonce CSP and only local resources; globalState holds statuses, never a secret.
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { ApiClient } from '../builders/api-client';
import type { TesseraApi } from '../../src/extension/test-api';
import type { ViewsInternals } from '../../src/extension/views/register-views';
import type { GroupNode, TokenNode } from '../../src/extension/views/tokens-tree';
import { LAST_SEEN_KEY } from '../../src/extension/views/request-status-watcher';
import { createOrg } from '../builders/orgs';
import { uniqueName } from '../builders/unique-name';
import { createUser, type TestUser } from '../builders/users';
import { providerClient, tesseraApi, waitFor } from './core-helpers';

function labelOf(item: vscode.TreeItem): string {
  return typeof item.label === 'string' ? item.label : (item.label?.label ?? '');
}

describe('views: on the real core (embedded provider)', function () {
  this.timeout(120_000);
  let api: TesseraApi;
  let views: ViewsInternals;
  let client: ApiClient;
  let accountId = '';
  let user: TestUser;
  const login = uniqueName('views');
  const password = `pw-${randomBytes(8).toString('hex')}`;

  before(async () => {
    api = await tesseraApi();
    client = await providerClient(api); // signs users up as the run's registrar, not against 127.0.0.1's anonymous limit
    user = await createUser({ api: client }, { login, password });
    views = await vscode.commands.executeCommand<ViewsInternals>('tessera._views.internals');
    assert.ok(views?.tokensTree, 'registerViews ran in activate()');
  });

  after(async () => {
    for (const p of views?.panels.openPanels() ?? []) void p;
    views?.panels.dispose();
    views?.organizations.settings.dispose();
    if (accountId) await api.signOut(accountId).catch(() => undefined);
    await client?.close();
  });

  it('lists the signed-in account’s tokens in the Tokens tree', async () => {
    const account = await api.signInWithPassword({ login, password });
    accountId = account.id;
    // the core fires onDidChangeAccounts; the tree reloads on its next render
    const roots = await views.tokensTree.getChildren();
    // the tree lives in the extension's bundle (other classes than ours): match by contextValue
    const classic = roots.find((r): r is GroupNode => String(r.contextValue).startsWith('tokenGroup;kind=classic'));
    assert.ok(classic, `groups: ${roots.map(labelOf).join(', ')}`);
    const items = (await views.tokensTree.getChildren(classic)) as TokenNode[];
    assert.ok(items.length >= 1, 'the sign-in token (admin:token) is listed like any other');
    assert.match(String(items[0]!.description), /admin:token/);
  });

  it('opens all four webviews (Create Token, Token Details, Two-Factor, Organization Settings) with a strict nonce CSP and local resources only', async () => {
    await vscode.commands.executeCommand('tessera.createToken', { accountId });
    const tokens = await views.store.tokens(accountId);
    await vscode.commands.executeCommand('tessera.inspectToken', { accountId, tokenId: tokens[0]!.id });
    await vscode.commands.executeCommand('tessera.setupTwoFactor', { accountId });
    const org = await createOrg({ api: client }, user);
    await vscode.commands.executeCommand('tessera.openOrgSettings', { accountId, org });
    const orgPanel = views.organizations.settings.open(accountId, org).host.panel; // the one the command opened, revealed
    const panels = [...views.panels.openPanels(), { viewType: orgPanel.viewType, title: orgPanel.title, html: orgPanel.webview.html }];
    const byType = (viewType: string) => panels.find((p) => p.viewType === viewType);
    const create = byType('tessera.createToken');
    const details = byType('tessera.tokenDetails');
    const twoFactor = byType('tessera.twoFactor');
    const orgSettings = byType('tessera.orgSettings');
    assert.ok(create && details && twoFactor && orgSettings, `panels: ${JSON.stringify(panels.map((p) => p.viewType))}`);
    assert.equal(details.title, `Token: ${tokens[0]!.name}`);
    assert.equal(orgSettings.title, `Organization: ${org}`);
    for (const p of [create, details, twoFactor, orgSettings]) {
      const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(p.html)?.[1] ?? '';
      assert.match(csp, /default-src 'none'/);
      const nonce = /script-src 'nonce-([A-Za-z0-9]+)'/.exec(csp)?.[1];
      assert.ok(nonce && nonce.length >= 16, `script-src with a nonce: ${csp}`);
      // the webview's own origin (webview.cspSource) is the only source besides the nonce and data: images
      const cspSource = /img-src (.+) data:/.exec(csp)?.[1] ?? '';
      assert.ok(cspSource, csp);
      assert.doesNotMatch(csp.split(cspSource).join('SELF'), /unsafe-inline|unsafe-eval|https?:|\*/);
      const scripts = [...p.html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
      assert.ok(scripts.length >= 1);
      for (const s of scripts) assert.ok(s.includes(`nonce="${nonce}"`), `every script has the nonce: ${s}`);
      // only the extension's own files, through the webview resource origin (asWebviewUri)
      const urls = [...p.html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
      assert.ok(urls.length >= 2);
      for (const u of urls) assert.match(u, /vscode-resource.*\/(dist\/webview|media)\/[a-z-]+\.(js|css)$/, `local resource: ${u}`);
    }
  });

  it('keeps only token statuses in globalState (never a secret)', async () => {
    views.store.invalidate();
    await views.store.tokens(accountId);
    const state = await waitFor(`globalState to hold ${LAST_SEEN_KEY}`, () => {
      const now = api.globalStateSnapshot();
      return LAST_SEEN_KEY in now ? now : undefined;
    });
    const text = JSON.stringify(state);
    assert.doesNotMatch(text, /ts[pfa]_[0-9A-Za-z]{20,}/);
  });
});
