// Organizations in the real workbench, against the embedded provider, with two accounts signed in
// to one window (the owner and the user they invite):
//   - creating an org from the Organizations view shows the Approvals view without any refresh;
//   - the org's settings webview sets the token policy (approval required, classic tokens restricted),
//     as the provider confirms; the owner's views below keep working with the editor's classic token;
//   - the open settings webview follows a change made elsewhere, and its Save sends only what was
//     edited in it (another owner's change to the rest stays);
//   - inviting the second account shows the pending invitation; the invitee gets a notification
//     (and an Accounts entry) and accepts from it; the owner's tree then lists them as a member;
//   - the owner makes them an owner, then removes them (confirmed in a modal).
// Screenshots in test-results/ui/.
import * as assert from 'node:assert/strict';
import type { Locator, Page } from 'playwright-core';
import type { ApiClient } from '../builders/api-client';
import { callAs } from '../builders/callers';
import { setPolicy } from '../builders/orgs';
import { signIn, type Session } from '../builders/sessions';
import { uniqueName } from '../builders/unique-name';
import { createUser, type TestUser } from '../builders/users';
import { waitForEmbeddedProvider } from './embedded-provider';
import {
  clickDialogButton, clickViewAction, treeItemMenuPick, openViewContainer, quickInputPick, recordShownTexts, quickInputType, screenshot,
  startWorkbench, treeItem, viewPane, viewPaneSelector, waitForDialog, waitForNotification, waitForQuickInput, waitForQuickInputMessage, quickInputValue, webviewFrame, type Workbench,
} from './workbench';
import { fill, signInFromPalette, waitForRowDescription } from './views-helpers';

