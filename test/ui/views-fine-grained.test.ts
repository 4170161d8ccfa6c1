// Fine-grained tokens and the approval queue in the real workbench. A standalone provider (real,
// 127.0.0.1) is `tessera.providerUrl`; the test sets up, through the API, an org that requires
// approval, repositories, and a member whose two token requests wait for the owner.
//   - the owner creates a fine-grained token in the Create Token webview with a subset of
//     repositories and two permissions, sees the secret once, then sees it in the tree with its
//     expiry text;
//   - the owner approves one request and denies the other with a reason in the Approvals view
//     (the provider is down the first time the reason is sent: the box keeps it and says why);
//     the member's own workbench (a second VS Code) shows the approved token active and the other
//     with the reason, and tells the member about both decisions.
// Screenshots in test-results/ui/.
import * as assert from 'node:assert/strict';
import { startTestProvider, type TestProvider } from '../provider/helpers/provider';
import { callAs } from '../builders/callers';
import { addMember, createOrg, setPolicy } from '../builders/orgs';
import { createRepo } from '../builders/repos';
import { createFineGrainedToken } from '../builders/tokens';
import { createUser, type TestUser } from '../builders/users';
import { clickTreeItem, clickTreeItemAction, clickViewAction, treeItemMenuPick, quickInputType, quickInputValue, runCommand, screenshot, treeItem, viewPane, waitForNotification, waitForQuickInput, waitForQuickInputMessage, webviewFrame, type Workbench } from './workbench';
import { fieldValue, fill, waitForRowDescription, workbenchSignedInTo, closeWorkbenchesAndProvider } from './views-helpers';
import { uniqueName } from '../builders/unique-name';

const DAY = 86_400_000;

