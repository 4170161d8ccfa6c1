// Live updates in the real workbench: what is made elsewhere — here through the API, as the
// terminal, gh or another window would — shows in open views and webviews within seconds, with no
// Refresh anywhere (the provider's change stream, GET /-/events).
//   - an open Create Token form lists a repository created through the API, and offers as resource
//     owner an organization the user just joined;
//   - the Tokens tree lists a token made through the API; its open details page stops saying
//     "never used" once the token is used;
//   - deleting that token through the API closes its details tab and says so.
// And what waits for the password once the sign-in's two-hour sudo window has passed (the test
// moves the provider's clock):
//   - two-factor setup whose password prompt is cancelled says so and starts again on request;
//   - a token being made keeps its account (the account and Cancel are disabled meanwhile, and
//     Create Token for another account waits): its receipt follows that token;
//   - a token whose tab was closed meanwhile offers its secret in a warning, to copy.
// A standalone provider (real, 127.0.0.1) is `tessera.providerUrl`. Screenshots in test-results/ui/.
import * as assert from 'node:assert/strict';
import { startTestProvider, type TestProvider } from '../provider/helpers/provider';
import { addMember, createOrg } from '../builders/orgs';
import { createRepo } from '../builders/repos';
import { createClassicToken } from '../builders/tokens';
import { createUser, type TestUser } from '../builders/users';
import { clickTreeItem, clickTreeItemAction, quickInputCancel, quickInputType, runCommand, screenshot, treeItem, treeItemMenuPick, viewPane, waitForNotification, waitForQuickInput, waitForStatusBarItem, webviewFrame, type Workbench } from './workbench';
import { fill, signInFromPalette, workbenchSignedInTo, closeWorkbenchesAndProvider } from './views-helpers';
import { uniqueName } from '../builders/unique-name';

/** Past the two-hour sudo window that signing in (or confirming the password) opens. */
const SUDO_LAPSED_MS = 2 * 60 * 60_000 + 60_000;
const SUDO_PROMPT = /asks for your password again/;