/** A row of the Organizations view by its label and description (two accounts: one org shows twice). */
function orgRow(page: Page, label: string, description: RegExp): Locator {
  return viewPane(page, 'Organizations').locator('.monaco-list-row')
    .filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${label}$`) }) })
    .filter({ has: page.locator('.label-description', { hasText: description }) })
    .first();
}

/** The side bar's view names in one read (the list changes while the Approvals view shows or hides). */
async function shownViews(page: Page): Promise<string[]> {
  return page.locator('.part.sidebar .pane > .pane-header').evaluateAll((els: any[]) =>
    els.filter((e) => e.parentElement?.offsetParent !== null).map((e) => String(e.getAttribute('aria-label') ?? '').replace(/ Section$/, '')));
}

async function waitForViews(page: Page, pred: (views: string[]) => boolean, what: string): Promise<string[]> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const views = await shownViews(page);
    if (pred(views)) return views;
    if (Date.now() > deadline) throw new Error(`${what}; views: ${JSON.stringify(views)}`);
    await page.waitForTimeout(200);
  }
}

describe('views (UI): organizations', function () {
  this.timeout(300_000);
  let wb: Workbench;
  let client: ApiClient;
  let owner: TestUser;
  let invitee: TestUser;
  /** The test's own session of the owner, to check the provider's state. */
  let ownerSession: Session;
  const org = uniqueName('acme');

  const asOwner = (method: string, path: string) => callAs({ api: client }, ownerSession, method, path);

  before(async () => {
    wb = await startWorkbench();
    client = await waitForEmbeddedProvider(wb.profile.userDataDir, wb.embeddedPort);
    owner = await createUser({ api: client }, { login: uniqueName('owner') });
    invitee = await createUser({ api: client }, { login: uniqueName('invitee') });
    ownerSession = { user: owner, token: (await signIn({ api: client }, owner, ['admin:org'], 'UI test checks')).token };
    await openViewContainer(wb.page, 'Tessera');
    await signInFromPalette(wb.page, owner);
  });

  after(async () => {
    await client?.close();
    await wb?.close();
  });

  it('creates an organization from the Organizations view; the Approvals view appears without a refresh', async () => {
    const { page } = wb;
    await waitForViews(page, (v) => v.includes('Organizations') && !v.includes('Approvals'), 'signed in without an org: no Approvals view');
    const approvalsTexts = await recordShownTexts(page, `${viewPaneSelector('Approvals')} :is(.monaco-list-row .label-name, .welcome-view-content)`);
    await clickViewAction(page, 'Organizations', 'Create Organization…', { until: (timeout) => waitForQuickInput(page, /organization's login/, timeout) });
    // a login that is taken (a user's) is refused under the box, which keeps it to fix
    await quickInputType(page, invitee.login, { prompt: /organization's login/ });
    assert.equal(await waitForQuickInputMessage(page, /taken/), 'Validation Failed: login is already taken');
    assert.equal(await quickInputValue(page), invitee.login);
    await screenshot(page, 'ui/views-organizations-login-taken');
    await quickInputType(page, org, { prompt: /Create Organization/ });
    await waitForNotification(page, `Created the organization ${org}; ${owner.login} is its owner.`);
    await waitForRowDescription(page, 'Organizations', org, /^owner$/);
    await waitForViews(page, (v) => v.includes('Approvals'), 'the Approvals view did not appear');
    await treeItem(page, 'Approvals', org);
    await screenshot(page, 'ui/views-organizations-created-approvals-shown');
    // it showed the new org at once, never what it showed before (the owner had no org then)
    assert.deepEqual((await approvalsTexts()).filter((t) => /own no organization/.test(t)), []);
  });

  it("sets the token policy in the org's settings webview: approval required, classic tokens restricted", async () => {
    const { page } = wb;
    assert.equal((await asOwner('GET', `/orgs/${org}/personal-access-token-policy`)).require_approval, false);
    await (await treeItem(page, 'Organizations', org)).click();
    const frame = await webviewFrame(page, `Organization: ${org}`);
    await frame.locator('[data-testid="policy-require-approval"]').waitFor();
    await frame.locator('[data-testid="policy-require-approval"]').click();
    await frame.locator('[data-testid="policy-classic-restricted"]').click();
    await frame.locator('[data-testid="policy-save"]').click();
    await frame.locator('[data-testid="policy-saved"]').waitFor();
    const policy = await asOwner('GET', `/orgs/${org}/personal-access-token-policy`);
    assert.equal(policy.require_approval, true);
    // The editor signs in with a classic token: the owner's views below keep working under this policy.
    assert.equal(policy.classic_tokens, 'restricted');
    assert.equal(policy.max_lifetime_days.fine_grained, 366, 'the rest of the policy is as it was');
    await screenshot(page, 'ui/views-organizations-policy-saved');
  });

  it('the settings webview follows a change made elsewhere; Save sends only what was edited in it', async () => {
    const { page } = wb;
    const frame = await webviewFrame(page, `Organization: ${org}`);
    // another owner (here: the owner's own session through the API) allows classic tokens again
    await setPolicy({ api: client }, org, ownerSession, { classic_tokens: 'allowed' });
    await frame.locator('[data-testid="policy-classic-allowed"][checked]').waitFor();
    // an edit here, and meanwhile another change elsewhere: saving the edit keeps that change
    await fill(frame, 'policy-max-fine-grained', '90');
    await setPolicy({ api: client }, org, ownerSession, { require_approval: false });
    await frame.locator('[data-testid="policy-save"]').click();
    await frame.locator('[data-testid="policy-saved"]').waitFor();
    const policy = await asOwner('GET', `/orgs/${org}/personal-access-token-policy`);
    assert.equal(policy.max_lifetime_days.fine_grained, 90);
    assert.equal(policy.require_approval, false, "the other owner's change is not reverted");
    assert.equal(policy.classic_tokens, 'allowed');
    await frame.locator('[data-testid="policy-require-approval"]:not([checked])').waitFor();
  });

  it('invites a second account, which accepts from the notification; the owner sees the new member', async () => {
    const { page } = wb;
    await signInFromPalette(page, invitee);
    await orgRow(page, org, new RegExp(`^owner · ${owner.login}$`)).hover();
    await orgRow(page, org, new RegExp(`^owner · ${owner.login}$`)).locator('.actions .action-label[aria-label="Invite Member…"]').click();
    await quickInputType(page, invitee.login, { prompt: /login of the Tessera user to invite/ });
    await quickInputPick(page, 'Member');
    await waitForNotification(page, `Invited ${invitee.login} to ${org} as a member; they join once they accept.`);
    const invitations = await asOwner('GET', `/orgs/${org}/invitations`);
    assert.deepEqual(invitations.map((i: { login: string }) => i.login), [invitee.login]);

    // the invitee's invitation row comes into the same tree (live): wait for it first, so that no
    // row moves under the next click
    await orgRow(page, org, new RegExp(`^invitation for ${invitee.login} \\(as member\\)`)).waitFor();
    // the owner's org lists the pending invitation
    const ownerOrg = orgRow(page, org, new RegExp(`^owner · ${owner.login}$`));
    if ((await ownerOrg.getAttribute('aria-expanded')) !== 'true') await ownerOrg.locator('.monaco-tl-twistie').click();
    await waitForRowDescription(page, 'Organizations', 'Pending invitations', /^1$/);
    await waitForRowDescription(page, 'Organizations', invitee.login, new RegExp(`^invited as member by ${owner.login}$`));

    // the invitee's side of this window: a notification, an entry in Organizations and in Accounts
    const toast = await waitForNotification(page, `${invitee.login} is invited to join the organization ${org} as a member.`);
    await orgRow(page, org, new RegExp(`^invitation for ${invitee.login} \\(as member\\)`)).waitFor();
    const inviteeAccount = await treeItem(page, 'Accounts', invitee.login);
    if ((await inviteeAccount.getAttribute('aria-expanded')) !== 'true') await inviteeAccount.locator('.monaco-tl-twistie').click();
    await waitForRowDescription(page, 'Accounts', org, /^invitation \(as member\) — Accept$/);
    await screenshot(page, 'ui/views-organizations-invitation');
    await toast.getByRole('button', { name: 'Accept' }).click();
    await waitForNotification(page, `${invitee.login} joined ${org} as a member.`);

    // the owner's org lists the new member (and no pending invitation)
    await viewPane(page, 'Organizations').locator('.monaco-list-row .label-name', { hasText: /^Pending invitations$/ }).waitFor({ state: 'detached' });
    await waitForRowDescription(page, 'Organizations', invitee.login, /^member$/);
    await orgRow(page, org, new RegExp(`^member · ${invitee.login}$`)).waitFor();
    const members = await asOwner('GET', `/orgs/${org}/members`);
    assert.deepEqual(members.map((m: { login: string }) => m.login).sort(), [owner.login, invitee.login].sort());
    await screenshot(page, 'ui/views-organizations-member-joined');
  });

  it("changes the member's role to owner, then removes them after a confirmation", async () => {
    const { page } = wb;
    await treeItemMenuPick(page, 'Organizations', invitee.login, 'Change Role…');
    await quickInputPick(page, 'Owner');
    await waitForNotification(page, `${invitee.login} is now an owner of ${org}.`);
    await waitForRowDescription(page, 'Organizations', invitee.login, /^owner$/);
    assert.equal((await asOwner('GET', `/orgs/${org}/memberships/${invitee.login}`)).role, 'admin');
    await screenshot(page, 'ui/views-organizations-role-changed');

    await treeItemMenuPick(page, 'Organizations', invitee.login, 'Remove from Organization…');
    await waitForDialog(page, `Remove ${invitee.login} from ${org}?`);
    await clickDialogButton(page, 'Remove');
    await waitForNotification(page, `Removed ${invitee.login} from ${org}.`);
    await viewPane(page, 'Organizations').locator('.monaco-list-row .label-name', { hasText: new RegExp(`^${invitee.login}$`) }).waitFor({ state: 'detached' });
    const members = await asOwner('GET', `/orgs/${org}/members`);
    assert.deepEqual(members.map((m: { login: string }) => m.login), [owner.login]);
    await screenshot(page, 'ui/views-organizations-member-removed');
  });
});
