// "Tessera: Authorize a Device…" in the real workbench against a standalone provider: a device
// (this test, as gh would) starts the device flow with a real POST /login/device/code; the person
// runs the command, is told when the typed text cannot be a code, types the code, sees the app and
// the scopes in a modal, authorizes; the device collects its token and the token shows in the
// Tokens tree. A wrong code and a cancelled modal are answered too. Then Debian's gh, unchanged,
// runs `gh auth login --web` against the same provider over HTTPS (GH_HOST, its CA, as in
// test/provider/helpers/gh.ts); the one-time code gh prints is approved in the workbench, gh gets
// its token, `gh auth status` names the user, and the token shows in the Tokens tree.
// Screenshots in test-results/ui/.
import * as assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { createUser, type TestUser } from '../builders/users';
import { pollToken, startDevice } from '../provider/helpers/device-flow';
import { ensureGh, type GhEnvironment, ghEnvironment, ghLoginWithDeviceCode, runGh } from '../provider/helpers/gh';
import { startTestProvider, type TestProvider } from '../provider/helpers/provider';
import { clickDialogButton, quickInputType, runCommand, screenshot, quickInputValue, waitForQuickInputMessage, treeItem, viewPane, waitForDialog, waitForNotification, type Workbench } from './workbench';
import { waitForRowDescription, workbenchSignedInTo } from './views-helpers';

