// A webview whose sign-in ended while it was open (the editor's sign-in token expired elsewhere, so
// the provider answers 401 "Bad credentials"): the Create Token form keeps what was typed, says the
// sign-in ended and offers Sign In right there; signing in again from it (the provider is not asked
// again) takes the banner away, and Generate then makes the token. A standalone provider (real,
// 127.0.0.1) is `tessera.providerUrl`. Screenshots in test-results/ui/.
// Opening the form again while signed out (its resource owners cannot load) keeps the chosen
// organization as resource owner, once signed in again (it is not moved to the user).
import * as assert from 'node:assert/strict';
import { startTestProvider, type TestProvider } from '../provider/helpers/provider';
import { createOrg } from '../builders/orgs';
import { uniqueName } from '../builders/unique-name';
import { createUser, type TestUser } from '../builders/users';
import { quickInputType, runCommand, screenshot, treeItem, webviewFrame, type Workbench } from './workbench';
import { fieldValue, fill, workbenchSignedInTo, closeWorkbenchesAndProvider } from './views-helpers';

/** Expires every token of the user (the editor's sign-in token among them) elsewhere. */
async function expireAll(t: TestProvider, user: TestUser): Promise<number> {
  const basic = { login: user.login, password: user.password };
  const listed = await t.api.get('/user/personal-access-tokens', { basic });
  const ids = (listed.json as { id: number }[]).map((x) => x.id);
  for (const id of ids) assert.equal((await t.api.post(`/user/personal-access-tokens/${id}/expire`, { basic, body: {} })).status, 200);
  return ids.length;
}

describe('webviews (UI): an ended sign-in', function () {
  this.timeout(240_000);
  let t: TestProvider;
  let user: TestUser;
  let wb: Workbench;
  let org = '';

  before(async function () {
    this.timeout(240_000);
    t = await startTestProvider();
    user = await createUser(t);
    org = await createOrg(t, user, uniqueName('keep'));
    wb = await workbenchSignedInTo(t.provider.url, user);
  });

  after(() => closeWorkbenchesAndProvider(t, wb));

  it('Create Token keeps the form, offers Sign In, and makes the token once signed in again', async () => {
    const { page } = wb;
    await runCommand(page, 'Tessera: Create Token…');
    const frame = await webviewFrame(page, 'Create Token');
    await frame.locator('[data-testid="kind-classic"]').click();
    await fill(frame, 'name', 'after-sign-in-ended');
    await frame.locator('[data-testid="scope-repo"]').click();

    // the editor's sign-in token (the user's only one) expires elsewhere
    assert.equal(await expireAll(t, user), 1, 'the sign-in token only');

    await frame.locator('[data-testid="generate"]').click();
    const banner = frame.locator('[data-testid="signed-out"]');
    await banner.waitFor();
    assert.match((await frame.locator('[data-testid="error-form"]').textContent()) ?? '', /sign-in .* has ended/);
    assert.equal(await fieldValue(frame, 'name'), 'after-sign-in-ended', 'what was typed stays');
    await screenshot(page, 'ui/webviews-signed-out-create-token');

    await banner.locator('[data-testid="sign-in"]').click();
    await quickInputType(page, user.login, { prompt: /Your login/ });
    await quickInputType(page, user.password, { prompt: /Password for/ });
    await banner.waitFor({ state: 'detached' });
    await frame.locator('[data-testid="generate"]').click();
    await frame.locator('[data-testid="new-token-secret"]').waitFor();
    assert.equal(((await frame.locator('[data-testid="created-name"]').textContent()) ?? '').trim(), 'after-sign-in-ended');
  });

  it('Create Token opened again while signed out keeps its organization as resource owner', async () => {
    const { page } = wb;
    const frame = await webviewFrame(page, 'Create Token');
    await frame.locator('[data-testid="create-another"]').click();
    await frame.locator('[data-testid="kind-fine_grained"]').click();
    const owner = frame.locator('[data-testid="owner"]');
    await owner.locator('vscode-option', { hasText: org }).waitFor({ state: 'attached' });
    await owner.click();
    await owner.locator('li[role="option"]', { hasText: org }).click();
    // an organization as resource owner: the form asks for a justification (the user's own account: no)
    const justification = frame.locator('[data-testid="justification"]');
    await justification.waitFor();
    await fill(frame, 'name', 'for-the-org');

    await treeItem(page, 'Tokens', 'after-sign-in-ended'); // signed in again: the tree lists the tokens
    await expireAll(t, user);
    // the change reached this window (its views reload, the organizations it knew are forgotten)
    await treeItem(page, 'Tokens', /^Signed out/);
    await runCommand(page, 'Tessera: Create Token…'); // the tab again: its owners cannot load now
    const banner = frame.locator('[data-testid="signed-out"]');
    await banner.waitFor();
    await banner.locator('[data-testid="sign-in"]').click();
    await quickInputType(page, user.login, { prompt: /Your login/ });
    await quickInputType(page, user.password, { prompt: /Password for/ });
    await banner.waitFor({ state: 'detached' });
    await owner.locator('vscode-option', { hasText: org }).waitFor({ state: 'attached' }); // the owners loaded again
    await screenshot(page, 'ui/webviews-signed-out-owner-kept');
    assert.equal(await justification.count(), 1, 'the organization stays the resource owner');
    assert.equal(await owner.evaluate((el) => (el as unknown as { value: string }).value), org);
    assert.equal(await fieldValue(frame, 'name'), 'for-the-org');
  });
});
