// Repositories without leaving the editor, in the real workbench with the packed extension: the
// create-token form offers a repository to an owner without one; the sample workspace gets a Tessera
// remote through VS Code's Add Remote… (whose fetch meets no TLS error), git is set up in one modal
// step (a status bar item waits meanwhile) and the fetch's repository, which does not exist yet, is
// offered ("Create it on Tessera and push"); Publish Branch then pushes to it; a repository created from the palette shows in the
// Repositories view, is cloned from there and deleted after a confirmation naming it. The
// provider's REST API checks each result.
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import type { ApiClient } from '../builders/api-client';
import { uniqueName } from '../builders/unique-name';
import { waitForEmbeddedProvider } from './embedded-provider';
import { signUpFromPalette, waitUntil } from './views-helpers';
import {
  clickDialogButton, clickTreeItemAction, openViewContainer, quickInputPick, recordShownTexts, quickInputType, runCommand, screenshot, startWorkbench,
  treeItem, viewPane, waitForDialog, waitForNotification, waitForQuickInput, waitForQuickInputMessage, quickInputValue, waitForStatusBarItem, webviewFrame, type Workbench,
} from './workbench';

async function git(cwd: string, ...args: string[]): Promise<string> {
  return (await promisify(execFile)('git', args, { cwd, encoding: 'utf8', timeout: 60_000 })).stdout.trim();
}