describe('views (UI): authorize a device (OAuth device flow)', function () {
  this.timeout(240_000);
  let t: TestProvider;
  let user: TestUser;
  let wb: Workbench;
  let gh: GhEnvironment;
  let realTime: NodeJS.Timeout | undefined;

  before(async function () {
    this.timeout(600_000);
    ensureGh();
    // HTTPS, as gh speaks only HTTPS: the workbench trusts the provider's CA through tessera.caFile.
    t = await startTestProvider({ tls: 'auto' });
    // gh polls in real time, and a poll sooner than the interval is told to slow down: the
    // provider's clock follows real time in this file.
    realTime = setInterval(() => t.clock.set(Date.now()), 50);
    user = await createUser(t);
    gh = await ghEnvironment(t.provider);
    gh.env.BROWSER = 'true';
    const caFile = path.join(gh.dir, 'provider-ca.pem');
    writeFileSync(caFile, t.provider.caCertPem ?? '');
    wb = await workbenchSignedInTo(t.provider.url, user, { machineSettings: { 'tessera.caFile': caFile } });
  });
  after(async () => {
    clearInterval(realTime);
    await wb?.close();
    await t?.close();
    await gh?.dispose();
  });

  it('types the code a device shows, sees the app and its scopes, authorizes; the device’s token shows in the Tokens tree', async () => {
    const { page } = wb;
    const device = await startDevice(t, 'repo read:org');

    await runCommand(page, 'Tessera: Authorize a Device…');
    await quickInputType(page, 'not-a-code', { prompt: /one-time code/ });
    assert.match(await waitForQuickInputMessage(page, /eight letters and digits/), /eight letters and digits, like ABCD-2345/);
    // any case, with or without the dash
    await quickInputType(page, device.userCode.toLowerCase().replace('-', ''));

    const dialog = await waitForDialog(page, /Authorize GitHub CLI to act as/);
    const text = (await dialog.textContent()) ?? '';
    assert.match(text, new RegExp(`act as ${user.login}`));
    assert.match(text, /GitHub CLI \(https:\/\/cli\.github\.com\/, built in to the provider\)/, 'the modal says who made the app');
    assert.match(text, /repo — Full control of private repositories/);
    assert.match(text, /read:org — Read org and team membership/);
    await screenshot(page, 'ui/device-authorize-confirm');
    await clickDialogButton(page, 'Authorize');

    await waitForNotification(page, /Waiting for GitHub CLI to collect its token/);
    // the device's next poll collects the token
    const got = await pollToken(t, device.deviceCode);
    assert.match(got.fields.access_token ?? '', /^tsp_/, got.text);
    assert.equal(got.fields.scope, 'repo,read:org');

    await waitForNotification(page, new RegExp(`GitHub CLI is authorized as ${user.login}: its token is in the Tokens view`));
    await waitForRowDescription(page, 'Tokens', 'GitHub CLI', /repo, read:org/);
    await screenshot(page, 'ui/device-authorize-token-in-tree');
  });

  it('a wrong code is answered under the box, which keeps it to fix; a cancelled confirmation authorizes nothing', async () => {
    const { page } = wb;
    await runCommand(page, 'Tessera: Authorize a Device…');
    await quickInputType(page, 'BCDF-2345', { prompt: /one-time code/ });
    assert.match(await waitForQuickInputMessage(page, /No device is waiting/), /No device is waiting for the code BCDF-2345/);
    assert.equal(await quickInputValue(page), 'BCDF-2345', 'the box opens again with the code typed');
    await screenshot(page, 'ui/device-authorize-wrong-code');

    // the same box takes the right code
    const device = await startDevice(t, 'repo');
    await quickInputType(page, device.userCode, { prompt: /Authorize a Device/ });
    await waitForDialog(page, /Authorize GitHub CLI/);
    await clickDialogButton(page, 'Cancel');
    const still = await t.api.post('/user/device-authorizations/lookup', { basic: { login: user.login, password: user.password }, body: { user_code: device.userCode } });
    assert.equal(still.status, 200, still.text);
    assert.equal(still.json.status, 'pending', 'nothing was authorized');
    assert.equal((await pollToken(t, device.deviceCode)).fields.error, 'authorization_pending');
  });

  it('gh auth login --web: the one-time code gh prints is approved in the workbench; gh auth status names the user; the token is in the Tokens tree', async () => {
    const { page } = wb;
    const login = await ghLoginWithDeviceCode(gh.env, async (code) => {
      await runCommand(page, 'Tessera: Authorize a Device…');
      await quickInputType(page, code, { prompt: /one-time code/ });
      const dialog = await waitForDialog(page, /Authorize GitHub CLI to act as/);
      const text = (await dialog.textContent()) ?? '';
      assert.match(text, new RegExp(`act as ${user.login}`));
      for (const scope of ['repo', 'read:org', 'gist']) assert.match(text, new RegExp(`${scope} — `), `gh asks for ${scope}`);
      await screenshot(page, 'ui/device-authorize-gh-confirm');
      await clickDialogButton(page, 'Authorize');
    });
    assert.equal(login.status, 0, `gh auth login failed (${login.status}):\n${login.stderr}${login.stdout}`);
    assert.match(login.stderr, /Authentication complete/);
    assert.match(login.stderr, new RegExp(`Logged in as ${user.login}`));

    const status = await runGh(['auth', 'status'], gh.env);
    assert.equal(status.status, 0, status.stderr);
    assert.ok(status.stderr.includes(`Logged in to ${gh.host} as ${user.login}`), status.stderr);

    // gh's token (it asked for gist, unlike the device of the first test) in the Tokens tree.
    await treeItem(page, 'Tokens', 'GitHub CLI');
    const row = viewPane(page, 'Tokens').locator('.monaco-list-row')
      .filter({ has: page.locator('.label-name', { hasText: 'GitHub CLI' }) })
      .filter({ has: page.locator('.label-description', { hasText: /gist/ }) });
    await row.first().waitFor({ state: 'visible', timeout: 20_000 });
    const stored = await runGh(['auth', 'token', '--hostname', gh.host], gh.env);
    assert.equal(stored.status, 0, stored.stderr);
    const listed = await t.api.get('/user/personal-access-tokens', { basic: { login: user.login, password: user.password } });
    const made = listed.json.find((x: { token_last_eight: string }) => x.token_last_eight === stored.stdout.trim().slice(-8));
    assert.deepEqual([...(made?.scopes ?? [])].sort(), ['gist', 'read:org', 'repo'], 'the token gh stored is the user’s, with the scopes gh asked for');
    await screenshot(page, 'ui/device-authorize-gh-token-in-tree');
  });
});
