// The views with a provider that goes down and comes back (UI, real workbench): a standalone
// provider (real, 127.0.0.1) is the configured `tessera.providerUrl`; the user signs in from the
// palette; the Tokens view lists the token; the provider stops → the view says which provider is
// not reachable, with Retry, and no spinner keeps going; the provider starts again on the same port
// → the views recover by themselves. Screenshots in test-results/ui/.
import * as assert from 'node:assert/strict';
import { startTestProvider, type TestProvider } from '../provider/helpers/provider';
import { createClassicToken } from '../builders/tokens';
import { createUser } from '../builders/users';
import type { Locator } from 'playwright-core';
import { clickViewAction, openViewContainer, quickInputPick, quickInputType, runCommand, screenshot, startWorkbench, treeItem, viewPane, type Workbench } from './workbench';
import { closeWorkbenchesAndProvider } from './views-helpers';

describe('views (UI): a provider that is down', function () {
  this.timeout(180_000);
  let t: TestProvider;
  let dataDir = '';
  let wb: Workbench;

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
    const user = await createUser(t);
    await createClassicToken(t, user, { name: 'remote-token', scopes: ['repo'], expires_at: new Date(Date.now() + 30 * 86_400_000).toISOString() });
    await runCommand(page, 'Tessera: Sign In');
    await quickInputPick(page, /Configured provider/);
    await quickInputType(page, user.login, { prompt: /login/i });
    await quickInputType(page, user.password, { prompt: /Password/ });
    await treeItem(page, 'Tokens', 'remote-token');

    const port = Number(new URL(t.provider.url).port);
    await t.provider.close();
    let down!: Locator;
    await clickViewAction(page, 'Tokens', 'Refresh Tokens', {
      until: async (timeout) => { down = await treeItem(page, 'Tokens', /is not reachable — Retry$/, timeout); },
    });
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
});
