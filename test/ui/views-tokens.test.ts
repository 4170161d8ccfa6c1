// The views in the real workbench (packed .vsix, embedded provider), driven like a user: sign up
// and enable 2FA through the two-factor webview (the test reads the secret and computes the code);
// create a token in the Create Token webview (a validation error shows on the field it names; the
// secret is shown once; the tree shows the token with its expiry, and a token made for 3 days is
// not "expiring soon" the moment it is made); regenerate from the details webview (a secret shown
// there goes once the token is regenerated elsewhere); delete from the tree's context menu after
// confirming. A screenshot of each step lands in test-results/ui/.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { generate } from 'otplib';
import type { FrameLocator, Page } from 'playwright-core';
import {
  clickDialogButton, clickTreeItem, clickTreeItemAction, treeItemMenuPick, openViewContainer, quickInputType, runCommand,
  screenshot, startWorkbench, treeItem, viewPane, waitForDialog, waitForNotification, waitForQuickInput, waitForQuickInputItem,
  webviewFrame, type Workbench,
} from './workbench';
import { fieldValue, fill, pngColourAtMiddleOf, rowDescription, signUpFromPalette, waitForRowDescription, waitUntil } from './views-helpers';
import { waitForEmbeddedProvider } from './embedded-provider';
import type { ApiClient } from '../builders/api-client';
import { uniqueName } from '../builders/unique-name';

