// git through the real workbench: a workspace cloned from the embedded provider, opened in VS Code;
// Tessera asks (once, one modal step) to set git up for the repository, including trust of the
// provider despite the machine's GIT_SSL_CAINFO; a change is committed and pushed from the Source Control view — Tessera
// offers to create a token for the repository (two clicks) and vscode.git pushes with it; then a
// push from the integrated terminal. On the provider the test checks that the pushes arrived and
// which token made them (audit log, last_used_at). Last, Debian's gh, unchanged, against the same
// embedded provider: auth login --with-token, auth status, repo list, repo view, repo clone.
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import type { ApiClient } from '../builders/api-client';
import { ensureGh, ghEnvironment, runGh } from '../provider/helpers/gh';
import { createRepo } from '../builders/repos';
import { createClassicToken } from '../builders/tokens';
import { uniqueName } from '../builders/unique-name';
import { createUser, type TestUser } from '../builders/users';
import { embeddedCaPath, waitForEmbeddedProvider } from './embedded-provider';
import {
  clickDialogButton, openViewContainer, quickInputPick, runCommand, screenshot, startWorkbench, waitForDialog, waitForNotification, type Workbench,
} from './workbench';
import { signInFromPalette, waitUntil } from './views-helpers';

function git(cwd: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('git', args, { cwd, env, timeout: 60_000 }, (err, stdout, stderr) => (err ? reject(new Error(`git ${args.join(' ')}: ${stderr || err.message}`)) : resolve(stdout.trim())));
  });
}

async function clickNotificationButton(page: Page, message: RegExp | string, button: string): Promise<void> {
  const n = await waitForNotification(page, message, 60_000);
  await n.getByRole('button', { name: button }).click();
}

