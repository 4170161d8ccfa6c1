// Sign-in and sessions through the real workbench UI (the packed .vsix in code-server, driven by
// Playwright): the command palette sign-in with login, masked password, a wrong then a right 2FA
// code computed from the account's secret; then another extension (test/fixtures/session-consumer)
// gets a session with createIfNone, the user clicks "Allow" in VS Code's consent dialog, and the
// fixture reads GET /api/v3/user with the token it got.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from '../harness/code-server';
import type { ApiClient } from '../builders/api-client';
import type { ProviderHandle } from '../builders/provider-handle';
import { signIn } from '../builders/sessions';
import { freshOtp, wrongOtp } from '../builders/totp';
import { enableTwoFactor } from '../builders/two-factor';
import { uniqueName } from '../builders/unique-name';
import { createUser, type TestUser } from '../builders/users';
import { waitForEmbeddedProvider } from './embedded-provider';
import { waitUntil } from './views-helpers';
import {
  clickDialogButton, quickInputCancel, quickInputIsPassword, quickInputMessage, quickInputPick, quickInputType, runCommand, screenshot,
  startWorkbench, waitForDialog, waitForNotification, waitForQuickInput, type Workbench,
} from './workbench';

const SESSION_CONSUMER = path.join(REPO_ROOT, 'test', 'fixtures', 'session-consumer');

