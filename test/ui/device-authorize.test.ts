// "Tessera: Authorize a Device…" in the real workbench against a standalone provider: a device
// (this test, as gh would) starts the device flow with a real POST /login/device/code; the person
// runs the command, is told when the typed text cannot be a code, types the code, sees the app and
// the scopes in a modal, authorizes; the device collects its token and the token shows in the
// Tokens tree. A wrong code and a cancelled modal are answered too. Screenshots in test-results/ui/.
import * as assert from 'node:assert/strict';
import { createUser, type TestUser } from '../provider/helpers/accounts';
import { pollToken, startDevice } from '../provider/helpers/device-flow';
import { startTestProvider, type TestProvider } from '../provider/helpers/provider';
import {
  clickDialogButton, openViewContainer, quickInputMessage, quickInputType, runCommand, screenshot, startWorkbench,
  waitForDialog, waitForNotification, type Workbench,
} from './workbench';
import { signInFromPalette, waitForRowDescription } from './views-helpers';

describe('views (UI): authorize a device (OAuth device flow)', function () {
  this.timeout(240_000);
  let t: TestProvider;
  let user: TestUser;
  let wb: Workbench;

  before(async function () {
    this.timeout(240_000);
    t = await startTestProvider();
    user = await createUser(t);
    wb = await startWorkbench({ settings: { 'tessera.providerUrl': t.provider.url } });
    await openViewContainer(wb.page, 'Tessera');
    await signInFromPalette(wb.page, user, 'configured');
  });
  after(async () => {
    await wb?.close();
    await t?.close();
  });

  it('types the code a device shows, sees the app and its scopes, authorizes; the device’s token shows in the Tokens tree', async () => {
    const { page } = wb;
    const device = await startDevice(t, 'repo read:org');

    await runCommand(page, 'Tessera: Authorize a Device…');
    await quickInputType(page, 'not-a-code', { prompt: /one-time code/ });
    assert.match(await quickInputMessage(page), /eight letters and digits, like ABCD-2345/);
    // any case, with or without the dash
    await quickInputType(page, device.userCode.toLowerCase().replace('-', ''));

    const dialog = await waitForDialog(page, /Authorize GitHub CLI to act as/);
    const text = (await dialog.textContent()) ?? '';
    assert.match(text, new RegExp(`act as ${user.login}`));
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

  it('a wrong code is answered clearly; a cancelled confirmation authorizes nothing', async () => {
    const { page } = wb;
    await runCommand(page, 'Tessera: Authorize a Device…');
    await quickInputType(page, 'BCDF-2345', { prompt: /one-time code/ });
    await waitForNotification(page, /No device is waiting for the code BCDF-2345/);
    await screenshot(page, 'ui/device-authorize-wrong-code');

    const device = await startDevice(t, 'repo');
    await runCommand(page, 'Tessera: Authorize a Device…');
    await quickInputType(page, device.userCode, { prompt: /one-time code/ });
    await waitForDialog(page, /Authorize GitHub CLI/);
    await clickDialogButton(page, 'Cancel');
    const still = await t.api.post('/user/device-authorizations/lookup', { basic: { login: user.login, password: user.password }, body: { user_code: device.userCode } });
    assert.equal(still.status, 200, still.text);
    assert.equal(still.json.status, 'pending', 'nothing was authorized');
    assert.equal((await pollToken(t, device.deviceCode)).fields.error, 'authorization_pending');
  });
});
