// What another extension gets from Tessera in the packed .vsix (ExtensionMode.Production): nothing
// from activate() and no internal command, and a token only through vscode.authentication after the
// user allows it in VS Code's consent dialog. The other extension is test/fixtures/session-consumer;
// it writes what it got (never a token) to JSON files in its global storage folder.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from '../harness/code-server';
import type { ApiClient } from '../builders/api-client';
import { signIn } from '../builders/sessions';
import { uniqueName } from '../builders/unique-name';
import { createUser, type TestUser } from '../builders/users';
import { waitForEmbeddedProvider } from './embedded-provider';
import {
  clickDialogButton, runCommand, screenshot, startWorkbench, waitForDialog, waitForNotification, waitForQuickInput,
  type Workbench,
} from './workbench';
import { signInFromPalette } from './views-helpers';

const SESSION_CONSUMER = path.join(REPO_ROOT, 'test', 'fixtures', 'session-consumer');
/** Classic scopes the other extension asks for (its `sessionConsumer.scopes` setting). */
const SCOPES = ['read:org', 'read:user'];

interface Described { type: string; keys: string[]; functions: string[] }
interface Reach {
  installed: boolean;
  active: boolean;
  activateResult: Described;
  exports: Described;
  internals: { ran: boolean; error?: string; result?: Described };
  hiddenCommands: string[];
  silentSession: string;
}
interface SessionResult { error?: string; status?: number; login?: string; scopes?: string; sessionScopes?: string[]; tokenLastEight?: string }