describe('views (UI): fine-grained tokens and approvals', function () {
  this.timeout(300_000);
  let t: TestProvider;
  let owner: TestUser;
  let member: TestUser;
  const org = uniqueName('acme');
  let ownerWb: Workbench;
  let memberWb: Workbench | undefined;
  const memberTokens: Record<string, number> = {};

  before(async function () {
    this.timeout(300_000);
    t = await startTestProvider({ keepDataDir: true }); // (stopped and started again on its data below; `after` removes it)
    owner = await createUser(t);
    member = await createUser(t);
    await createOrg(t, owner, org);
    await setPolicy(t, org, owner, { require_approval: true });
    await addMember(t, org, owner, member);
    for (const name of ['site', 'docs', 'infra']) await createRepo(t, owner, undefined, name);
    for (const name of ['app', 'web']) await createRepo(t, owner, org, name);
    const expires_at = new Date(Date.now() + 30 * DAY).toISOString();
    for (const [name, level, justification] of [['member-ci', 'read', 'CI reads the app'], ['member-deploy', 'write', 'Deploys the web site']] as const) {
      const tok = await createFineGrainedToken(t, member, {
        name, resource_owner: org, repository_selection: 'subset', repositories: ['app'],
        permissions: { repository: { contents: level } }, justification, expires_at,
      });
      assert.equal(tok.status, 'pending', `${name} waits for approval`);
      memberTokens[name] = tok.id;
    }
    ownerWb = await workbenchSignedInTo(t.provider.url, owner);
  });

  after(() => closeWorkbenchesAndProvider(t, memberWb, ownerWb));

  it('creates a fine-grained token with a subset of repositories and two permissions; the secret once; the tree shows its expiry', async () => {
    const { page } = ownerWb;
    await runCommand(page, 'Tessera: Create Token…');
    const frame = await webviewFrame(page, 'Create Token');
    await frame.locator('[data-testid="kind-fine_grained"]').click();
    await fill(frame, 'name', 'site-deploy');
    await fill(frame, 'description', 'Pushes the site and manages its deploy keys');
    await frame.locator('[data-testid="repo-selection-subset"]').click();
    await fill(frame, 'repo-search', 'si');
    await frame.locator('[data-testid="repo-site"]').click();
    assert.equal(await frame.locator('[data-testid="repo-infra"]').count(), 0, 'the search filters the list');
    await fill(frame, 'repo-search', '');
    await frame.locator('[data-testid="repo-docs"]').click();
    await frame.locator('[data-testid="repo-count"]', { hasText: /^2 selected/ }).waitFor();
    await frame.locator('[data-testid="perm-repository-contents-write"]').click();
    await frame.locator('[data-testid="perm-repository-administration-read"]').click();
    await frame.locator('[data-testid="expiry-30"]').click();
    await screenshot(page, 'ui/views-create-fine-grained-form');
    await frame.locator('[data-testid="generate"]').click();
    await frame.locator('[data-testid="new-token-secret"]').waitFor();
    const secret = await fieldValue(frame, 'new-token-secret');
    assert.match(secret, /^tsf_[0-9A-Za-z]{36}$/);
    assert.equal(((await frame.locator('[data-testid="created-status"]').textContent()) ?? '').trim(), 'active');
    await screenshot(page, 'ui/views-create-fine-grained-secret-once');

    await treeItem(page, 'Tokens', `Fine-grained · ${owner.login}`);
    await waitForRowDescription(page, 'Tokens', 'site-deploy', /^expires in 30 days · contents: write, administration: read · never used$/);
    await clickTreeItem(page, 'Tokens', 'site-deploy');
    const details = await webviewFrame(page, 'Token: site-deploy');
    await details.locator('[data-testid="token-repositories"]', { hasText: 'site' }).waitFor();
    assert.match((await details.locator('[data-testid="token-repositories"]').textContent()) ?? '', /docs/);
    assert.equal(((await details.locator('[data-testid="token-last-eight"]').textContent()) ?? '').trim(), `…${secret.slice(-8)}`);
    assert.ok(!(await details.locator('body').innerHTML()).includes(secret));
  });

  it('approves one request and denies another with a reason in the Approvals view; the requester sees both', async () => {
    // the member's own VS Code, signed in while both requests are pending (it remembers "pending")
    memberWb = await workbenchSignedInTo(t.provider.url, member);
    await waitForRowDescription(memberWb.page, 'Tokens', 'member-ci', /^pending approval · /);
    await waitForRowDescription(memberWb.page, 'Tokens', 'member-deploy', /^pending approval · /);

    const { page } = ownerWb;
    // five views share the side bar: fold the two this test does not use, so that every row of
    // the Approvals tree it reads is on screen (the tree renders only the rows in view)
    for (const name of ['Repositories', 'Organizations']) {
      const header = viewPane(page, name).locator('.pane-header[aria-expanded="true"]');
      if (await header.count()) await header.click();
      await viewPane(page, name).locator('.pane-header[aria-expanded="false"]').waitFor();
    }
    await clickViewAction(page, 'Approvals', 'Refresh Approvals', { until: (timeout) => treeItem(page, 'Approvals', org, timeout) });
    const ci = `${member.login}: member-ci`;
    const deploy = `${member.login}: member-deploy`;
    await treeItem(page, 'Approvals', ci);
    await treeItem(page, 'Approvals', deploy);
    // the badge counts the pending requests
    const badge = page.locator('.part.activitybar .badge .badge-content, .pane-header .badge, .composite.title .badge').filter({ hasText: /^2$/ });
    await badge.first().waitFor();
    // requester, repositories, permissions and justification
    await clickTreeItem(page, 'Approvals', deploy);
    await treeItem(page, 'Approvals', 'Justification');
    const pane = viewPane(page, 'Approvals');
    await pane.locator('.monaco-list-row', { hasText: 'Deploys the web site' }).waitFor();
    await pane.locator('.monaco-list-row', { hasText: /Repositories\s*app/ }).waitFor();
    await screenshot(page, 'ui/views-approvals-pending');
    // collapse it again: the Approvals pane shares the side bar with the other Tessera views, and
    // the other request's row must be on screen
    await (await treeItem(page, 'Approvals', deploy)).locator('.monaco-tl-twistie').click();
    await pane.locator('.monaco-list-row .label-name', { hasText: 'Justification' }).waitFor({ state: 'detached' });

    await clickTreeItemAction(page, 'Approvals', ci, 'Approve Token Request');
    await waitForNotification(page, /Approved “member-ci”/);
    await treeItemMenuPick(page, 'Approvals', deploy, 'Deny Token Request…');
    // the provider is down when the reason is sent: the box opens again with the reason and why;
    // back on the same port (same data), Enter sends it again
    await waitForQuickInput(page, /Reason/);
    const port = Number(new URL(t.provider.url).port);
    await t.provider.close();
    await quickInputType(page, 'Use read-only access to contents', { prompt: /Reason/ });
    const why = await waitForQuickInputMessage(page, /not reachable/);
    assert.ok(why.includes(t.provider.url), `names the provider: ${why}`);
    assert.equal(await quickInputValue(page), 'Use read-only access to contents');
    await screenshot(page, 'ui/views-approvals-deny-provider-down');
    t = await startTestProvider({ dataDir: t.dataDir, port, keepDataDir: true });
    await quickInputType(page, 'Use read-only access to contents', { prompt: /Press Enter to try again/ });
    await waitForNotification(page, /Denied “member-deploy”/);
    await pane.locator('.monaco-list-row .label-name', { hasText: ci }).waitFor({ state: 'detached' });
    await pane.locator('.monaco-list-row .label-name', { hasText: deploy }).waitFor({ state: 'detached' });
    await screenshot(page, 'ui/views-approvals-reviewed');

    // on the provider
    const ciToken = await callAs(t, member, 'GET', `/user/personal-access-tokens/${memberTokens['member-ci']}`);
    const deployToken = await callAs(t, member, 'GET', `/user/personal-access-tokens/${memberTokens['member-deploy']}`);
    assert.equal(ciToken.status, 'active');
    assert.equal(deployToken.status, 'denied');

    // in the member's workbench
    const m = memberWb.page;
    await clickViewAction(m, 'Tokens', 'Refresh Tokens', {
      until: (timeout) => waitForRowDescription(m, 'Tokens', 'member-ci', /^expires in 30 days · contents: read · never used$/, timeout),
    });
    await waitForRowDescription(m, 'Tokens', 'member-deploy', /^denied: Use read-only access to contents · contents: write · never used$/);
    await waitForNotification(m, /“member-ci” was approved/);
    await waitForNotification(m, /“member-deploy” was denied by .*: Use read-only access to contents/);
    await screenshot(m, 'ui/views-requester-sees-decisions');
  });
});