describe('repositories (UI): set up git, create on push, create, clone, delete', function () {
  this.timeout(300_000);
  let wb: Workbench;
  let client: ApiClient;
  let origin: string;
  const login = uniqueName('repo');
  const password = `pw-${login}-secret`;
  const basic = () => ({ login, password });
  const mainSha = async (repo: string): Promise<string | undefined> => {
    const r = await client.get(`/repos/${login}/${repo}/branches`, { basic: basic() });
    return (r.json as { name: string; commit: { sha: string } }[] | undefined)?.find?.((b) => b.name === 'main')?.commit.sha;
  };

  before(async () => {
    wb = await startWorkbench({
      settings: { 'git.autofetch': false, 'git.confirmSync': false, 'git.useIntegratedAskPass': true, 'git.openRepositoryInParentFolders': 'never' },
    });
    client = await waitForEmbeddedProvider(wb.profile.userDataDir, wb.embeddedPort);
    origin = `https://127.0.0.1:${wb.embeddedPort}`;
    await openViewContainer(wb.page, 'Tessera');
    await signUpFromPalette(wb.page, login, password);
  });

  after(async () => {
    await client?.close();
    await wb?.close();
  });

  it('the fine-grained form of an owner without repositories offers to create one, and selects it', async () => {
    const { page } = wb;
    await runCommand(page, 'Tessera: Create Token…');
    const frame = await webviewFrame(page, 'Create Token');
    await frame.locator('[data-testid="kind-fine_grained"]').click();
    await frame.locator('[data-testid="repo-selection-subset"]').click();
    await frame.getByText(`${login} has no repositories yet.`).waitFor();
    await frame.locator('[data-testid="create-repository"]', { hasText: `Create a repository for ${login}` }).waitFor();
    await screenshot(page, 'ui/repos-form-offers-a-repository');
    await frame.locator('[data-testid="create-repository"]').click();
    await quickInputType(page, 'from-form', { prompt: new RegExp(`Name of the new repository under ${login}`) });
    await quickInputPick(page, /Private/, { prompt: /Who can see/ });
    await quickInputType(page, '', { prompt: /short description/ });
    await frame.locator('[data-testid="repo-count"]', { hasText: /^1 selected/ }).waitFor();
    assert.equal(await frame.locator('[data-testid="repo-from-form"]').getAttribute('checked'), '', 'the new repository is selected');
    assert.equal((await client.get(`/repos/${login}/from-form`, { basic: basic() })).status, 200);
    await screenshot(page, 'ui/repos-form-created-and-selected');
    await runCommand(page, 'View: Close All Editors');
  });

  it('Add Remote… with a Tessera URL: no TLS error; git is set up in one step (a modal; the status bar item stays until it is done); the missing repository is offered and the fetch succeeds', async () => {
    const { page } = wb;
    const seen = await recordShownTexts(page, '.notification-list-item-message, .monaco-dialog-box .dialog-message-row');
    // VS Code's Add Remote… fetches from the new remote at once: git in VS Code already trusts the
    // provider and sends the repository path, so Tessera answers for ${login}/sample.
    await runCommand(page, 'Git: Add Remote...');
    await quickInputType(page, `${origin}/${login}/sample.git`, { prompt: /Provide repository URL/, submit: false });
    await quickInputPick(page, /Add remote from URL/);
    await quickInputType(page, 'origin', { prompt: /remote name/ });
    // Two modals, in whichever order they come: the one-step set-up, and (while the fetch waits) the offer to create the repository.
    const setUp = /Set up git for 'workspace' to work with Tessera\?/;
    const missing = new RegExp(`The repository ${login}/sample does not exist on Tessera`);
    const answered = new Set<string>();
    while (answered.size < 2) {
      const dialog = await waitForDialog(page, new RegExp(`${setUp.source}|${missing.source}`), 60_000);
      const text = (await dialog.textContent()) ?? '';
      let button: string;
      let re: RegExp;
      if (setUp.test(text)) {
        assert.match(text, /trust the provider's certificate/);
        await waitForStatusBarItem(page, /Set up git for Tessera/);
        await screenshot(page, 'ui/repos-git-setup-one-step');
        [button, re] = ['Set Up Git', setUp];
      } else {
        assert.match(text, /git is waiting to reach/);
        await screenshot(page, 'ui/repos-push-missing-offer');
        [button, re] = ['Create it on Tessera and push', missing];
      }
      assert.ok(!answered.has(button), `${button}: asked once`);
      answered.add(button);
      // The other modal may follow at once: wait for this one to go, not for every dialog.
      await dialog.locator('.dialog-buttons a.monaco-button', { hasText: button }).first().click();
      await page.locator('.monaco-dialog-box', { hasText: re }).waitFor({ state: 'hidden' });
    }
    await waitForNotification(page, /Git is set up for 'workspace'/);
    assert.equal(await git(wb.folder, 'config', '--local', '--get', `credential.${origin}.useHttpPath`), 'true');
    assert.match(await git(wb.folder, 'config', '--local', '--get', `http.${origin}/.sslCAInfo`), /ca\.pem$/);
    await page.locator('.part.statusbar .statusbar-item', { hasText: /Set up git for Tessera/ }).waitFor({ state: 'hidden' });
    await waitUntil('the repository on the provider', async () => ((await client.get(`/repos/${login}/sample`, { basic: basic() })).status === 200 ? true : undefined));
    // git fetch writes FETCH_HEAD once it got through (also from an empty repository).
    await waitUntil('the fetch', async () => (fs.existsSync(path.join(wb.folder, '.git', 'FETCH_HEAD')) ? true : undefined));
    await screenshot(page, 'ui/repos-git-set-up');
    assert.deepEqual((await seen()).filter((m) => /SSL certificate|certificate verification|unable to access|^Git: /i.test(m)), [], 'no git error');
  });

  it('Publish Branch: the push arrives in the new repository with the token made for it, without a question', async () => {
    const { page } = wb;
    const local = await git(wb.folder, 'rev-parse', 'HEAD');
    await runCommand(page, 'Git: Publish Branch...');
    await waitUntil('the push on the provider', async () => ((await mainSha('sample')) === local ? true : undefined));
    const repo = await client.get(`/repos/${login}/sample`, { basic: basic() });
    assert.equal(repo.json.private, true);
    await openViewContainer(page, 'Tessera');
    await treeItem(page, 'Repositories', `${login}/sample`);
    await screenshot(page, 'ui/repos-pushed-to-new-repository');
  });

  it('creates a repository from the palette (name, visibility, description); a taken name is asked again, the visibility and description kept; the Repositories view shows it', async () => {
    const { page } = wb;
    await runCommand(page, 'Tessera: Create Repository…');
    // "sample" exists (the push above): the name box opens again with it and the reason
    await quickInputType(page, 'sample', { prompt: /Name of the new repository under/ });
    await quickInputPick(page, /Private/, { prompt: /Who can see/ });
    await quickInputType(page, 'A demo from the palette', { prompt: /short description/ });
    assert.match(await waitForQuickInputMessage(page, /already exists/), new RegExp(`${login}/sample already exists on Tessera`));
    assert.equal(await quickInputValue(page, { prompt: /Create a Tessera Repository/ }), 'sample');
    await screenshot(page, 'ui/repos-create-name-taken');
    await quickInputType(page, 'demo', { prompt: /Create a Tessera Repository/ });
    // The visibility picked on the first try is kept: the description box comes next, not the pick.
    assert.equal(await quickInputValue(page, { prompt: /short description/ }), 'A demo from the palette', 'the description typed is offered again');
    await quickInputType(page, 'A demo from the palette', { prompt: /short description/ });
    await waitForNotification(page, new RegExp(`Created ${login}/demo \\(private\\) on Tessera`));
    const row = await treeItem(page, 'Repositories', `${login}/demo`);
    assert.match((await row.textContent()) ?? '', /private · A demo from the palette/);
    const r = await client.get(`/repos/${login}/demo`, { basic: basic() });
    assert.equal(r.status, 200);
    assert.equal(r.json.description, 'A demo from the palette');
    assert.equal(r.json.private, true);
    await screenshot(page, 'ui/repos-created-from-palette');
  });

  it('clones a repository from the view (Tessera makes a token that can read it)', async () => {
    const { page } = wb;
    const dest = path.join(path.dirname(wb.folder), 'demo');
    await clickTreeItemAction(page, 'Repositories', `${login}/demo`, 'Clone Repository…');
    const dialog = await waitForQuickInput(page, new RegExp(`Where should ${login}/demo be cloned`));
    await dialog.locator('.monaco-button', { hasText: 'Select as Repository Destination' }).first().click();
    // No token reads demo yet: Tessera's git credentials offer one (two clicks), as for any fetch.
    const offer = await waitForNotification(page, new RegExp(`Tessera has no token that can read ${login}/demo`), 60_000);
    await offer.getByRole('button', { name: 'Create Token…' }).click();
    await quickInputPick(page, new RegExp(`Fine-grained token for ${login}/demo`), { prompt: /Which token should git use/ });
    await waitForNotification(page, new RegExp(`Cloned ${login}/demo into ${dest.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`), 60_000);
    assert.ok(fs.existsSync(path.join(dest, '.git')), 'the clone is there');
    assert.equal(await git(dest, 'remote', 'get-url', 'origin'), `${origin}/${login}/demo.git`);
    assert.equal(await git(dest, 'config', '--local', '--get', `credential.${origin}.useHttpPath`), 'true');
    await screenshot(page, 'ui/repos-cloned-from-view');
  });

  it('deletes a repository only after a modal confirmation naming it', async () => {
    const { page } = wb;
    await clickTreeItemAction(page, 'Repositories', `${login}/demo`, 'Delete Repository…');
    await waitForDialog(page, new RegExp(`Delete the repository ${login}/demo\\?`));
    await clickDialogButton(page, 'Cancel');
    assert.equal((await client.get(`/repos/${login}/demo`, { basic: basic() })).status, 200, 'Cancel keeps it');

    await clickTreeItemAction(page, 'Repositories', `${login}/demo`, 'Delete Repository…');
    const dialog = await waitForDialog(page, new RegExp(`Delete the repository ${login}/demo\\?`));
    assert.match((await dialog.textContent()) ?? '', /cannot be undone/);
    await screenshot(page, 'ui/repos-delete-confirmation');
    await clickDialogButton(page, `Delete ${login}/demo`);
    await waitUntil('the repository gone on the provider', async () => ((await client.get(`/repos/${login}/demo`, { basic: basic() })).status === 404 ? true : undefined));
    await viewPane(page, 'Repositories').locator('.monaco-list-row', { hasText: `${login}/demo` }).waitFor({ state: 'detached' });
    await treeItem(page, 'Repositories', `${login}/sample`);
    await screenshot(page, 'ui/repos-deleted');
  });
});
