// Fine-grained tokens and real git in the extension host, against the real embedded provider: the
// credentials provider picks the token for the operation (fetch vs push) and for the repository's
// owner (two repositories of different owners); "Clone Repository…" clones with a token chosen for
// the repository and configures the clone; a push run by vscode.git gets its token from Tessera's
// credentials provider, and the provider's audit log names that token.
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { AccountInfo } from '../../src/extension/services';
import type { TesseraApi } from '../../src/extension/test-api';
import type { ApiClient } from '../builders/api-client';
import { createOrg } from '../builders/orgs';
import { createRepo } from '../builders/repos';
import { uniqueName } from '../builders/unique-name';
import { createUser, type TestUser } from '../builders/users';
import { providerClient, tesseraApi } from './core-helpers';

/** The part of vscode.git's API (extensions/git/src/api/git.d.ts) this test uses. */
interface GitRepository {
  readonly state: { readonly HEAD?: { readonly commit?: string; readonly ahead?: number } };
  push(remoteName?: string, branchName?: string, setUpstream?: boolean): Promise<void>;
  status(): Promise<void>;
}
interface GitApi {
  openRepository(root: vscode.Uri): Promise<GitRepository | null>;
}

/** git without blocking this extension host (the provider answers from here). */
function git(cwd: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('git', args, { cwd, env, timeout: 60_000 }, (err, stdout, stderr) => (err ? reject(new Error(`git ${args.join(' ')}: ${stderr || err.message}`)) : resolve(stdout.trim())));
  });
}

interface Minted {
  id: number;
  token: string;
}

