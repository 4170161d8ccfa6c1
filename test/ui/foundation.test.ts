// Foundation UI tests: the packed .vsix in a real workbench shows the Tessera view container with
// its three views; and the helpers in ./workbench drive every kind of UI the product uses
// (checked against a test-only probe extension, so a helper bug never hides behind a product bug).
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { REPO_ROOT } from '../harness/code-server';
import {
  clickDialogButton, clickTreeItem, clickTreeItemAction, clickViewAction, treeItemMenuPick, openViewContainer,
  quickInputIsPassword, quickInputItems, quickInputPick, quickInputType, runCommand, screenshot, startWorkbench,
  viewPane, visibleViews, waitForDialog, waitForNotification, webviewFrame, type Workbench,
} from './workbench';

const PROBE_EXTENSION = path.join(REPO_ROOT, 'test', 'harness', 'probe-extension');

describe('foundation (UI)', () => {
  let wb: Workbench;
  before(async function () {
    this.timeout(120_000);
    wb = await startWorkbench({ extraExtensions: [PROBE_EXTENSION] });
  });
  after(async () => { await wb?.close(); });

  describe('the Tessera view container', () => {
    it('shows the views Accounts, Tokens, Repositories, Approvals and Organizations', async () => {
      await openViewContainer(wb.page, 'Tessera');
      for (const name of ['Accounts', 'Tokens', 'Repositories', 'Approvals', 'Organizations']) {
        await viewPane(wb.page, name).locator('.pane-header').waitFor({ state: 'visible' });
      }
      assert.deepEqual(await visibleViews(wb.page), ['Accounts', 'Tokens', 'Repositories', 'Approvals', 'Organizations']);
      await wb.page.mouse.move(800, 500); // no activity-bar hover in the picture
      const file = await screenshot(wb.page, 'ui/tessera-view-container');
      console.log(`      screenshot: ${path.relative(REPO_ROOT, file)}`);
    });
  });

  describe('workbench helpers (harness probe extension)', () => {
    it('runCommand, quickInputType (plain and masked), quickInputPick, waitForNotification', async () => {
      const { page } = wb;
      await runCommand(page, 'Harness Probe: Ask Name');
      assert.equal(await quickInputIsPassword(page), false);
      await quickInputType(page, 'Ada', { prompt: /Your name/ });
      assert.equal(await quickInputIsPassword(page), true, 'the second input box is password: true');
      await quickInputType(page, 's3cret', { prompt: /A secret/ });
      assert.deepEqual(await quickInputItems(page), ['red', 'green', 'blue']);
      await quickInputPick(page, 'green', { prompt: /Pick a color/ });
      await waitForNotification(page, 'Probe: Ada picked green (secret length 6)');
    });

    it('waitForDialog and clickDialogButton answer a modal dialog', async () => {
      const { page } = wb;
      await runCommand(page, 'Harness Probe: Ask Consent');
      const dialog = await waitForDialog(page, /wants to do something/);
      assert.match((await dialog.textContent()) ?? '', /Allow it\?/);
      await clickDialogButton(page, 'Allow');
      await waitForNotification(page, 'Probe consent: Allow');
    });

    it('webviewFrame reads and drives a webview through its two iframes', async () => {
      const { page } = wb;
      await runCommand(page, 'Harness Probe: Open Webview');
      const frame = await webviewFrame(page, 'Probe Webview');
      await frame.locator('#word').fill('tessera');
      await frame.locator('#send').click();
      await waitForNotification(page, 'Probe webview sent tessera');
      await frame.locator('#echo', { hasText: 'echo: tessera' }).waitFor();
    });

    it('clickTreeItem, clickTreeItemAction, treeItemMenuPick, clickViewAction', async () => {
      const { page } = wb;
      await openViewContainer(page, 'Harness Probe');
      await clickTreeItem(page, 'Probe Items', 'first item');
      await waitForNotification(page, 'Probe clicked first item');
      await clickTreeItemAction(page, 'Probe Items', 'second item', 'Inspect Item');
      await waitForNotification(page, 'Probe inspected second item');
      await treeItemMenuPick(page, 'Probe Items', 'first item', 'Rename Item');
      await waitForNotification(page, 'Probe renamed first item');
      await clickViewAction(page, 'Probe Items', 'Refresh Items', { until: (timeout) => waitForNotification(page, 'Probe refreshed', timeout) });
    });
  });
});