describe('core (UI): git push with a Tessera token', function () {
  this.timeout(300_000);
  let wb: Workbench;
  let client: ApiClient;
  let user: TestUser;
  let origin: string;
  let clone: string;

  const basic = () => ({ login: user.login, password: user.password });
  const branchSha = async (): Promise<string | undefined> => {
    const r = await client.get(`/repos/${user.login}/app/branches`, { basic: basic() });
    return (r.json as { name: string; commit: { sha: string } }[] | undefined)?.find((b) => b.name === 'main')?.commit.sha;
  };

  before(async () => {
    wb = await startWorkbench({
      settings: {
        'git.enableSmartCommit': true,
        'git.confirmSync': false,
        'git.autofetch': false,
        'git.postCommitCommand': 'none',
        'git.terminalAuthentication': true,
        'git.useIntegratedAskPass': true,
        // The DOM renderer: the terminal's text is then in the page (the test waits for the prompt).
        'terminal.integrated.gpuAcceleration': 'off',
      },
    });
    client = await waitForEmbeddedProvider(wb.profile.userDataDir, wb.embeddedPort);
    origin = `https://127.0.0.1:${wb.embeddedPort}`;
    user = await createUser({ api: client }, { login: uniqueName('pusher') });
    await createRepo({ api: client }, user, undefined, 'app');

    // Seed the repository and clone it with a token of the test's own (through the environment only,
    // deleted afterwards): the clone has no Tessera configuration yet.
    const seed = await createClassicToken({ api: client }, user, { name: 'seed', scopes: ['repo'] });
    const env = {
      ...process.env, GIT_SSL_CAINFO: embeddedCaPath(wb.profile.userDataDir), GIT_TERMINAL_PROMPT: '0',
      GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: `http.${origin}/.extraHeader`,
      GIT_CONFIG_VALUE_0: `Authorization: Basic ${Buffer.from(`x-access-token:${seed.token}`).toString('base64')}`,
    };
    const work = path.dirname(wb.folder);
    const seedDir = path.join(work, 'seed');
    fs.mkdirSync(seedDir);
    await git(seedDir, ['init', '-q', '-b', 'main']);
    fs.writeFileSync(path.join(seedDir, 'README.md'), '# app\n');
    await git(seedDir, ['add', '.']);
    await git(seedDir, ['-c', 'user.name=Seed', '-c', 'user.email=seed@example.test', 'commit', '-q', '-m', 'seed']);
    await git(seedDir, ['push', '-q', `${origin}/${user.login}/app.git`, 'main'], env);
    clone = path.join(work, 'app');
    await git(work, ['clone', '-q', `${origin}/${user.login}/app.git`, clone], env);
    await git(clone, ['config', 'user.name', 'Pusher']);
    await git(clone, ['config', 'user.email', 'pusher@example.test']);
    const del = await client.delete(`/user/personal-access-tokens/${seed.id}`, { basic: basic() });
    assert.equal(del.status, 204, del.text);
  });

  after(async () => {
    await client?.close();
    await wb?.close();
  });

  it('opens the clone: Tessera sets git up in one step (config, and trust despite GIT_SSL_CAINFO); then signs in', async () => {
    const { page } = wb;
    // Open the clone in this window (the page reloads and the extension host restarts). Sign in
    // only afterwards: code-server keeps secrets in the page's localStorage and writes them
    // asynchronously (encrypt, then store, not awaited), so a reload right after a sign-in can
    // lose the new account's secrets — that is code-server's browser storage, not Tessera.
    const url = new URL(wb.url);
    url.searchParams.set('folder', clone);
    await page.goto(url.toString());
    await page.locator('.monaco-workbench .part.statusbar').waitFor({ timeout: 60_000 });
    // One step: the repository's config and, when GIT_SSL_CAINFO is set, the combined CA bundle.
    const dialog = await waitForDialog(page, /Set up git for 'app' to work with Tessera\?/, 60_000);
    if (process.env.GIT_SSL_CAINFO) assert.match((await dialog.textContent()) ?? '', /GIT_SSL_CAINFO is set/);
    await clickDialogButton(page, 'Set Up Git');
    await waitForNotification(page, process.env.GIT_SSL_CAINFO ? /Git is set up for 'app'.*GIT_SSL_CAINFO →/ : /Git is set up for 'app'/);
    assert.equal(await git(clone, ['config', '--local', '--get', `credential.${origin}.useHttpPath`]), 'true');
    assert.equal(await git(clone, ['config', '--local', '--get', `http.${origin}/.sslCAInfo`]), embeddedCaPath(wb.profile.userDataDir));

    await signInFromPalette(page, user);
  });

  it('commits and pushes from the Source Control view; Tessera creates a token for the repository in two clicks', async () => {
    const { page } = wb;
    fs.appendFileSync(path.join(clone, 'README.md'), '\nA change pushed from the Source Control view.\n');
    await openViewContainer(page, 'Source Control');
    const scm = page.locator('.part.sidebar');
    await scm.locator('.monaco-list-row', { hasText: 'README.md' }).first().waitFor({ timeout: 30_000 });
    const input = scm.locator('.scm-editor .monaco-editor').first();
    await input.click();
    await page.keyboard.type('Change from the Source Control view');
    await scm.locator('.button-container .monaco-button', { hasText: /^\s*Commit\s*$/ }).first().click();
    await scm.locator('.button-container .monaco-button', { hasText: /Sync Changes/ }).first().waitFor({ timeout: 30_000 });
    const local = await git(clone, ['rev-parse', 'HEAD']);
    await scm.locator('.button-container .monaco-button', { hasText: /Sync Changes/ }).first().click();

    // No token can push yet: click 1 on the offer, click 2 on the kind of token.
    await clickNotificationButton(page, new RegExp(`Tessera has no token that can push to ${user.login}/app`), 'Create Token…');
    await screenshot(page, 'ui/core-git-create-token-offer');
    await quickInputPick(page, new RegExp(`Fine-grained token for ${user.login}/app`), { prompt: /Which token should git use/ });

    await waitUntil('the push on the provider', async () => ((await branchSha()) === local ? true : undefined));
    await screenshot(page, 'ui/core-git-pushed-from-scm');

    const tokens = await client.get('/user/personal-access-tokens', { basic: basic() });
    const made = (tokens.json as { id: number; name: string; kind: string; repositories?: { name: string }[]; permissions?: unknown; last_used_at: string | null }[])
      .find((t) => t.name === `git: ${user.login}/app (VS Code)`);
    assert.ok(made, `the token Tessera made for git, among ${JSON.stringify(tokens.json.map((t: { name: string }) => t.name))}`);
    assert.equal(made.kind, 'fine_grained');
    assert.deepEqual(made.repositories?.map((r) => r.name), ['app']);
    assert.equal((made.permissions as { repository?: { contents?: string } })?.repository?.contents, 'write');
    assert.ok(made.last_used_at, 'the token records its use');
    const audit = await client.get('/user/audit-log?phrase=action:git.push', { basic: basic() });
    const pushes = (audit.json as { action: string; token_id?: number }[]).filter((e) => e.action === 'git.push');
    assert.ok(pushes.length >= 1, audit.text.slice(0, 300));
    assert.equal(pushes[0]!.token_id, made.id, 'the newest push was made with that token');
  });

  it('pushes from the integrated terminal with the same token', async () => {
    const { page } = wb;
    await runCommand(page, 'Terminal: Create New Terminal');
    const terminal = page.locator('.terminal-wrapper .xterm').last();
    await terminal.waitFor({ timeout: 30_000 });
    // The shell is ready for input once it printed its prompt (the only text of a new terminal).
    const rows = terminal.locator('.xterm-rows');
    await waitUntil('the shell prompt in the new terminal', async () => ((await rows.innerText().catch(() => '')).trim() ? true : undefined));
    await terminal.click();
    await waitUntil('the terminal to have the focus', async () => (await terminal.locator('textarea.xterm-helper-textarea').evaluate((el) => el === el.ownerDocument.activeElement) ? true : undefined));
    await page.keyboard.type('git commit -q --allow-empty -m "from the terminal" && git push -q origin main && echo PUSHED-OK\n');
    const local = await waitUntil('the terminal commit', async () => {
      const log = await git(clone, ['log', '-1', '--format=%H %s']).catch(() => '');
      return log.endsWith('from the terminal') ? log.split(' ')[0] : undefined;
    });
    await waitUntil('the terminal push on the provider', async () => ((await branchSha()) === local ? true : undefined));
    await screenshot(page, 'ui/core-git-pushed-from-terminal');
    const audit = await client.get('/user/audit-log?phrase=action:git.push', { basic: basic() });
    const tokens = await client.get('/user/personal-access-tokens', { basic: basic() });
    const made = (tokens.json as { id: number; name: string }[]).find((t) => t.name === `git: ${user.login}/app (VS Code)`)!;
    assert.equal((audit.json as { action: string; token_id?: number }[]).filter((e) => e.action === 'git.push')[0]?.token_id, made.id);
  });
  it("GitHub's own gh, unchanged, works against the workbench's embedded provider: login, status, repo list/view/clone", async function () {
    this.timeout(600_000);
    ensureGh();
    const made = await client.post('/authorizations', { basic: basic(), body: { scopes: ['repo', 'read:org'], note: 'gh against the embedded provider' } });
    assert.equal(made.status, 201, made.text);
    const gh = await ghEnvironment({ url: origin, caCertPem: fs.readFileSync(embeddedCaPath(wb.profile.userDataDir), 'utf8') });
    try {
      const login = await runGh(['auth', 'login', '--with-token'], gh.env, { input: `${made.json.token}\n` });
      assert.equal(login.status, 0, login.stderr);
      const status = await runGh(['auth', 'status'], gh.env);
      assert.ok(status.stderr.includes(`Logged in to ${gh.host} as ${user.login}`), status.stderr);
      const list = await runGh(['repo', 'list', user.login], gh.env);
      assert.equal(list.status, 0, list.stderr);
      assert.ok(list.stdout.split('\n').some((l) => l.startsWith(`${user.login}/app\t`)), list.stdout);
      const view = await runGh(['repo', 'view', `${user.login}/app`, '--json', 'nameWithOwner,isPrivate'], gh.env);
      assert.equal(view.status, 0, view.stderr);
      assert.deepEqual(JSON.parse(view.stdout), { nameWithOwner: `${user.login}/app`, isPrivate: true });
      const into = path.join(gh.dir, 'cloned');
      const clone2 = await runGh(['repo', 'clone', `${user.login}/app`, into], gh.env);
      assert.equal(clone2.status, 0, clone2.stderr);
      assert.equal(await git(into, ['log', '-1', '--format=%s'], gh.env), 'from the terminal', 'the clone has the pushes made from the workbench');
    } finally {
      await gh.dispose();
    }
  });
});
