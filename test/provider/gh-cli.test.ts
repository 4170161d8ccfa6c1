// Debian's `gh` (GitHub CLI), unchanged, against the real provider over HTTPS (set-up in
// helpers/gh.ts): gh api graphql, repo create / view / list / clone / delete. The token comes
// from GH_ENTERPRISE_TOKEN (gh's variable for hosts other than github.com).
import * as assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import * as path from 'node:path';
import { runGit } from '../../bench/git-https/git-client';
import { ensureGh, GhEnvironment, ghEnvironment, GhRun, runGh } from './helpers/gh';
import { newSession, type Session } from '../builders/sessions';
import { createClassicToken } from '../builders/tokens';
import { createOrg } from '../builders/orgs';
import { startTestProvider, TestProvider } from './helpers/provider';

describe('gh (GitHub CLI) against the provider', function () {
  this.timeout(120_000);
  let t: TestProvider;
  let alice: Session;
  let ghEnv: GhEnvironment;
  let dir: string;
  let env: NodeJS.ProcessEnv;

  const gh = async (args: string[], opts: { cwd?: string; input?: string } = {}): Promise<GhRun> => {
    const r = await runGh(args, env, opts);
    assert.equal(r.status, 0, `gh ${args.join(' ')} failed (${r.status}):\n${r.stderr}${r.stdout}`);
    return r;
  };

  before(async function () {
    this.timeout(600_000);
    ensureGh();
    t = await startTestProvider({ tls: 'auto' });
    alice = await newSession(t);
    // gh's minimum scopes (repo, read:org) and delete_repo for `gh repo delete`.
    const token = await createClassicToken(t, alice, { scopes: ['repo', 'read:org', 'delete_repo'] });
    ghEnv = await ghEnvironment(t.provider, token.token);
    dir = ghEnv.dir;
    env = ghEnv.env;
  });
  after(async () => {
    await t?.close();
    await ghEnv?.dispose();
  });

  it("gh api graphql -f query='{viewer{login}}' names the token's user", async () => {
    const r = await gh(['api', 'graphql', '-f', 'query={viewer{login}}']);
    assert.deepEqual(JSON.parse(r.stdout), { data: { viewer: { login: alice.user.login } } });
  });

  it('gh repo create makes the repository (GraphQL createRepository); gh repo view and gh repo list show it', async () => {
    const created = await gh(['repo', 'create', 'from-gh', '--private', '--description', 'made by gh']);
    assert.equal(created.stdout.trim(), `${t.provider.url}/${alice.user.login}/from-gh`);
    const rest = await t.api.get(`/repos/${alice.user.login}/from-gh`, { token: alice.token });
    assert.equal(rest.status, 200);
    assert.equal(rest.json.private, true);
    assert.equal(rest.json.description, 'made by gh');

    const view = await gh(['repo', 'view', 'from-gh']);
    assert.match(view.stdout, new RegExp(`^name:\\t${alice.user.login}/from-gh$`, 'm'));
    assert.match(view.stdout, /^description:\tmade by gh$/m);
    const json = await gh(['repo', 'view', `${alice.user.login}/from-gh`, '--json', 'nameWithOwner,isPrivate,viewerPermission,isEmpty']);
    assert.deepEqual(JSON.parse(json.stdout), { nameWithOwner: `${alice.user.login}/from-gh`, isPrivate: true, viewerPermission: 'ADMIN', isEmpty: true });

    const list = await gh(['repo', 'list']);
    const line = list.stdout.split('\n').find((l) => l.startsWith(`${alice.user.login}/from-gh\t`));
    assert.ok(line, `gh repo list shows the repository:\n${list.stdout}`);
    assert.match(line, /\tmade by gh\tprivate\t/);
  });

  it('gh repo create ORG/NAME --add-readme: the organization found by GET /users/{org}, the README commit made by auto_init', async () => {
    const org = await createOrg(t, alice);
    await gh(['repo', 'create', `${org}/with-readme`, '--public', '--add-readme', '--description', 'has a README']);
    const rest = await t.api.get(`/repos/${org}/with-readme`, { token: alice.token });
    assert.equal(rest.status, 200, rest.text);
    assert.equal(rest.json.owner.login, org);
    const branch = await t.api.get(`/repos/${org}/with-readme/branches/main`, { token: alice.token });
    assert.equal(branch.status, 200, branch.text);
    assert.equal(branch.json.commit.commit.message, 'Initial commit');
  });

  it('gh repo clone clones over HTTPS with gh as the credential helper, after a push of a first commit', async () => {
    await gh(['repo', 'create', 'cloned', '--private']);
    const work = path.join(dir, 'work');
    await mkdir(work);
    const gitEnv = env;
    const helper = ['-c', 'credential.helper=', '-c', 'credential.helper=!gh auth git-credential'];
    for (const args of [
      ['init', '-q', '-b', 'main'],
      ['commit', '-q', '--allow-empty', '-m', 'first'],
      [...helper, 'push', '-q', `${t.provider.url}/${alice.user.login}/cloned.git`, 'main'],
    ]) {
      const r = await runGit(args, { cwd: work, env: gitEnv });
      assert.equal(r.code, 0, `git ${args.join(' ')}: ${r.stderr}`);
    }
    const into = path.join(dir, 'clones');
    await mkdir(into);
    await gh(['repo', 'clone', 'cloned'], { cwd: into });
    const log = await runGit(['log', '--format=%s'], { cwd: path.join(into, 'cloned'), env: gitEnv });
    assert.equal(log.stdout.trim(), 'first');
    const view = await gh(['repo', 'view', 'cloned', '--json', 'defaultBranchRef,isEmpty']);
    assert.deepEqual(JSON.parse(view.stdout), { defaultBranchRef: { name: 'main' }, isEmpty: false });
  });

  it('gh repo delete --yes deletes it (REST DELETE with delete_repo)', async () => {
    await gh(['repo', 'create', 'doomed', '--public']);
    await gh(['repo', 'delete', 'doomed', '--yes']);
    assert.equal((await t.api.get(`/repos/${alice.user.login}/doomed`, { token: alice.token })).status, 404);
    const list = await gh(['repo', 'list', '--json', 'name']);
    assert.ok(!(JSON.parse(list.stdout) as { name: string }[]).some((r) => r.name === 'doomed'));
  });

  it("gh repo view of someone else's private repository fails with GitHub's message", async () => {
    const bob = await newSession(t);
    await t.api.post('/user/repos', { token: bob.token, body: { name: 'hidden', private: true } });
    const r = await runGh(['repo', 'view', `${bob.user.login}/hidden`], env);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, new RegExp(`Could not resolve to a Repository with the name '${bob.user.login}/hidden'`));
  });
});
