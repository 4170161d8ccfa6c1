// Tessera accounts in VS Code's own Accounts menu (the activity bar's Accounts button), as the
// built-in GitHub sign-in's are: the signed-in account is listed as "<login> (Tessera)"; "Manage
// Trusted Extensions" lists the extension that got a session from it (test/fixtures/session-consumer);
// "Sign Out" there signs the account out of Tessera and deletes its tokens on the provider. A sign-in
// ended elsewhere (its token deleted) is named by the failing command's box, which keeps what was
// typed; Enter there signs in straight at the provider where it ended, and the command goes on.
// Screenshots in test-results/ui/.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { REPO_ROOT } from '../harness/code-server';
import type { ApiClient } from '../builders/api-client';
import { signIn } from '../builders/sessions';
import { uniqueName } from '../builders/unique-name';
import { createUser, type TestUser } from '../builders/users';
import { waitForEmbeddedProvider } from './embedded-provider';
import {
  activityBarItem, clickDialogButton, openViewContainer, quickInputItems, quickInputType, quickInputValue, runCommand, screenshot,
  startWorkbench, viewPane, waitForDialog, waitForNotification, waitForQuickInput, type Workbench,
} from './workbench';
import { signInFromPalette } from './views-helpers';

const SESSION_CONSUMER = path.join(REPO_ROOT, 'test', 'fixtures', 'session-consumer');

/** Opens the Accounts menu and returns the entry of the account (a submenu), waiting for it to be listed. */
async function accountsMenuEntry(page: Page, label: string): Promise<Locator> {
  const entry = page.locator('.context-view .monaco-menu .action-item', { hasText: label }).first();
  const deadline = Date.now() + 20_000;
  for (;;) {
    await activityBarItem(page, 'Accounts').click();
    if (await entry.waitFor({ timeout: 3_000 }).then(() => true, () => false)) return entry;
    const shown = await page.locator('.context-view .monaco-menu .action-label').allTextContents();
    await page.keyboard.press('Escape');
    if (Date.now() > deadline) throw new Error(`the Accounts menu does not list ${label}; it shows ${JSON.stringify(shown.filter(Boolean))}`);
    // Closed, so that the next click opens it again (a click on the button while it shows closes it).
    await page.locator('.context-view .monaco-menu').waitFor({ state: 'hidden' });
  }
}

async function pickInSubmenu(page: Page, entry: Locator, item: string): Promise<void> {
  await entry.hover();
  const action = page.locator('.context-view .monaco-menu .action-item:not(.disabled) .action-label', { hasText: item }).first();
  await action.waitFor();
  await action.hover();
  await action.click();
}

