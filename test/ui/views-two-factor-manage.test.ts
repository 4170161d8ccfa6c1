// Two-factor after setup and the editor's own sign-in token, in the real workbench (packed .vsix,
// embedded provider), driven like a user: enable 2FA in the webview (the page, reloaded, knows it is
// on), generate new recovery codes (confirmed; the old codes stop working), turn 2FA off (confirmed;
// signing in needs no code any more); then the sign-in token in the Tokens view is marked, expiring it and deleting it warn that
// it signs the account out, and confirming signs out cleanly (no view left claiming a signed-in account).
// A screenshot of each step lands in test-results/ui/.
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { generate } from 'otplib';
import type { ApiClient } from '../builders/api-client';
import { waitForEmbeddedProvider } from './embedded-provider';
import { fill, rowDescription, signUpFromPalette, waitForRowDescription } from './views-helpers';
import {
  clickDialogButton, clickTreeItemAction, treeItemMenuPick, openViewContainer, runCommand, screenshot,
  startWorkbench, treeItem, viewPane, waitForDialog, waitForNotification, webviewFrame, type Workbench,
} from './workbench';
import { uniqueName } from '../builders/unique-name';

function codesIn(text: string | null): string[] {
  return (text ?? '').split('\n').map((s) => s.trim()).filter(Boolean);
}