describe('core (UI): sign-in and sessions', function () {
  this.timeout(180_000);
  let wb: Workbench;
  let client: ApiClient;
  let embedded: ProviderHandle;
  let user: TestUser;
  /** The test's own admin:token token (so checks on the provider need no more TOTP codes). */
  let testToken: string;
  let recoveryCodes: string[];

  before(async () => {
    wb = await startWorkbench({ extraExtensions: [SESSION_CONSUMER] });
    client = await waitForEmbeddedProvider(wb.profile.userDataDir, wb.embeddedPort);
    embedded = { api: client };
    user = await createUser(embedded, { login: uniqueName('ui') });
    ({ recoveryCodes } = await enableTwoFactor(embedded, user));
    testToken = (await signIn(embedded, user, ['admin:token'], 'UI test checks')).token;
  });

  after(async () => {
    await client?.close();
    await wb?.close();
  });

  it('cancelling at any step closes the sign-in and shows nothing', async () => {
    const { page } = wb;
    const notifications = page.locator('.notifications-toasts .notification-list-item');
    const before = await notifications.count();
    await runCommand(page, 'Tessera: Sign In');
    await quickInputPick(page, /Embedded provider/, { prompt: /Choose the Tessera provider/ });
    await waitForQuickInput(page, /Your login/);
    await quickInputCancel(page);
    await runCommand(page, 'Tessera: Sign In');
    await quickInputPick(page, /Embedded provider/, { prompt: /Choose the Tessera provider/ });
    await quickInputType(page, user.login, { prompt: /Your login/ });
    await waitForQuickInput(page, /Password for/);
    await quickInputCancel(page);
    // The extension host gets the cancel before the next command (one ordered channel) and ends the
    // cancelled sign-in before it runs that command; what it shows reaches the window in that order.
    // So once the next sign-in shows its first step, anything the cancelled one showed is on screen.
    await runCommand(page, 'Tessera: Sign In');
    await waitForQuickInput(page, /Choose the Tessera provider/);
    assert.equal(await notifications.count(), before, 'no notification after cancelling');
    await quickInputCancel(page);
  });

  it('Create an Account says a login is taken at the login step, before asking for the email and password', async () => {
    const { page } = wb;
    await runCommand(page, 'Tessera: Create an Account');
    await quickInputType(page, user.login, { prompt: /Choose a login/ });
    await waitForQuickInput(page, /login: is already taken/);
    await screenshot(page, 'ui/sign-up-login-taken');
    assert.match(await page.locator('.quick-input-widget .quick-input-title').textContent() ?? '', /\(1\/4\)/, 'still the login step');
    await quickInputType(page, uniqueName('free'), { prompt: /is already taken/ });
    await waitForQuickInput(page, /Your email address/);
    await quickInputCancel(page);
  });

  it('signs in from the command palette: login, masked password, a wrong code, then the right code', async () => {
    const { page } = wb;
    await runCommand(page, 'Tessera: Sign In');
    await quickInputPick(page, /Embedded provider/, { prompt: /Choose the Tessera provider/ });
    assert.equal(await quickInputIsPassword(page), false, 'the login is typed in clear');
    await quickInputType(page, user.login, { prompt: /Your login on https:\/\/127\.0\.0\.1/ });
    await waitForQuickInput(page, new RegExp(`Password for ${user.login}`));
    assert.equal(await quickInputIsPassword(page), true, 'the password is masked');
    await quickInputType(page, user.password, { prompt: /Password for/ });

    await waitForQuickInput(page, /6-digit code from your authenticator app/);
    await quickInputType(page, await wrongOtp(embedded, user), { prompt: /authenticator app/ });
    const deadline = Date.now() + 15_000;
    let message = '';
    while (Date.now() < deadline && !/not valid/.test(message)) {
      message = await quickInputMessage(page);
      if (!/not valid/.test(message)) await page.waitForTimeout(100);
    }
    assert.match(message, /That code is not valid/);
    await screenshot(page, 'ui/core-sign-in-wrong-code');

    await quickInputType(page, await freshOtp(embedded, user), { prompt: /authenticator app/ });
    await waitForNotification(page, `Signed in to Tessera as ${user.login}.`);

    // On the provider: the sign-in made a classic token with admin:token, user, repo and delete_repo (never the password).
    const tokens = await client.get('/user/personal-access-tokens', { token: testToken });
    assert.equal(tokens.status, 200, tokens.text);
    const signIn = (tokens.json as { name: string; scopes?: string[] }[]).find((t) => /^Tessera for VS Code on /.test(t.name));
    assert.ok(signIn, `a sign-in token among ${JSON.stringify(tokens.json.map((t: { name: string }) => t.name))}`);
    assert.deepEqual([...(signIn.scopes ?? [])].sort(), ['admin:token', 'delete_repo', 'repo', 'user']);
  });

  it("another extension gets a 'repo' session after the user clicks Allow, and reads GET /api/v3/user with it", async () => {
    const { page } = wb;
    await runCommand(page, 'Session Consumer: Read My Tessera User');
    const dialog = await waitForDialog(page, /Session Consumer/);
    assert.match((await dialog.textContent()) ?? '', /Tessera/);
    await screenshot(page, 'ui/core-session-consent');
    await clickDialogButton(page, 'Allow');
    await waitForNotification(page, new RegExp(`Session Consumer: GET /api/v3/user → 200 as ${user.login} \\(scopes: repo\\)`), 30_000);

    const resultFile = path.join(wb.profile.userDataDir, 'User', 'globalStorage', 'tessera-test.session-consumer', 'result.json');
    const result = JSON.parse(fs.readFileSync(resultFile, 'utf8')) as { status: number; login: string; scopes: string; sessionScopes: string[]; tokenLastEight: string };
    assert.equal(result.status, 200);
    assert.equal(result.login, user.login);
    assert.deepEqual(result.sessionScopes, ['repo']);

    // The session is a real token on the provider, named for its scopes, with exactly `repo`.
    const tokens = await client.get('/user/personal-access-tokens', { token: testToken });
    const session = (tokens.json as { name: string; scopes?: string[]; token_last_eight: string }[]).find((t) => t.token_last_eight === result.tokenLastEight);
    assert.ok(session, 'the session token is listed on the provider');
    assert.equal(session.name, 'vscode: repo');
    assert.deepEqual(session.scopes, ['repo']);
  });

  it('signs in again with a recovery code typed into the code box, which the prompt names; the sign-in tokens do not pile up', async () => {
    const { page } = wb;
    await runCommand(page, 'Tessera: Sign In');
    await quickInputPick(page, /Embedded provider/, { prompt: /Choose the Tessera provider/ });
    await quickInputType(page, user.login, { prompt: /Your login on/ });
    await quickInputType(page, user.password, { prompt: /Password for/ });
    await waitForQuickInput(page, /lost it\? Type one of your recovery codes/);
    await screenshot(page, 'ui/core-sign-in-recovery-code-prompt');
    await quickInputType(page, recoveryCodes[0]!, { prompt: /recovery codes/ });
    await waitForNotification(page, `Signed in to Tessera as ${user.login}.`);

    const tokens = await client.get('/user/personal-access-tokens', { token: testToken });
    assert.equal(tokens.status, 200, tokens.text);
    const signIns = (tokens.json as { name: string }[]).filter((t) => /^Tessera for VS Code on /.test(t.name));
    assert.equal(signIns.length, 1, `one sign-in token: ${JSON.stringify(signIns)}`);
  });

  it('Create an Account: an email in use sends the user back to the email step; once it is fixed the account is made, the password not asked again', async () => {
    const { page } = wb;
    const login = uniqueName('newcomer');
    const password = `pw-${uniqueName('x')}`;
    await runCommand(page, 'Tessera: Create an Account');
    await quickInputType(page, login, { prompt: /Choose a login/ });
    await quickInputType(page, user.email, { prompt: /Your email address/ });
    await quickInputType(page, password, { prompt: /Choose a password/ });
    await quickInputType(page, password, { prompt: /Type the password again/ });
    await waitForQuickInput(page, /email: is already taken/);
    await screenshot(page, 'ui/sign-up-email-taken');
    assert.match(await page.locator('.quick-input-widget .quick-input-title').textContent() ?? '', /\(2\/4\)/, 'back at the email step');
    await quickInputType(page, `${login}@example.test`, { prompt: /is already taken/ });
    await waitForNotification(page, `Signed in to Tessera as ${login}.`);
    const made = await client.get(`/users/${login}`);
    assert.equal(made.status, 200, made.text);
  });
});

