// The views with a provider that goes down and comes back (UI, real workbench): a standalone
// provider (real, 127.0.0.1) is the configured `tessera.providerUrl`; the user signs in from the
// palette; the Tokens view lists the token; the provider stops → the view says which provider is
// not reachable, with Retry, and no spinner keeps going; the provider starts again on the same port
// → the views recover by themselves. The Create Token form opened while the provider is down (no
// resource owners known) still offers to create a repository, which the command asks an owner for.
// Screenshots in test-results/ui/.
import * as assert from 'node:assert/strict';
import { startTestProvider, type TestProvider } from '../provider/helpers/provider';
import { createClassicToken } from '../builders/tokens';
import { createUser } from '../builders/users';
import { MAX_TOKEN_LIFETIME_DAYS } from '../../src/shared/token-text';
import type { Locator, Page } from 'playwright-core';
import { clickViewAction, openViewContainer, quickInputPick, quickInputType, runCommand, screenshot, startWorkbench, treeItem, viewPane, waitForNotification, webviewFrame, type Workbench } from './workbench';
import { closeWorkbenchesAndProvider } from './views-helpers';

describe('views (UI): a provider that is down', function () {
  this.timeout(180_000);
  let t: TestProvider;
  let dataDir = '';
  let wb: Workbench;
  let user: Awaited<ReturnType<typeof createUser>>;

  before(async function () {
    this.timeout(180_000);
    t = await startTestProvider({ keepDataDir: true });
    dataDir = t.dataDir;
    wb = await startWorkbench({ settings: { 'tessera.providerUrl': t.provider.url } });
    await openViewContainer(wb.page, 'Tessera');
  });
  after(() => closeWorkbenchesAndProvider(t, wb));

  it('shows the unreachable provider with Retry, no endless spinner, and recovers when it is back', async () => {
    const { page } = wb;
    user = await createUser(t);
    await createClassicToken(t, user, { name: 'remote-token', scopes: ['repo'], expires_at: new Date(Date.now() + 30 * 86_400_000).toISOString() });
    await runCommand(page, 'Tessera: Sign In');
    await quickInputPick(page, /Configured provider/);
    await quickInputType(page, user.login, { prompt: /login/i });
    await quickInputType(page, user.password, { prompt: /Password/ });
    await treeItem(page, 'Tokens', 'remote-token');

    const port = Number(new URL(t.provider.url).port);
    await t.provider.close();
    const down = await refreshUntilDown(page);
    const label = ((await down.locator('.label-name').textContent()) ?? '').trim();
    assert.ok(label.includes(t.provider.url), `names the provider: ${label}`);
    const tokens = viewPane(page, 'Tokens');
    assert.equal(await tokens.locator('.monaco-progress-container.active').count(), 0, 'no progress bar left running');
    assert.equal(await tokens.locator('.monaco-list-row .label-name', { hasText: /^remote-token$/ }).count(), 0);
    await treeItem(page, 'Accounts', /is not reachable — Retry$/);
    await screenshot(page, 'ui/views-provider-down');

    // the same provider (same data) comes back on the same port: the core's probe notices, the views reload
    t = await startTestProvider({ dataDir, port, keepDataDir: true });
    await treeItem(page, 'Tokens', 'remote-token');
    await tokens.locator('.monaco-list-row .label-name', { hasText: /is not reachable/ }).waitFor({ state: 'detached' });
    await screenshot(page, 'ui/views-provider-back');
  });

  // Signed in by the test above, which opened no Create Token page: this one opens a new page,
  // with no form saved in it (the form restores only its own page's state) and no owner asked for.
  it('Create Token opened while the provider is down: "Create a repository…" asks the owner, and selects the new repository', async () => {
    const { page } = wb;
    const port = Number(new URL(t.provider.url).port);
    await t.provider.close();
    // The editor knows the provider is down before the page opens: that drops the organizations it
    // had loaded (else the page would list the owners from them, and choose one).
    await refreshUntilDown(page);
    await treeItem(page, 'Accounts', /is not reachable — Retry$/);
    await runCommand(page, 'Tessera: Create Token…');
    const frame = await webviewFrame(page, 'Create Token');
    // the owners did not load: the form knows no owner
    await frame.locator('[data-testid="owners-error"]', { hasText: /not reachable/ }).waitFor();
    await frame.locator('[data-testid="kind-fine_grained"]').click();
    await frame.locator('[data-testid="repo-selection-subset"]').click();
    const button = frame.locator('[data-testid="create-repository"]');
    assert.equal(((await button.textContent()) ?? '').trim(), 'Create a repository…', 'no owner known: no "for …"');
    assert.equal(await frame.locator('.repo-list', { hasText: /has no repositories yet/ }).count(), 0, 'no "… has no repositories yet" for no owner');
    const expiry = ((await frame.locator('#field-expires_at ~ vscode-form-helper').textContent()) ?? '').replace(/\s+/g, ' ').trim();
    assert.match(expiry, new RegExp(`The maximum: ${MAX_TOKEN_LIFETIME_DAYS} days\\.$`), 'no "\'s maximum" for no owner');
    await screenshot(page, 'ui/views-provider-down-create-token');

    // the button is not dead: the command runs, and says why it cannot list the owners now
    await button.click();
    const failed = await waitForNotification(page, /Create repository: .*is not reachable/);
    await failed.getByRole('button', { name: 'Retry' }).waitFor();

    t = await startTestProvider({ dataDir, port, keepDataDir: true });
    await button.click();
    // the one owner the user has (the user) is taken without asking (or is the form's by now: the
    // page reloads its owners once the editor sees the provider back)
    await quickInputType(page, 'made-while-down', { prompt: new RegExp(`Name of the new repository under ${user.login}`) });
    await quickInputPick(page, /Private/, { prompt: /Who can see/ });
    await quickInputType(page, '', { prompt: /short description/ });
    await frame.locator('[data-testid="repo-count"]', { hasText: /^1 selected/ }).waitFor();
    await frame.locator('[data-testid="repo-made-while-down"][checked]').waitFor();
    assert.equal(await frame.locator('[data-testid="owner"]').evaluate((el) => (el as unknown as { value: string }).value), user.login);
    assert.equal(((await button.textContent()) ?? '').trim(), `Create a repository for ${user.login}…`);
    await screenshot(page, 'ui/views-provider-back-repository-selected');
    await runCommand(page, 'View: Close All Editors');
  });
});

/** Refresh Tokens (the provider stopped) until the Tokens view says the provider is not reachable: its row. */
async function refreshUntilDown(page: Page): Promise<Locator> {
  let down!: Locator;
  await clickViewAction(page, 'Tokens', 'Refresh Tokens', {
    until: async (timeout) => { down = await treeItem(page, 'Tokens', /is not reachable — Retry$/, timeout); },
  });
  return down;
}
