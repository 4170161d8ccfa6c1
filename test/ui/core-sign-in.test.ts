// Sign-in and sessions through the real workbench UI (the packed .vsix in code-server, driven by
// Playwright): the command palette sign-in with login, masked password, a wrong then a right 2FA
// code computed from the account's secret; then another extension (test/fixtures/session-consumer)
// gets a session with createIfNone, the user clicks "Allow" in VS Code's consent dialog, and the
// fixture reads GET /api/v3/user with the token it got.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from '../harness/code-server';
import type { ApiClient } from '../provider/helpers/api-client';
import { createAccount, enableTwoFactor, freshCode, waitForEmbeddedProvider, wrongCode, type TestAccount } from './core-helpers';
import {
  clickDialogButton, quickInputIsPassword, quickInputMessage, quickInputPick, quickInputType, runCommand, screenshot,
  startWorkbench, waitForDialog, waitForNotification, waitForQuickInput, type Workbench,
} from './workbench';

const SESSION_CONSUMER = path.join(REPO_ROOT, 'test', 'fixtures', 'session-consumer');

describe('core (UI): sign-in and sessions', function () {
  this.timeout(180_000);
  let wb: Workbench;
  let client: ApiClient;
  let user: TestAccount;
  /** The test's own admin:token token (so checks on the provider need no more TOTP codes). */
  let testToken: string;

  before(async () => {
    wb = await startWorkbench({ extraExtensions: [SESSION_CONSUMER] });
    client = await waitForEmbeddedProvider(wb.profile.userDataDir, wb.embeddedPort);
    user = await createAccount(client, 'ui');
    await enableTwoFactor(client, user);
    const auth = await client.post('/authorizations', {
      basic: { login: user.login, password: user.password },
      otp: await freshCode(user),
      body: { scopes: ['admin:token'], note: 'UI test checks' },
    });
    assert.equal(auth.status, 201, auth.text);
    testToken = auth.json.token;
  });

  after(async () => {
    await client?.close();
    await wb?.close();
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
    await quickInputType(page, await wrongCode(user), { prompt: /authenticator app/ });
    const deadline = Date.now() + 15_000;
    let message = '';
    while (Date.now() < deadline && !/not valid/.test(message)) {
      message = await quickInputMessage(page);
      if (!/not valid/.test(message)) await page.waitForTimeout(100);
    }
    assert.match(message, /That code is not valid/);
    await screenshot(page, 'ui/core-sign-in-wrong-code');

    await quickInputType(page, await freshCode(user), { prompt: /authenticator app/ });
    await waitForNotification(page, `Signed in to Tessera as ${user.login}.`);

    // On the provider: the sign-in made a classic token with admin:token + user (never the password).
    const tokens = await client.get('/user/personal-access-tokens', { token: testToken });
    assert.equal(tokens.status, 200, tokens.text);
    const signIn = (tokens.json as { name: string; scopes?: string[] }[]).find((t) => /^Tessera for VS Code on /.test(t.name));
    assert.ok(signIn, `a sign-in token among ${JSON.stringify(tokens.json.map((t: { name: string }) => t.name))}`);
    assert.deepEqual([...(signIn.scopes ?? [])].sort(), ['admin:token', 'user']);
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
});