describe('accounts menu (UI): Tessera accounts in VS Code\'s Accounts menu', function () {
  this.timeout(240_000);
  let wb: Workbench;
  let client: ApiClient;
  let user: TestUser;
  let testToken: string;
  let testTokenId: number;

  const tokenIds = async (): Promise<number[]> => {
    const res = await client.get('/user/personal-access-tokens', { token: testToken });
    assert.equal(res.status, 200, res.text);
    return (res.json as { id: number }[]).map((t) => t.id);
  };

  before(async () => {
    wb = await startWorkbench({ extraExtensions: [SESSION_CONSUMER], settings: { 'sessionConsumer.scopes': ['read:user'] } });
    client = await waitForEmbeddedProvider(wb.profile.userDataDir, wb.embeddedPort);
    user = await createUser({ api: client }, { login: uniqueName('menu') });
    const auth = await signIn({ api: client }, user, ['admin:token'], 'UI test checks');
    testToken = auth.token;
    testTokenId = auth.id;
    const { page } = wb;
    await openViewContainer(page, 'Tessera');
    await signInFromPalette(page, user);
  });

  after(async () => {
    await client?.close();
    await wb?.close();
  });

  it('lists the signed-in account as "<login> (Tessera)" before any extension asked for a token', async () => {
    const { page } = wb;
    await accountsMenuEntry(page, `${user.login} (Tessera)`);
    await screenshot(page, 'ui/accounts-menu-lists-tessera-account');
    await page.keyboard.press('Escape');
  });

  it('"Manage Trusted Extensions" lists the extension that signed in with the account', async () => {
    const { page } = wb;
    await runCommand(page, 'Session Consumer: Read My Tessera User');
    await waitForDialog(page, /The extension 'Session Consumer' wants to sign in using Tessera/);
    await clickDialogButton(page, 'Allow');
    await waitForNotification(page, new RegExp(`Session Consumer: GET /api/v3/user → 200 as ${user.login}`), 30_000);

    const entry = await accountsMenuEntry(page, `${user.login} (Tessera)`);
    await pickInSubmenu(page, entry, 'Manage Trusted Extensions');
    await waitForQuickInput(page);
    const items = await quickInputItems(page);
    assert.ok(items.some((i) => /Session Consumer/.test(i)), `trusted extensions: ${JSON.stringify(items)}`);
    await screenshot(page, 'ui/accounts-menu-trusted-extensions');
    await page.keyboard.press('Escape');
  });

  it('"Sign Out" in the Accounts menu signs out of Tessera and deletes its tokens on the provider', async () => {
    const { page } = wb;
    const before = await tokenIds();
    assert.equal(before.length, 3, `the sign-in token, the session token and the test's own: ${JSON.stringify(before)}`);
    const entry = await accountsMenuEntry(page, `${user.login} (Tessera)`);
    await pickInSubmenu(page, entry, 'Sign Out');
    await waitForDialog(page, /Session Consumer/);
    await screenshot(page, 'ui/accounts-menu-sign-out-confirm');
    await clickDialogButton(page, 'Sign Out');
    await waitForNotification(page, `Signed out of Tessera (${user.login}).`);
    // Tessera's own Accounts view is back to its welcome
    await viewPane(page, 'Accounts').locator('.welcome-view-content', { hasText: 'Sign in to Tessera' }).waitFor();
    // the sign-in token and the session token are gone; only the test's own token is left
    assert.deepEqual(await tokenIds(), [testTokenId]);
    await screenshot(page, 'ui/accounts-menu-signed-out');
  });

  it('a sign-in ended elsewhere: the box of the failing command says so and keeps the login typed; Enter signs in straight at that provider and goes on', async () => {
    const { page } = wb;
    await signInFromPalette(page, user);
    const signInTokens = (await tokenIds()).filter((id) => id !== testTokenId);
    assert.equal(signInTokens.length, 1, `this editor's sign-in token: ${JSON.stringify(signInTokens)}`);
    const deleted = await client.delete(`/user/personal-access-tokens/${signInTokens[0]}`, { basic: { login: user.login, password: user.password } });
    assert.equal(deleted.status, 204, deleted.text);

    const org = uniqueName('ended');
    await runCommand(page, 'Tessera: Create Organization…');
    await quickInputType(page, org, { prompt: /organization's login/ });
    await waitForQuickInput(page, /Your sign-in to the Tessera provider at .* has ended/);
    assert.equal(await quickInputValue(page), org, 'the login typed is still in the box');
    await screenshot(page, 'ui/accounts-menu-sign-in-ended');
    await quickInputType(page, org, { prompt: /Press Enter to sign in/ });
    // no "Choose the Tessera provider" first: the login box of the provider where it ended
    await waitForQuickInput(page, `Your login on ${client.origin}`);
    await quickInputType(page, user.login, { prompt: /Your login/ });
    await quickInputType(page, user.password, { prompt: /Password for/ });
    await waitForNotification(page, new RegExp(`^Signed in to Tessera as ${user.login}\\b`));
    await waitForNotification(page, new RegExp(`^Created the organization ${org}; ${user.login} is its owner`));
  });
});