function utcDatePlusDays(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

/** Regenerates `name` from its open details tab, keeping its expiry, once confirmed: the tab, showing the new secret. */
async function regenerateFromDetails(page: Page, name: string): Promise<FrameLocator> {
  const details = await webviewFrame(page, `Token: ${name}`);
  await details.locator('[data-testid="regenerate-expiry-keep"]').click();
  await details.locator('[data-testid="regenerate"]').click();
  await waitForDialog(page, new RegExp(`Regenerate the token “${name}”`));
  await clickDialogButton(page, 'Regenerate');
  await details.locator('[data-testid="regenerated-secret"]').waitFor();
  return details;
}

describe('views (UI): account, two-factor and tokens', function () {
  this.timeout(180_000);
  let wb: Workbench;
  const login = uniqueName('ui');
  const password = `pw-${randomBytes(8).toString('hex')}`;
  let firstSecret = '';
  let client: ApiClient;
  /** The recovery codes shown when 2FA was enabled: one per API call below (the password alone is refused). */
  let recoveryCodes: string[] = [];
  const asUser = (method: string, path: string, body?: unknown) =>
    client.call(method, path, { basic: { login, password }, otp: recoveryCodes.shift(), ...(body !== undefined ? { body } : {}) });

  const cspViolations: string[] = [];
  const webviewsReady: string[] = [];

  before(async function () {
    this.timeout(180_000);
    wb = await startWorkbench();
    client = await waitForEmbeddedProvider(wb.profile.userDataDir, wb.embeddedPort);
    wb.page.on('console', (m) => {
      if (/Content Security Policy|Refused to (load|apply|execute)/i.test(m.text())) cspViolations.push(m.text());
      if (m.text().startsWith('tessera-webview ready:')) webviewsReady.push(m.text());
    });
    await openViewContainer(wb.page, 'Tessera');
  });
  after(async () => {
    await client?.close();
    await wb?.close();
  });

  it('signs up and enables two-factor authentication through the webview', async () => {
    const { page } = wb;
    await signUpFromPalette(page, login, password);
    assert.match(await rowDescription(page, 'Accounts', login), /2FA off$/);

    await clickTreeItemAction(page, 'Accounts', login, 'Set Up Two-Factor Authentication…');
    const frame = await webviewFrame(page, `Two-Factor Setup: ${login}`);
    const secretEl = frame.locator('[data-testid="twofa-secret"]');
    await secretEl.waitFor();
    const shown = ((await secretEl.textContent()) ?? '').trim();
    assert.match(shown, /^[A-Z2-7]{4}( [A-Z2-7]{1,4})+$/, `a base32 secret in blocks of four: ${shown}`);
    const secret = shown.replace(/ /g, '');
    assert.match(await frame.locator('body').innerText(), /letters A–Z and digits 2–7/);
    await frame.locator('[data-testid="twofa-qr"]').waitFor();
    const qr = await frame.locator('[data-testid="twofa-qr"]').getAttribute('src');
    assert.match(qr ?? '', /^data:image\/svg\+xml;base64,/);
    const MASKED = '#ff00ff';
    assert.equal(await pngColourAtMiddleOf(wb.context, await screenshot(page, 'ui/views-two-factor-setup'), secretEl), MASKED, 'the secret is masked in the screenshot');

    // a wrong code first: the error shows next to the code field
    await fill(frame, 'twofa-code', '000000');
    await frame.locator('[data-testid="twofa-enable"]').click();
    const codeError = frame.locator('[data-testid="error-code"]');
    await codeError.waitFor();
    assert.equal(((await codeError.textContent()) ?? '').trim(), 'That code is not valid. Enter the 6-digit code your authenticator app shows now.');

    // keyboard only: focus the field, type the code, Enter
    await fill(frame, 'twofa-code', '');
    await frame.locator('[data-testid="twofa-code"] input').focus();
    await page.keyboard.type(await generate({ secret }));
    await page.keyboard.press('Enter');
    const codes = frame.locator('[data-testid="recovery-codes"]');
    await codes.waitFor();
    const list = ((await codes.textContent()) ?? '').split('\n').map((s) => s.trim()).filter(Boolean);
    assert.equal(list.length, 10, `ten recovery codes: ${JSON.stringify(list)}`);
    recoveryCodes = [...list];
    assert.equal(await pngColourAtMiddleOf(wb.context, await screenshot(page, 'ui/views-two-factor-recovery-codes'), codes), MASKED, 'the codes are masked');

    // save them to a file through the save dialog (code-server's simple file dialog)
    // Into a folder of its own, with a subfolder the dialog lists once it shows that folder.
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-ui-codes-'));
    fs.mkdirSync(path.join(folder, 'listed-subfolder'));
    const target = path.join(folder, 'recovery-codes.txt');
    await frame.locator('[data-testid="save-recovery-codes"]').click();
    await waitForQuickInput(page);
    // code-server's simple file dialog fills in its default path asynchronously: wait for it, so it
    // cannot overwrite what we type. A typed path in another folder makes the dialog open that folder
    // (asynchronously); Enter before it did is taken as "go to that folder" and leaves the dialog
    // waiting. So: type the path, wait until the dialog lists the folder and still holds the path, accept.
    const pathBox = page.locator('.quick-input-widget .quick-input-box input');
    await waitUntil('the dialog shows its default path', async () => (await pathBox.inputValue()).includes('tessera-recovery-codes') || undefined);
    await quickInputType(page, target, { submit: false });
    await waitForQuickInputItem(page, /^listed-subfolder/);
    await waitUntil('the dialog holds the typed path', async () => (await pathBox.inputValue()) === target || undefined);
    await pathBox.press('Enter');
    await frame.locator('[data-testid="recovery-codes-saved"]').waitFor();
    const saved = fs.readFileSync(target, 'utf8');
    for (const c of list) assert.ok(saved.includes(c), `saved file has ${c}`);
    // recovery codes get past two-factor: the file is the user's only
    assert.equal((fs.statSync(target).mode & 0o777).toString(8), '600', 'the recovery codes file is 0600');
    fs.rmSync(folder, { recursive: true, force: true });

    await waitForRowDescription(page, 'Accounts', login, /2FA on$/);
  });

  it('creates a token in the webview: a validation error on the right field, then the secret once', async () => {
    const { page } = wb;
    await runCommand(page, 'Tessera: Create Token…');
    const frame = await webviewFrame(page, 'Create Token');
    await frame.locator('[data-testid="kind-classic"]').click();
    await frame.locator('[data-testid="scope-repo"]').waitFor();
    // GitHub's whole catalog is offered; the scopes nothing in Tessera checks say so
    await frame.locator('[data-testid="scope-gist"]').waitFor();
    assert.match((await frame.locator('[data-testid="scope-unguarded-gist"]').textContent()) ?? '', /Tessera has nothing it guards/);
    assert.equal(await frame.locator('[data-testid="scope-unguarded-workflow"]').count(), 1);
    assert.equal(await frame.locator('[data-testid="scope-unguarded-repo"]').count(), 0, 'repo guards repositories');
    // no name: the provider answers 422 naming `name`
    await frame.locator('[data-testid="generate"]').click();
    const nameError = frame.locator('[data-testid="error-name"]');
    await nameError.waitFor();
    assert.ok(((await nameError.textContent()) ?? '').trim().length > 0);
    assert.equal(await frame.locator('[data-testid="error-form"]').count(), 0, 'the error is on the field, not at the top');
    await screenshot(page, 'ui/views-create-token-validation-error');

    await fill(frame, 'name', 'ci-deploy');
    await frame.locator('[data-testid="scope-repo"]').click();
    await frame.locator('[data-testid="expiry-custom"]').click();
    // end of the day after tomorrow (UTC): between 2 and 3 days away → "expires in 3 days"
    // the date field offers tomorrow up to the longest lifetime (366 days ahead)
    assert.deepEqual(
      await frame.locator('[data-testid="expiry-date"] input').evaluate((i) => ['type', 'min', 'max'].map((a) => i.getAttribute(a))),
      ['date', utcDatePlusDays(1), utcDatePlusDays(366)],
    );
    await frame.locator('[data-testid="expiry-date"] input').fill(utcDatePlusDays(2));
    await frame.locator('[data-testid="generate"]').click();
    const secretField = frame.locator('[data-testid="new-token-secret"]');
    await secretField.waitFor();
    firstSecret = await fieldValue(frame, 'new-token-secret');
    assert.match(firstSecret, /^tsp_[0-9A-Za-z]{36}$/);
    assert.match((await frame.locator('.banner.warning').first().textContent()) ?? '', /won’t be able to see it again/);
    assert.equal(((await frame.locator('[data-testid="created-expiry"]').textContent()) ?? '').trim(), 'expires in 3 days');
    assert.equal(((await frame.locator('[data-testid="created-heading"]').textContent()) ?? '').trim(), 'Token created');
    assert.equal(await pngColourAtMiddleOf(wb.context, await screenshot(page, 'ui/views-create-token-secret-once'), secretField), '#ff00ff', 'the secret is masked');

    // the tree shows it with its expiry; made for 3 days, it is not "expiring soon" yet (the warning
    // starts in the last fifth of a lifetime: test/unit/token-text.test.ts, and the status bar item
    // in test/integration/views-trees.test.ts with the provider's clock)
    const desc = await waitForRowDescription(page, 'Tokens', 'ci-deploy', /^expires in 3 days · repo · never used$/);
    assert.ok(desc);
    const row = await treeItem(page, 'Tokens', 'ci-deploy');
    assert.equal(await row.locator('.codicon-warning').count(), 0, 'no warning for a token made for 3 days');
    assert.equal(await row.locator('.codicon-key').count(), 1);
    assert.equal(await page.locator('.part.statusbar .statusbar-item', { hasText: /ci-deploy/ }).count(), 0);
    await screenshot(page, 'ui/views-token-made-for-3-days');

    // its details show only the last eight characters
    await clickTreeItem(page, 'Tokens', 'ci-deploy');
    const details = await webviewFrame(page, 'Token: ci-deploy');
    const lastEight = details.locator('[data-testid="token-last-eight"]');
    await lastEight.waitFor();
    assert.equal(((await lastEight.textContent()) ?? '').trim(), `…${firstSecret.slice(-8)}`);
    const html = await details.locator('body').innerHTML();
    assert.ok(!html.includes(firstSecret), 'the details never contain the secret');
  });

  it('regenerates from the details webview and shows the new secret once', async () => {
    const { page } = wb;
    const details = await regenerateFromDetails(page, 'ci-deploy');
    const field = details.locator('[data-testid="regenerated-secret"]');
    const fresh = await fieldValue(details, 'regenerated-secret');
    assert.match(fresh, /^tsp_[0-9A-Za-z]{36}$/);
    assert.notEqual(fresh, firstSecret);
    await details.locator('[data-testid="token-last-eight"]', { hasText: fresh.slice(-8) }).waitFor();
    await details.locator('[data-testid="audit-events"]', { hasText: 'personal_access_token.credential_regenerated' }).waitFor();
    assert.equal(await pngColourAtMiddleOf(wb.context, await screenshot(page, 'ui/views-regenerate-secret-once'), field), '#ff00ff', 'the secret is masked');
    // the Create Token receipt (still open in its tab) no longer offers the old secret
    const receipt = await webviewFrame(page, 'Create Token');
    await receipt.locator('[data-testid="created-superseded"]', { hasText: /since been regenerated/ }).waitFor({ state: 'attached' });
    assert.equal(await receipt.locator('[data-testid="new-token-secret"]').count(), 0, 'the superseded secret is gone from the receipt');
    await details.locator('[data-testid="hide-secret"]').click();
    assert.equal(await details.locator('[data-testid="regenerated-secret"]').count(), 0);

    // change its expiry in the same webview
    await details.locator('[data-testid="new-expiry-60"]').click();
    await details.locator('[data-testid="change-expiry"]').click();
    await details.locator('[data-testid="token-expiry"]', { hasText: /^expires in 60 days/ }).waitFor();
    await waitForRowDescription(page, 'Tokens', 'ci-deploy', /^expires in 60 days · repo · /);
  });

  it('takes a secret shown in the details away once the token is regenerated elsewhere', async () => {
    const { page } = wb;
    const details = await regenerateFromDetails(page, 'ci-deploy');
    const shown = await fieldValue(details, 'regenerated-secret');

    // regenerated elsewhere (here through the API, as the terminal or another window would)
    const listed = await asUser('GET', '/user/personal-access-tokens');
    const token = (listed.json as { id: number; name: string }[]).find((x) => x.name === 'ci-deploy');
    assert.ok(token, 'ci-deploy is listed');
    const again = await asUser('POST', `/user/personal-access-tokens/${token.id}/regenerate`, {});
    assert.equal(again.status, 200, 'regenerated through the API');
    await details.locator('[data-testid="secret-superseded"]').waitFor();
    assert.equal(await details.locator('[data-testid="regenerated-secret"]').count(), 0, 'the replaced secret is no longer offered');
    assert.ok(!(await details.locator('body').innerHTML()).includes(shown));
    await details.locator('[data-testid="token-last-eight"]', { hasText: String(again.json.token_last_eight) }).waitFor();
    await screenshot(page, 'ui/views-details-secret-superseded');
  });

  it('expires a token now from the context menu after confirming', async () => {
    const { page } = wb;
    await treeItemMenuPick(page, 'Tokens', 'ci-deploy', 'Expire Token Now…');
    await waitForDialog(page, /Expire the token “ci-deploy” now\?/);
    await clickDialogButton(page, 'Expire Now');
    await waitForRowDescription(page, 'Tokens', 'ci-deploy', /^expired · repo · /);
    const details = await webviewFrame(page, 'Token: ci-deploy');
    await details.locator('[data-testid="token-status"]', { hasText: /^expired$/ }).waitFor();
    assert.equal(await details.locator('[data-testid="change-expiry"]').count(), 0, 'an expired token offers regenerate, not a new expiry');
    // the receipt follows too
    const receipt = await webviewFrame(page, 'Create Token');
    await receipt.locator('[data-testid="created-status"]', { hasText: /^expired$/ }).waitFor({ state: 'attached' });
    assert.equal(((await receipt.locator('[data-testid="created-expiry"]').textContent()) ?? '').trim(), 'expired');
  });

  it('deletes a token from the context menu after confirming', async () => {
    const { page } = wb;
    await treeItemMenuPick(page, 'Tokens', 'ci-deploy', 'Delete Token…');
    const dialog = await waitForDialog(page, /Delete the token “ci-deploy”/);
    assert.match((await dialog.textContent()) ?? '', /cannot be undone/);
    await screenshot(page, 'ui/views-delete-confirmation');
    await clickDialogButton(page, 'Delete');
    await waitForNotification(page, 'Deleted the token “ci-deploy”.');
    const pane = viewPane(page, 'Tokens');
    await pane.locator('.monaco-list-row .label-name', { hasText: /^ci-deploy$/ }).waitFor({ state: 'detached' });
    await page.locator('.part.statusbar .statusbar-item', { hasText: /ci-deploy/ }).waitFor({ state: 'detached' });
  });

  it('ran every webview without a Content Security Policy violation', () => {
    // the webviews' console reaches this page's console (so silence means something)
    for (const title of ['Two-Factor Setup', 'Create Token', 'Token: ci-deploy']) {
      assert.ok(webviewsReady.some((l) => l.includes(title)), `saw ${title} start: ${JSON.stringify(webviewsReady)}`);
    }
    assert.deepEqual(cspViolations, []);
  });
});