describe('core (UI): sign-in lockout', function () {
  this.timeout(180_000);
  let wb: Workbench;
  let client: ApiClient;
  let embedded: ProviderHandle;
  let user: TestUser;

  before(async () => {
    // Its own workbench and provider: the lock also covers the client address (127.0.0.1).
    wb = await startWorkbench();
    client = await waitForEmbeddedProvider(wb.profile.userDataDir, wb.embeddedPort);
    embedded = { api: client };
    user = await createUser(embedded, { login: uniqueName('lock') });
    await enableTwoFactor(embedded, user);
  });

  after(async () => {
    await client?.close();
    await wb?.close();
  });

  it('after ten wrong codes the right code is refused and the lock is explained with when to retry', async () => {
    const { page } = wb;
    await runCommand(page, 'Tessera: Sign In');
    await quickInputPick(page, /Embedded provider/, { prompt: /Choose the Tessera provider/ });
    await quickInputType(page, user.login, { prompt: /Your login/ });
    await quickInputType(page, user.password, { prompt: /Password for/ });
    const waitMessage = async (re: RegExp) => {
      const deadline = Date.now() + 15_000;
      let m = '';
      while (Date.now() < deadline) {
        m = await quickInputMessage(page);
        if (re.test(m)) return m;
        await page.waitForTimeout(100);
      }
      throw new Error(`expected a message matching ${re}; it says ${JSON.stringify(m)}`);
    };
    const bad = await wrongOtp(embedded, user);
    const box = page.locator('.quick-input-widget .quick-input-box input');
    for (let i = 1; i <= 10; i++) {
      await waitForQuickInput(page, /authenticator app/);
      await box.fill(bad);
      await box.press('Enter');
      // Each code counts once it is answered: the flow empties the box and says why, and takes the
      // next one only once the box is enabled again (an Enter while it checks is dropped). The
      // message alone could still be the last code's.
      await waitUntil(`the answer to wrong code ${i}`, async () =>
        (await box.inputValue()) === '' && (await box.isEnabled()) && /not valid/.test(await quickInputMessage(page)) ? true : undefined, 20_000);
    }
    await quickInputType(page, await freshOtp(embedded, user), { prompt: /authenticator app/ });
    const m = await waitMessage(/locked/);
    assert.match(m, /Too many failed attempts: sign-in is locked for 10 minutes\. Try again in 10 minutes \(after \d{1,2}:\d{2}/);
    await screenshot(page, 'ui/core-sign-in-locked');
  });
});