describe('views (UI): live updates from changes made elsewhere', function () {
  this.timeout(300_000);
  let t: TestProvider;
  let user: TestUser;
  let wb: Workbench;
  let made: { id: number; token: string; name: string } | undefined;

  before(async function () {
    this.timeout(300_000);
    t = await startTestProvider();
    user = await createUser(t);
    wb = await workbenchSignedInTo(t.provider.url, user);
  });

  after(() => closeWorkbenchesAndProvider(t, wb));

  it('an open Create Token form lists a repository created through the API and a newly joined organization as resource owner', async () => {
    const { page } = wb;
    await runCommand(page, 'Tessera: Create Token…');
    const frame = await webviewFrame(page, 'Create Token');
    await frame.locator('[data-testid="kind-fine_grained"]').click();
    await frame.locator('[data-testid="repo-selection-subset"]').click();
    await frame.locator('.repo-list', { hasText: `${user.login} has no repositories` }).waitFor();
    await screenshot(page, 'ui/live-create-form-before');

    const repo = uniqueName('live-');
    await createRepo(t, user, undefined, repo);
    await frame.locator(`[data-testid="repo-${repo}"]`).waitFor();

    // Another user's organization invites this one; the invitation is accepted through the API.
    const owner = await createUser(t);
    const org = uniqueName('live');
    await createOrg(t, owner, org);
    await addMember(t, org, owner, user);
    await frame.locator('[data-testid="owner"] vscode-option', { hasText: org }).waitFor({ state: 'attached' });
    assert.equal(await frame.locator(`[data-testid="repo-${repo}"]`).count(), 1, 'the form kept its owner and repositories');
    await screenshot(page, 'ui/live-create-form-after');
  });

  it('the Tokens tree lists a token made through the API; its open details page stops saying "never used" once it is used', async () => {
    const { page } = wb;
    const name = uniqueName('live-token-');
    const token = await createClassicToken(t, user, { name, scopes: ['read:user'], expires_in_days: 30 });
    made = { id: token.id, token: token.token, name };
    await treeItem(page, 'Tokens', name);
    await clickTreeItem(page, 'Tokens', name);
    const details = await webviewFrame(page, `Token: ${name}`);
    await details.locator('[data-testid="token-last-used"]', { hasText: 'never used' }).waitFor();
    await screenshot(page, 'ui/live-details-never-used');

    t.clock.advance(60_000); // the provider's clock stands still in tests: the use comes later
    const used = await t.api.get('/user', { token: token.token });
    assert.equal(used.status, 200);
    await details.locator('[data-testid="token-last-used"]', { hasText: 'used within the last hour' }).waitFor();
    await screenshot(page, 'ui/live-details-used');
  });

  it('a token deleted through the API closes its details tab and says so', async () => {
    const { page } = wb;
    assert.ok(made, 'the previous test made the token');
    const tab = page.locator('.tabs-container .tab', { hasText: `Token: ${made.name}` });
    await tab.waitFor();
    const res = await t.api.delete(`/user/personal-access-tokens/${made.id}`, { basic: { login: user.login, password: user.password } });
    assert.equal(res.status, 204, res.text);
    await waitForNotification(page, `The token “${made.name}” was deleted, so its tab was closed.`);
    await tab.waitFor({ state: 'detached' });
    await viewPane(page, 'Tokens').locator('.monaco-list-row', { hasText: made.name }).waitFor({ state: 'detached' });
    await screenshot(page, 'ui/live-details-deleted');
  });

  it('two-factor setup whose password prompt is cancelled says so, and starts again on request', async () => {
    const { page } = wb;
    t.clock.advance(SUDO_LAPSED_MS);
    await clickTreeItemAction(page, 'Accounts', user.login, 'Set Up Two-Factor Authentication…');
    await waitForQuickInput(page, SUDO_PROMPT);
    await quickInputCancel(page);
    const frame = await webviewFrame(page, `Two-Factor Setup: ${user.login}`);
    await frame.locator('[data-testid="twofa-setup-cancelled"]').waitFor();
    await screenshot(page, 'ui/live-two-factor-setup-cancelled');
    await frame.locator('[data-testid="twofa-start-again"]').click();
    await quickInputType(page, user.password, { prompt: SUDO_PROMPT });
    await frame.locator('[data-testid="twofa-secret"]').waitFor();
    assert.equal(await frame.locator('[data-testid="twofa-setup-cancelled"]').count(), 0);
  });

  it('a token waiting for the password keeps its account (Create Token for another account waits), and its receipt follows that token', async () => {
    const { page } = wb;
    const other = await createUser(t);
    await signInFromPalette(page, other, 'configured');
    await treeItem(page, 'Tokens', other.login); // the tree has redrawn with both accounts
    t.clock.advance(SUDO_LAPSED_MS);
    await treeItemMenuPick(page, 'Tokens', user.login, 'Create Token…');
    const frame = await webviewFrame(page, 'Create Token');
    await frame.locator('[data-testid="account"]').waitFor(); // two accounts: the form names its own
    await frame.locator('[data-testid="kind-classic"]').click();
    await fill(frame, 'name', 'made-while-confirming');
    await frame.locator('[data-testid="generate"]').click();
    await waitForQuickInput(page, SUDO_PROMPT);
    // while it waits, the form can neither move to another account nor close
    await frame.locator('[data-testid="account"][disabled]').waitFor();
    await frame.locator('[data-testid="cancel"][disabled]').waitFor();
    await screenshot(page, 'ui/live-create-token-waiting-for-password');
    await treeItemMenuPick(page, 'Tokens', other.login, 'Create Token…');
    await quickInputType(page, user.password, { prompt: SUDO_PROMPT });
    await frame.locator('[data-testid="new-token-secret"]').waitFor();

    const basic = { login: user.login, password: user.password };
    const listed = await t.api.get('/user/personal-access-tokens', { basic });
    const made = (listed.json as { id: number; name: string }[]).find((x) => x.name === 'made-while-confirming');
    assert.ok(made, `the token is ${user.login}'s: ${listed.text}`);
    // the receipt follows the token of the account it was made for (not "deleted")
    assert.equal((await t.api.post(`/user/personal-access-tokens/${made.id}/expire`, { basic, body: {} })).status, 200);
    await frame.locator('[data-testid="created-status"]', { hasText: /^expired$/ }).waitFor({ state: 'attached' });
    assert.equal(await frame.locator('[data-testid="created-superseded"]').count(), 0);
    assert.equal(await frame.locator('[data-testid="new-token-secret"]').count(), 1, 'the secret is still shown');
  });

  it('a token whose tab was closed while it waited for the password offers its secret in a warning, to copy', async () => {
    const { page } = wb;
    const frame = await webviewFrame(page, 'Create Token');
    await frame.locator('[data-testid="create-another"]').click();
    await frame.locator('[data-testid="kind-classic"]').click();
    await fill(frame, 'name', 'made-after-closing');
    t.clock.advance(SUDO_LAPSED_MS);
    await frame.locator('[data-testid="generate"]').click();
    await waitForQuickInput(page, SUDO_PROMPT);
    // its Cancel is disabled: close the tab (the password prompt lies over the tab bar, so the
    // click goes to the close button itself)
    const tab = page.locator('.tabs-container .tab', { hasText: 'Create Token' });
    await tab.locator('.tab-actions .action-label').dispatchEvent('click');
    await tab.waitFor({ state: 'detached' });
    await quickInputType(page, user.password, { prompt: SUDO_PROMPT });
    const toast = await waitForNotification(page, 'The new secret of the token “made-after-closing” came after its tab was closed. Copy it now: it is not shown again.');
    assert.doesNotMatch((await toast.textContent()) ?? '', /tsp_/, 'the message never holds the secret');
    await screenshot(page, 'ui/live-create-token-secret-after-closing');
    await toast.getByRole('button', { name: 'Copy Token' }).click();
    await waitForStatusBarItem(page, 'Copied the token to the clipboard');
  });
});