describe('extension exports (UI): another extension gets only what the user consents to', function () {
  this.timeout(180_000);
  let wb: Workbench;
  let client: ApiClient;
  let user: TestUser;
  /** The test's own admin:token token, to list the user's tokens on the provider. */
  let testToken: string;

  const consumerFile = (name: string) => path.join(wb.profile.userDataDir, 'User', 'globalStorage', 'tessera-test.session-consumer', name);
  const readConsumerFile = <T>(name: string): T => JSON.parse(fs.readFileSync(consumerFile(name), 'utf8')) as T;
  const listTokens = async () => {
    const res = await client.get('/user/personal-access-tokens', { token: testToken });
    assert.equal(res.status, 200, res.text);
    return res.json as { id: number; name: string; scopes?: string[]; token_last_eight: string }[];
  };

  before(async () => {
    wb = await startWorkbench({ extraExtensions: [SESSION_CONSUMER], settings: { 'sessionConsumer.scopes': SCOPES } });
    client = await waitForEmbeddedProvider(wb.profile.userDataDir, wb.embeddedPort);
    user = await createUser({ api: client }, { login: uniqueName('exports') });
    testToken = (await signIn({ api: client }, user, ['admin:token'], 'UI test checks')).token;

    const { page } = wb;
    await signInFromPalette(page, user);
  });

  after(async () => {
    await client?.close();
    await wb?.close();
  });

  it("activate() gives it nothing and Tessera's internal command does not exist", async () => {
    await runCommand(wb.page, 'Session Consumer: Reach Into Tessera');
    await waitForNotification(wb.page, 'Session Consumer: reached into Tessera (reach.json)');
    const reach = readConsumerFile<Reach>('reach.json');
    assert.equal(reach.installed, true);
    assert.equal(reach.active, true, 'Tessera is active');
    assert.deepEqual(reach.activateResult, { type: 'undefined', keys: [], functions: [] }, 'activate() resolves to nothing');
    assert.deepEqual(reach.exports, { type: 'undefined', keys: [], functions: [] }, 'the extension exports nothing');
    assert.equal(reach.internals.ran, false, `tessera._views.internals ran: ${JSON.stringify(reach.internals)}`);
    assert.match(reach.internals.error ?? '', /command 'tessera\._views\.internals' not found/);
    assert.deepEqual(reach.hiddenCommands, [], 'no tessera._* command is registered');
    assert.equal(reach.silentSession, 'none', 'no session without the user consenting');
  });

  it('a session needs consent: after Cancel it gets no token, after Allow a token with exactly the scopes it asked for', async () => {
    const { page } = wb;
    const tokensBefore = await listTokens();

    await runCommand(page, 'Session Consumer: Read My Tessera User');
    const dialog = await waitForDialog(page, /Session Consumer/);
    assert.match((await dialog.textContent()) ?? '', /The extension 'Session Consumer' wants to sign in using Tessera/);
    await screenshot(page, 'ui/extension-exports-consent');
    await clickDialogButton(page, 'Cancel');
    await waitForNotification(page, /Session Consumer failed: User did not consent to login/);
    const refused = readConsumerFile<SessionResult>('result.json');
    assert.deepEqual(refused, { error: 'User did not consent to login.' });
    assert.deepEqual((await listTokens()).map((t) => t.id), tokensBefore.map((t) => t.id), 'no token was made after Cancel');

    await runCommand(page, 'Session Consumer: Read My Tessera User');
    await waitForDialog(page, /The extension 'Session Consumer' wants to sign in using Tessera/);
    await clickDialogButton(page, 'Allow');
    await waitForNotification(page, new RegExp(`Session Consumer: GET /api/v3/user → 200 as ${user.login}`), 30_000);
    const granted = readConsumerFile<SessionResult>('result.json');
    assert.equal(granted.status, 200);
    assert.equal(granted.login, user.login);
    assert.deepEqual([...(granted.sessionScopes ?? [])].sort(), SCOPES);
    // X-OAuth-Scopes of GET /api/v3/user with the session's token: exactly the scopes asked for.
    assert.deepEqual((granted.scopes ?? '').split(',').map((s) => s.trim()).filter(Boolean).sort(), SCOPES);

    const made = (await listTokens()).filter((t) => !tokensBefore.some((b) => b.id === t.id));
    assert.equal(made.length, 1, `one new token: ${JSON.stringify(made.map((t) => t.name))}`);
    assert.equal(made[0]!.token_last_eight, granted.tokenLastEight);
    assert.deepEqual([...(made[0]!.scopes ?? [])].sort(), SCOPES);
  });

  it("Tessera's commands with every answer given by another extension still ask: Create Repository asks the name", async () => {
    const { page } = wb;
    await runCommand(page, 'Session Consumer: Create a Tessera Repository Unasked');
    // The caller's name and visibility are not taken as answers: the name box opens.
    await waitForQuickInput(page, new RegExp(`Name of the new repository under ${user.login}`));
    await page.keyboard.press('Escape');
    await waitForNotification(page, 'Session Consumer: tessera.createRepository → undefined');
    const acted = readConsumerFile<{ name: string; result?: string }>('acted.json');
    assert.equal(acted.result, 'undefined');
    const res = await client.get(`/repos/${user.login}/${acted.name}`, { basic: { login: user.login, password: user.password } });
    assert.equal(res.status, 404, 'nothing was created');
  });

  it("… and Sign Out asks before signing the user out; Cancel keeps the account, Sign Out signs out", async () => {
    const { page } = wb;
    const signInTokens = async () => (await listTokens()).filter((t) => t.scopes?.includes('admin:token') && t.token_last_eight !== testToken.slice(-8));
    const before = await signInTokens();
    assert.ok(before.length >= 1, "the editor's sign-in token is on the provider");

    await runCommand(page, 'Session Consumer: Sign Out of Tessera Unasked');
    const dialog = await waitForDialog(page, new RegExp(`Sign out of Tessera as ${user.login}\\?`));
    assert.match((await dialog.textContent()) ?? '', /Something other than the Accounts view asked/);
    await clickDialogButton(page, 'Cancel');
    await waitForNotification(page, 'Session Consumer: tessera.signOut → undefined');
    assert.deepEqual((await signInTokens()).map((t) => t.id), before.map((t) => t.id), 'still signed in after Cancel');

    await runCommand(page, 'Session Consumer: Sign Out of Tessera Unasked');
    await waitForDialog(page, new RegExp(`Sign out of Tessera as ${user.login}\\?`));
    await clickDialogButton(page, 'Sign Out');
    await waitForNotification(page, `Signed out of Tessera (${user.login}).`);
    assert.deepEqual(await signInTokens(), [], "signed out: the editor's tokens are deleted on the provider");
  });
});