describe('views (UI): managing two-factor and the sign-in token', function () {
  this.timeout(180_000);
  let wb: Workbench;
  let client: ApiClient;
  const login = uniqueName('tf');
  const password = `pw-${randomBytes(8).toString('hex')}`;
  let secret = '';
  let firstCodes: string[] = [];

  before(async function () {
    this.timeout(180_000);
    wb = await startWorkbench();
    client = await waitForEmbeddedProvider(wb.profile.userDataDir, wb.embeddedPort);
    await openViewContainer(wb.page, 'Tessera');
  });
  after(async () => {
    await client?.close();
    await wb?.close();
  });

  const basic = (otp?: string) => client.get('/user', { basic: { login, password }, ...(otp ? { otp } : {}) });

  it('signs up and enables two-factor authentication', async () => {
    const { page } = wb;
    await signUpFromPalette(page, login, password);

    await clickTreeItemAction(page, 'Accounts', login, 'Set Up Two-Factor Authentication…');
    const frame = await webviewFrame(page, `Two-Factor Setup: ${login}`);
    const secretEl = frame.locator('[data-testid="twofa-secret"]');
    await secretEl.waitFor();
    secret = ((await secretEl.textContent()) ?? '').replace(/\s+/g, '');
    assert.match(await frame.locator('[data-testid="twofa-sudo-note"]').innerText(), /two-hour window/);
    await fill(frame, 'twofa-code', await generate({ secret }));
    await frame.locator('[data-testid="twofa-enable"]').click();
    const codes = frame.locator('[data-testid="recovery-codes"]');
    await codes.waitFor();
    firstCodes = codesIn(await codes.textContent());
    assert.equal(firstCodes.length, 10);
    await waitForRowDescription(page, 'Accounts', login, /2FA on$/);
    // the page, loaded again, knows that 2FA is on now (it does not start another setup)
    await runCommand(page, 'Developer: Reload Webviews');
    await frame.locator('[data-testid="twofa-already-enabled"]').waitFor();
    assert.equal(await frame.locator('[data-testid="twofa-secret"]').count(), 0);
  });

  it('generates new recovery codes after confirming: ten shown once, the old ones stop working', async () => {
    const { page } = wb;
    assert.equal((await basic(firstCodes[0])).status, 200, 'an old code works before');
    await clickTreeItemAction(page, 'Accounts', login, 'Manage Two-Factor Authentication…');
    const frame = await webviewFrame(page, `Two-Factor Setup: ${login}`);
    await frame.locator('[data-testid="twofa-already-enabled"]').waitFor();
    await screenshot(page, 'ui/views-two-factor-manage');
    await frame.locator('[data-testid="twofa-new-recovery-codes"]').click();
    const dialog = await waitForDialog(page, /Generate new recovery codes\?/);
    assert.match((await dialog.textContent()) ?? '', /old ones stop working/);
    await screenshot(page, 'ui/views-two-factor-new-codes-confirm');
    await clickDialogButton(page, 'Generate New Codes');
    const codes = frame.locator('[data-testid="recovery-codes"]');
    await codes.waitFor();
    const fresh = codesIn(await codes.textContent());
    assert.equal(fresh.length, 10, `ten new codes: ${JSON.stringify(fresh)}`);
    for (const c of fresh) assert.ok(!firstCodes.includes(c), `${c} is new`);
    assert.match(await frame.locator('[data-testid="recovery-codes-note"]').innerText(), /Your old recovery codes no longer work\./);
    await screenshot(page, 'ui/views-two-factor-new-codes');

    const old = await basic(firstCodes[1]);
    assert.equal(old.status, 401, 'an old recovery code is refused');
    assert.equal(old.headers.get('x-github-otp'), 'required; app');
    assert.equal((await basic(fresh[0])).status, 200, 'a new recovery code works');
    await frame.locator('[data-testid="twofa-done"]').click();
  });

  it('turns two-factor authentication off after confirming', async () => {
    const { page } = wb;
    assert.equal((await basic()).status, 401, 'a code is needed while 2FA is on');
    await clickTreeItemAction(page, 'Accounts', login, 'Manage Two-Factor Authentication…');
    const frame = await webviewFrame(page, `Two-Factor Setup: ${login}`);
    await frame.locator('[data-testid="twofa-disable"]').click();
    const dialog = await waitForDialog(page, new RegExp(`Turn off two-factor authentication for ${login}\\?`));
    assert.match((await dialog.textContent()) ?? '', /recovery codes stop working/);
    await screenshot(page, 'ui/views-two-factor-off-confirm');
    await clickDialogButton(page, 'Turn Off');
    await frame.locator('[data-testid="twofa-turned-off"]').waitFor();
    await waitForRowDescription(page, 'Accounts', login, /2FA off$/);
    await screenshot(page, 'ui/views-two-factor-off');
    assert.equal((await basic()).status, 200, 'the password alone signs in now');
    await frame.locator('[data-testid="twofa-done"]').click();
  });

  it("marks this editor's sign-in token; expiring it warns; deleting it warns, then signs out cleanly", async () => {
    const { page } = wb;
    const listed = await client.get('/authorizations', { basic: { login, password } });
    const signIn = (listed.json as { id: number; note: string }[]).find((t) => t.note.startsWith('Tessera for VS Code on'));
    assert.ok(signIn, `the sign-in token on the provider: ${listed.text}`);
    await openViewContainer(page, 'Tessera');
    // Labelled for what it is; its note follows in the description.
    await treeItem(page, 'Tokens', "This editor's sign-in");
    assert.ok((await rowDescription(page, 'Tokens', "This editor's sign-in")).startsWith(`${signIn.note} · `));

    // Expiring it would cut this editor off too: the same kind of warning as Delete (cancelled here).
    await treeItemMenuPick(page, 'Tokens', "This editor's sign-in", 'Expire Token Now…');
    const expireDialog = await waitForDialog(page, `This is the token this editor signs in with. Expiring it signs you out of ${login} here.`);
    assert.match((await expireDialog.textContent()) ?? '', /until you sign in again/);
    await screenshot(page, 'ui/views-sign-in-token-expire-warning');
    await clickDialogButton(page, 'Cancel');

    await treeItemMenuPick(page, 'Tokens', "This editor's sign-in", 'Delete Token…');
    const dialog = await waitForDialog(page, `This is the token this editor signs in with. Deleting it signs you out of ${login} here.`);
    assert.match((await dialog.textContent()) ?? '', /your other tokens stay/);
    await screenshot(page, 'ui/views-sign-in-token-delete-warning');
    await clickDialogButton(page, 'Delete and Sign Out');
    await waitForNotification(page, `Signed out of Tessera (${login}).`);

    // Signed out everywhere: no account row, the views' sign-in welcome, no leftover "signed out" items.
    await viewPane(page, 'Accounts').locator('.monaco-list-row', { hasText: login }).waitFor({ state: 'detached' });
    await viewPane(page, 'Tokens').locator('.monaco-list-row', { hasText: "This editor's sign-in" }).waitFor({ state: 'detached' });
    await page.locator('.welcome-view-content', { hasText: /sign in/i }).first().waitFor();
    assert.equal(await page.locator('.monaco-list-row', { hasText: /Session expired|sign-in token is gone/ }).count(), 0);
    await screenshot(page, 'ui/views-sign-in-token-signed-out');
    const after = await client.get('/authorizations', { basic: { login, password } });
    assert.ok(!(after.json as { id: number }[]).some((t) => t.id === signIn.id), 'the sign-in token is deleted on the provider');
  });
});
