// Pushes run by vscode.git at the same time to different repositories on one Tessera provider: each
// gets the token chosen for its own repository. (vscode.git's askpass keeps the credentials it got
// for a username question by host until git asks for the password, so two pushes to one host could
// take each other's token there; Tessera answers git for its origins as a credential helper,
// username and password at once.) Real repositories, real git, real vscode.git, the real provider,
// whose audit log names the token of each push.
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { AccountInfo } from '../../src/extension/services';
import type { TesseraApi } from '../../src/extension/test-api';
import type { ApiClient } from '../builders/api-client';
import { createRepo } from '../builders/repos';
import { uniqueName } from '../builders/unique-name';
import { createUser, type TestUser } from '../builders/users';
import { providerClient, tesseraApi } from './core-helpers';

interface GitRepository {
  push(remoteName?: string, branchName?: string, setUpstream?: boolean): Promise<void>;
}
interface GitApi {
  openRepository(root: vscode.Uri): Promise<GitRepository | null>;
}

function git(cwd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('git', args, { cwd, timeout: 60_000 }, (err, stdout, stderr) => (err ? reject(new Error(`git ${args.join(' ')}: ${stderr || err.message}`)) : resolve(stdout.trim())));
  });
}

const REPOS = ['one', 'two', 'three', 'four'];

describe('core: concurrent pushes through vscode.git to repositories on one host', function () {
  this.timeout(180_000);
  let api: TesseraApi;
  let client: ApiClient;
  let alice: TestUser;
  let account: AccountInfo;
  const tokenOf = new Map<string, number>();
  const basic = () => ({ login: alice.login, password: alice.password });
  const originalCaInfo = process.env.GIT_SSL_CAINFO;

  before(async () => {
    api = await tesseraApi();
    client = await providerClient(api);
    alice = await createUser({ api: client }, { login: uniqueName('pushers') });
    account = await api.signInWithPassword({ login: alice.login, password: alice.password });
    for (const name of REPOS) {
      await createRepo({ api: client }, alice, undefined, name);
      // A token for this repository only: another repository's token cannot push here.
      const t = await api.services.api<{ id: number; token: string }>(account.id, 'POST', '/user/personal-access-tokens', {
        name: `${name} write`, kind: 'fine_grained', resource_owner: alice.login, repository_selection: 'subset', repositories: [name],
        permissions: { repository: { contents: 'write' } }, expires_in_days: 30,
      });
      await api.services.rememberTokenSecret(account.id, t.id, t.token);
      tokenOf.set(name, t.id);
    }
  });

  after(async () => {
    if (originalCaInfo === undefined) delete process.env.GIT_SSL_CAINFO;
    else process.env.GIT_SSL_CAINFO = originalCaInfo;
    if (account) await api.signOut(account.id).catch(() => undefined);
    await client?.close();
  });

  it('each push uses its own repository’s token, and every push arrives', async () => {
    if (process.env.GIT_SSL_CAINFO) assert.ok(await api.useCombinedCaBundle());
    const gitExt = vscode.extensions.getExtension<{ getAPI(v: 1): GitApi }>('vscode.git')!;
    const gitApi = (gitExt.isActive ? gitExt.exports : await gitExt.activate()).getAPI(1);
    const parent = fs.mkdtempSync(path.join(process.env.TESSERA_TEST_WORKDIR!, 'pushes-'));
    const heads = new Map<string, string>();
    const repos: [string, GitRepository][] = [];
    for (const name of REPOS) {
      const dest = (await api.cloneRepository({ fullName: `${alice.login}/${name}`, parentDir: parent, open: 'none' }))!;
      await git(dest, ['config', 'user.name', 'Alice']);
      await git(dest, ['config', 'user.email', 'alice@example.test']);
      await git(dest, ['symbolic-ref', 'HEAD', 'refs/heads/main']);
      fs.writeFileSync(path.join(dest, 'README.md'), `# ${name}\n`);
      await git(dest, ['add', 'README.md']);
      await git(dest, ['commit', '-q', '-m', `First commit of ${name}`]);
      heads.set(name, await git(dest, ['rev-parse', 'HEAD']));
      const repo = await gitApi.openRepository(vscode.Uri.file(dest));
      assert.ok(repo, `vscode.git opened ${name}`);
      repos.push([name, repo]);
    }

    const results = await Promise.allSettled(repos.map(([, repo]) => repo.push('origin', 'main', true)));
    const failed = results.flatMap((r, i) => (r.status === 'rejected' ? [`${repos[i]![0]}: ${String((r.reason as { stderr?: string }).stderr ?? r.reason)}`] : []));
    assert.deepEqual(failed, [], 'every push succeeded');

    for (const name of REPOS) {
      const branches = await client.get(`/repos/${alice.login}/${name}/branches`, { basic: basic() });
      assert.equal(branches.status, 200, branches.text);
      assert.equal((branches.json as { name: string; commit: { sha: string } }[]).find((b) => b.name === 'main')?.commit.sha, heads.get(name), `${name}'s commit arrived`);
    }
    const audit = await client.get('/user/audit-log?phrase=action:git.push&per_page=100', { basic: basic() });
    assert.equal(audit.status, 200, audit.text);
    const pushes = (audit.json as { action: string; token_id?: number; repository?: string }[]).filter((e) => e.action === 'git.push');
    for (const name of REPOS) {
      const push = pushes.find((e) => e.repository === `${alice.login}/${name}`);
      assert.ok(push, `a git.push event for ${name} in ${audit.text.slice(0, 500)}`);
      assert.equal(push.token_id, tokenOf.get(name), `${name} was pushed with its own token`);
    }
  });
});
