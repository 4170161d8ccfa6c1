// The git the provider runs on its repositories (git http-backend for clones and pushes, and the
// plumbing behind auto_init and the contents API) reads no configuration but the repository's own:
// the service account's ~/.gitconfig, $XDG_CONFIG_HOME/git/config and GIT_CONFIG_GLOBAL — here a
// hostile one whose core.hooksPath runs hooks — change nothing of what a push does; the provider's
// own settings for pushes and fetches (git-service-env.ts) apply to every repository.
import * as assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { hermeticGitEnv, runGit } from '../../bench/git-https/git-client';
import { createRepo } from '../builders/repos';
import { newSession, type Session } from '../builders/sessions';
import { startTestProvider, TestProvider } from './helpers/provider';

const HOOKS = ['pre-receive', 'update', 'post-receive', 'post-update', 'reference-transaction'];

describe("git: the provider's git ignores the service account's own git configuration", function () {
  this.timeout(60_000);
  let t: TestProvider;
  let tmp: string;
  let alice: Session;
  const saved: Record<string, string | undefined> = {};

  before(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'tessera-git-config-'));
    t = await startTestProvider();
    alice = await newSession(t);
  });
  after(async () => {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    await t?.close();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  /** Points the provider process's HOME, XDG_CONFIG_HOME and GIT_CONFIG_GLOBAL at a config whose hooks write to `marker`. */
  async function hostileGlobalConfig(marker: string): Promise<void> {
    const home = path.join(tmp, 'service-home');
    const hooks = path.join(home, 'hooks');
    await mkdir(path.join(home, '.config', 'git'), { recursive: true });
    await mkdir(hooks);
    for (const hook of HOOKS) {
      await writeFile(path.join(hooks, hook), `#!/bin/sh\necho ${hook} >> '${marker}'\n`);
      await chmod(path.join(hooks, hook), 0o755);
    }
    const config = `[core]\n\thooksPath = ${hooks}\n[receive]\n\tdenyNonFastForwards = true\n`;
    await writeFile(path.join(home, '.gitconfig'), config);
    await writeFile(path.join(home, '.config', 'git', 'config'), config);
    for (const key of ['HOME', 'XDG_CONFIG_HOME', 'GIT_CONFIG_GLOBAL']) saved[key] = process.env[key];
    process.env.HOME = home;
    process.env.XDG_CONFIG_HOME = path.join(home, '.config');
    process.env.GIT_CONFIG_GLOBAL = path.join(home, '.gitconfig');
  }

  it('a push (and a force push) runs no hook from a global core.hooksPath and obeys no global receive.* setting', async () => {
    const marker = path.join(tmp, 'hooks-ran.txt');
    await hostileGlobalConfig(marker);
    const repo = await createRepo(t, alice, undefined, 'guarded', true);
    const work = path.join(tmp, 'work');
    await mkdir(path.join(tmp, 'client-home'));
    await mkdir(work);
    const env = hermeticGitEnv(path.join(tmp, 'client-home'), undefined);
    const remote = t.provider.url.replace('http://', `http://${alice.user.login}:${alice.token}@`) + `/${repo.full_name}.git`;
    const ok = async (args: string[]) => {
      const r = await runGit(args, { cwd: work, env });
      assert.equal(r.code, 0, `git ${args[0]} failed: ${r.stderr.replaceAll(alice.token, '***')}`);
    };

    await ok(['init', '-q', '-b', 'main']);
    await ok(['commit', '-q', '--allow-empty', '-m', 'first']);
    await ok(['push', '-q', remote, 'main']);
    await ok(['commit', '-q', '--amend', '--allow-empty', '-m', 'rewritten']);
    // The hostile receive.denyNonFastForwards=true would refuse this; the repository's own false decides.
    await ok(['push', '-q', '--force', remote, 'main']);

    const ran = await readFile(marker, 'utf8').catch(() => '');
    assert.equal(ran, '', `no hook of the global core.hooksPath ran, yet these did: ${ran.trim().split('\n').join(', ')}`);
  });

  it('every pushed object is checked (receive.fsckObjects): a tree with a .GIT entry is refused and nothing of it is kept', async () => {
    const repo = await createRepo(t, alice, undefined, 'checked', true);
    const work = path.join(tmp, 'fsck-work');
    await mkdir(work);
    const env = hermeticGitEnv(path.join(tmp, 'client-home'), undefined);
    const remote = t.provider.url.replace('http://', `http://${alice.user.login}:${alice.token}@`) + `/${repo.full_name}.git`;
    const git = async (args: string[], input?: string) => {
      const r = await runGit(args, { cwd: work, env, input });
      return { ...r, stderr: r.stderr.replaceAll(alice.token, '***') };
    };
    assert.equal((await git(['init', '-q', '-b', 'main'])).code, 0);
    const blob = (await git(['hash-object', '-w', '--stdin'], '[core]\n')).stdout.trim();
    const tree = (await git(['mktree'], `100644 blob ${blob}\t.GIT\n`)).stdout.trim();
    const commit = (await git(['commit-tree', tree, '-m', 'a tree git would check out over its own .git'])).stdout.trim();
    assert.equal((await git(['update-ref', 'refs/heads/main', commit])).code, 0);
    const push = await git(['push', remote, 'main']);
    assert.notEqual(push.code, 0, 'the push is refused');
    assert.match(push.stderr, /hasDotgit|fsck/i, push.stderr);
    const refs = await git(['ls-remote', remote]);
    assert.equal(refs.code, 0, refs.stderr);
    assert.equal(refs.stdout.trim(), '', 'no ref was made');
  });

  it("a push may not write GitHub's hidden refs (refs/pull/…): git refuses them; branches, tags and other refs/ names are written", async () => {
    const repo = await createRepo(t, alice, undefined, 'hidden-refs', true);
    const work = path.join(tmp, 'hidden-work');
    await mkdir(work);
    const env = hermeticGitEnv(path.join(tmp, 'client-home'), undefined);
    const remote = t.provider.url.replace('http://', `http://${alice.user.login}:${alice.token}@`) + `/${repo.full_name}.git`;
    const git = async (args: string[]) => {
      const r = await runGit(args, { cwd: work, env });
      return { ...r, stderr: r.stderr.replaceAll(alice.token, '***') };
    };
    assert.equal((await git(['init', '-q', '-b', 'main'])).code, 0);
    assert.equal((await git(['commit', '-q', '--allow-empty', '-m', 'first'])).code, 0);
    assert.equal((await git(['tag', 'v1'])).code, 0);
    const ok = await git(['push', remote, 'main', 'v1', 'HEAD:refs/remotes/x/main', 'HEAD:refs/notes/commits']);
    assert.equal(ok.code, 0, ok.stderr);

    for (const ref of ['refs/pull/1/head', 'refs/pull/1/merge', 'refs/pull']) {
      const refused = await git(['push', remote, `HEAD:${ref}`]);
      assert.notEqual(refused.code, 0, `${ref} is refused`);
      assert.match(refused.stderr, /\[remote rejected\].*\(deny updating a hidden ref\)/, refused.stderr);
    }
    const mixed = await git(['push', '--porcelain', remote, 'HEAD:refs/heads/side', 'HEAD:refs/pull/2/head']);
    assert.notEqual(mixed.code, 0);
    assert.match(mixed.stdout, /^!\tHEAD:refs\/pull\/2\/head\t\[remote rejected\] \(deny updating a hidden ref\)$/m, mixed.stdout);

    const refs = await git(['ls-remote', remote]);
    assert.equal(refs.code, 0, refs.stderr);
    const names = refs.stdout.trim().split('\n').map((line) => line.split('\t')[1]).sort();
    assert.deepEqual(names, ['HEAD', 'refs/heads/main', 'refs/heads/side', 'refs/notes/commits', 'refs/remotes/x/main', 'refs/tags/v1']);
  });

  it("a fetch may ask for GitHub's partial-clone filters (blob:none, blob:limit, tree:0) and no other", async () => {
    const made = await t.api.post('/user/repos', { token: alice.token, body: { name: 'filtered', auto_init: true } });
    assert.equal(made.status, 201, made.text);
    const repo = made.json as { full_name: string };
    const env = hermeticGitEnv(path.join(tmp, 'client-home'), undefined);
    const remote = t.provider.url.replace('http://', `http://${alice.user.login}:${alice.token}@`) + `/${repo.full_name}.git`;
    const clone = async (filter: string) => {
      const r = await runGit(['clone', '-q', '--no-checkout', `--filter=${filter}`, remote, path.join(tmp, `clone-${filter.replace(/[^a-z0-9]/gi, '-')}`)], { cwd: tmp, env });
      return { code: r.code, stderr: r.stderr.replaceAll(alice.token, '***') };
    };
    for (const filter of ['blob:none', 'blob:limit=1k', 'tree:0']) {
      const r = await clone(filter);
      assert.equal(r.code, 0, `${filter}: ${r.stderr}`);
    }
    for (const filter of ['sparse:oid=HEAD:README.md', 'tree:1']) {
      const r = await clone(filter);
      assert.notEqual(r.code, 0, `${filter} is refused: ${r.stderr}`);
      assert.match(r.stderr, /not supported|maximum|depth/i, `${filter}: ${r.stderr}`);
    }
  });
});