describe('core: fine-grained tokens for git, and a real push through vscode.git', function () {
  this.timeout(120_000);
  let api: TesseraApi;
  let client: ApiClient;
  let origin: string;
  let alice: TestUser;
  let account: AccountInfo;
  let org: string;
  let appRead: Minted;
  let appWrite: Minted;
  let siteWrite: Minted;

  const basic = () => ({ login: alice.login, password: alice.password });

  async function mint(body: Record<string, unknown>): Promise<Minted> {
    const t = await api.services.api<Minted & { status: string }>(account.id, 'POST', '/user/personal-access-tokens', { expires_in_days: 30, ...body });
    assert.equal(t.status, 'active', `token ${t.id} is ${t.status}, not active`);
    await api.services.rememberTokenSecret(account.id, t.id, t.token);
    return t;
  }

  before(async () => {
    api = await tesseraApi();
    client = await providerClient(api);
    origin = (await api.providerInfo()).origin;
    alice = await createUser({ api: client }, { login: uniqueName('alice') });
    account = await api.signInWithPassword({ login: alice.login, password: alice.password });
    org = await createOrg({ api: client }, alice, uniqueName('acme'));
    await createRepo({ api: client }, alice, undefined, 'app');
    await createRepo({ api: client }, alice, org, 'site');
    const fg = (owner: string, repo: string, contents: 'read' | 'write', name: string) => ({
      name, kind: 'fine_grained', resource_owner: owner, repository_selection: 'subset', repositories: [repo],
      permissions: { repository: { contents } },
    });
    appRead = await mint(fg(alice.login, 'app', 'read', 'app read'));
    appWrite = await mint(fg(alice.login, 'app', 'write', 'app write'));
    siteWrite = await mint(fg(org, 'site', 'write', 'site write'));
  });

  const originalCaInfo = process.env.GIT_SSL_CAINFO;
  after(async () => {
    // The combined bundle was applied to this extension host's environment: put it back for others.
    if (originalCaInfo === undefined) delete process.env.GIT_SSL_CAINFO;
    else process.env.GIT_SSL_CAINFO = originalCaInfo;
    if (account) await api.signOut(account.id).catch(() => undefined);
    await client?.close();
  });

  it('fetch gets the read-only token, push the write token, for the same repository', async () => {
    const url = `${origin}/${alice.login}/app.git`;
    assert.equal((await api.selectCredentials(url, 'fetch'))?.tokenId, appRead.id);
    assert.equal((await api.selectCredentials(url, 'push'))?.tokenId, appWrite.id);
    const unknown = await api.selectCredentials(url, 'unknown');
    assert.equal(unknown?.tokenId, appWrite.id, 'vscode.git does not say which: a token that can push');
    assert.equal(unknown?.operation, 'push');
    assert.deepEqual(await api.gitCredentials(url), { username: 'x-access-token', password: appWrite.token });
  });

  it('two repositories of different owners each get their owner’s token', async () => {
    const site = `${origin}/${org}/site.git`;
    assert.equal((await api.selectCredentials(site, 'push'))?.tokenId, siteWrite.id);
    assert.equal((await api.selectCredentials(site, 'fetch'))?.tokenId, siteWrite.id);
    assert.equal((await api.gitCredentials(site))?.password, siteWrite.token);
    assert.equal((await api.selectCredentials(`${origin}/${alice.login}/app.git`, 'push'))?.tokenId, appWrite.id);
    // A repository none of the tokens selects gets none of them.
    assert.equal(await api.selectCredentials(`${origin}/${org}/other.git`, 'fetch'), undefined);
  });

  it('the selected tokens really work that way with git over HTTPS', async () => {
    const info = await api.providerInfo();
    const env = (token: string) => ({
      ...process.env, GIT_SSL_CAINFO: info.caCertPath!, GIT_TERMINAL_PROMPT: '0', GIT_ASKPASS: '',
      GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: `http.${origin}/.extraHeader`,
      GIT_CONFIG_VALUE_0: `Authorization: Basic ${Buffer.from(`x-access-token:${token}`).toString('base64')}`,
    });
    const cwd = process.env.TESSERA_TEST_WORKDIR!;
    await git(cwd, ['ls-remote', `${origin}/${alice.login}/app.git`], env(appRead.token));
    await assert.rejects(git(cwd, ['ls-remote', `${origin}/${org}/site.git`], env(appRead.token)), 'the app token does not read the org repository');
  });

  it('Clone Repository… clones with a token for the repository and configures the clone', async () => {
    const parent = fs.mkdtempSync(path.join(process.env.TESSERA_TEST_WORKDIR!, 'clone-'));
    const dest = await api.cloneRepository({ fullName: `${org}/site`, parentDir: parent, open: 'none' });
    assert.equal(dest, path.join(parent, 'site'));
    assert.ok(fs.existsSync(path.join(dest, '.git')));
    const info = await api.providerInfo();
    assert.equal(await git(dest, ['config', '--local', '--get', `credential.${origin}.useHttpPath`]), 'true');
    assert.equal(await git(dest, ['config', '--local', '--get', `http.${origin}/.sslCAInfo`]), info.caCertPath);
    const config = fs.readFileSync(path.join(dest, '.git', 'config'), 'utf8');
    assert.ok(!config.includes(siteWrite.token) && !/extraHeader/i.test(config), 'no token in the clone’s config');
  });

  it("a push run by vscode.git gets Tessera's token for the repository; the provider records which", async () => {
    const parent = fs.mkdtempSync(path.join(process.env.TESSERA_TEST_WORKDIR!, 'push-'));
    const dest = (await api.cloneRepository({ fullName: `${org}/site`, parentDir: parent, open: 'none' }))!;
    await git(dest, ['config', 'user.name', 'Alice']);
    await git(dest, ['config', 'user.email', 'alice@example.test']);
    await git(dest, ['symbolic-ref', 'HEAD', 'refs/heads/main']);
    fs.writeFileSync(path.join(dest, 'README.md'), '# site\n');
    await git(dest, ['add', 'README.md']);
    await git(dest, ['commit', '-q', '-m', 'First commit, pushed by vscode.git']);
    const head = await git(dest, ['rev-parse', 'HEAD']);

    // This machine exports GIT_SSL_CAINFO (it overrides http.sslCAInfo): take the product's fix.
    if (process.env.GIT_SSL_CAINFO) assert.ok(await api.useCombinedCaBundle());
    const gitExt = vscode.extensions.getExtension<{ getAPI(v: 1): GitApi }>('vscode.git')!;
    const gitApi = (gitExt.isActive ? gitExt.exports : await gitExt.activate()).getAPI(1);
    const repo = await gitApi.openRepository(vscode.Uri.file(dest));
    assert.ok(repo, 'vscode.git opened the clone');
    await repo.push('origin', 'main', true);

    const branches = await client.get(`/repos/${org}/site/branches`, { basic: basic() });
    assert.equal(branches.status, 200, branches.text);
    assert.equal((branches.json as { name: string; commit: { sha: string } }[]).find((b) => b.name === 'main')?.commit.sha, head, 'the commit arrived');
    const audit = await client.get('/user/audit-log?phrase=action:git.push', { basic: basic() });
    assert.equal(audit.status, 200, audit.text);
    const push = (audit.json as { action: string; token_id?: number; repo?: string }[]).find((e) => e.action === 'git.push');
    assert.ok(push, `a git.push event in ${audit.text.slice(0, 500)}`);
    assert.equal(push.token_id, siteWrite.id, 'the push was made with the site token that vscode.git got from Tessera');
    const used = await client.get(`/user/personal-access-tokens/${siteWrite.id}`, { basic: basic() });
    assert.ok(used.json.last_used_at, 'the token records its use');
  });
});
