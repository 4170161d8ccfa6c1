// Debian's `gh` (GitHub CLI), unchanged, against the real provider over HTTPS (set-up in
// helpers/gh.ts): gh api graphql, repo create / view / list / clone / rename / edit / delete, ssh-key
// add. The token comes from GH_ENTERPRISE_TOKEN (gh's variable for hosts other than github.com).
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { defaultRepositoriesRoot, repositoryPath } from '../../src/provider/git/bare-repos';
import { runGit } from '../../bench/git-https/git-client';
import { ensureGh, GhEnvironment, ghEnvironment, GhRun, runGh } from './helpers/gh';
import { newSession, type Session } from '../builders/sessions';
import { createClassicToken, createFineGrainedToken } from '../builders/tokens';
import { createOrg } from '../builders/orgs';
import { sshPublicKey } from '../builders/ssh-keys';
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

  /** Commits `files` (path → text) as the whole tree of `branch`, with git plumbing in the bare repository. */
  const commitFiles = (owner: string, repo: string, branch: string, files: Record<string, string>): string => {
    const gitDir = repositoryPath(defaultRepositoriesRoot(t.dataDir), owner, repo);
    const gitEnv = { ...process.env, GIT_INDEX_FILE: path.join(dir, `index-${branch}`), GIT_AUTHOR_NAME: 'T', GIT_AUTHOR_EMAIL: 't@example.test', GIT_COMMITTER_NAME: 'T', GIT_COMMITTER_EMAIL: 't@example.test' };
    const g = (args: string[], input?: string) => execFileSync('git', ['--git-dir', gitDir, ...args], { env: gitEnv, input }).toString().trim();
    g(['read-tree', '--empty']);
    for (const [file, text] of Object.entries(files)) g(['update-index', '--add', '--cacheinfo', `100644,${g(['hash-object', '-w', '--stdin'], text)},${file}`]);
    g(['update-ref', `refs/heads/${branch}`, g(['commit-tree', g(['write-tree']), '-m', branch])]);
    return g(['rev-parse', `refs/heads/${branch}:${Object.keys(files)[0]}`]);
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

    // A taken name: the field's message once (GitHub's "name already exists on this account").
    const again = await runGh(['repo', 'create', 'from-gh', '--public'], env);
    assert.notEqual(again.status, 0);
    assert.equal(again.stderr.trim(), 'GraphQL: Validation Failed: name already exists on this account (createRepository)');
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

    // Someone who is not a member: gh finds the organization (GET /users/{org}), then is told why it can't create there.
    const outsider = await newSession(t);
    const outsiderToken = await createClassicToken(t, outsider, { scopes: ['repo', 'read:org'] });
    const refused = await runGh(['repo', 'create', `${org}/not-mine`, '--private'], { ...env, GH_ENTERPRISE_TOKEN: outsiderToken.token });
    assert.notEqual(refused.status, 0);
    assert.equal(
      refused.stderr.trim(),
      `GraphQL: ${outsider.user.login} does not have the correct permissions to execute \`CreateRepository\`: only members of ${org} can create its repositories. (createRepository)`,
    );
    assert.equal((await t.api.get(`/repos/${org}/not-mine`, { token: alice.token })).status, 404);
  });

  it('gh repo create --gitignore / --license: a 422 naming the field and saying Tessera has no templates; nothing is made', async () => {
    for (const [flag, field, what] of [['--gitignore', 'gitignore_template', '.gitignore'], ['--license', 'license_template', 'license']]) {
      const r = await runGh(['repo', 'create', `with-${field}`, '--private', flag, 'Node'], env);
      assert.notEqual(r.status, 0);
      assert.match(r.stderr, new RegExp(`^HTTP 422: Validation Failed: ${field} is not supported: Tessera has no ${what.replace('.', '\\.')} templates \\(commit the file yourself\\) \\(`), r.stderr);
      assert.equal((await t.api.get(`/repos/${alice.user.login}/with-${field}`, { token: alice.token })).status, 404);
    }
  });

  it('gh repo view prints the README (GET /repos/{owner}/{repo}/readme, ?ref= for --branch): README* in .github/, the root, then docs/', async () => {
    const me = alice.user.login;
    await gh(['repo', 'create', 'readable', '--public', '--add-readme', '--description', 'has a README']);
    const view = await gh(['repo', 'view', 'readable']);
    assert.match(view.stdout, /^--\n# readable\n\nhas a README\n/m, view.stdout);

    commitFiles(me, 'readable', 'plain', { 'docs/README.md': 'from docs\n', 'ReadMe.txt': 'from the root\n' });
    assert.match((await gh(['repo', 'view', 'readable', '--branch', 'plain'])).stdout, /^--\nfrom the root\n/m);
    const dotGithub = commitFiles(me, 'readable', 'dot-github', { '.github/readme': 'from .github\n', 'README.md': 'from the root\n' });
    commitFiles(me, 'readable', 'none', { 'notes.txt': 'no readme here\n' });
    const none = await gh(['repo', 'view', 'readable', '--branch', 'none']);
    assert.doesNotMatch(none.stdout, /^--$/m, 'no README: nothing after the description');

    const api = `${t.provider.url}/api/v3/repos/${me}/readable`;
    const r = await t.api.get(`/repos/${me}/readable/readme?ref=dot-github`, { token: alice.token });
    assert.equal(r.status, 200, r.text);
    const url = `${api}/contents/.github/readme?ref=dot-github`;
    const html = `${t.provider.url}/${me}/readable/blob/dot-github/.github/readme`;
    assert.deepEqual(r.json, {
      type: 'file', encoding: 'base64', size: 13, name: 'readme', path: '.github/readme',
      content: `${Buffer.from('from .github\n').toString('base64')}\n`, sha: dotGithub,
      url, git_url: `${api}/git/blobs/${dotGithub}`, html_url: html, download_url: null,
      _links: { self: url, git: `${api}/git/blobs/${dotGithub}`, html },
    });
    const main = await t.api.get(`/repos/${me}/readable/readme`, { token: alice.token });
    assert.equal(main.json.path, 'README.md');
    assert.match(main.json.url, /\/contents\/README\.md\?ref=main$/);
    const missing = await t.api.get(`/repos/${me}/readable/readme?ref=none`, { token: alice.token });
    assert.deepEqual([missing.status, missing.json.message], [404, 'Not Found']);
    const noRef = await t.api.get(`/repos/${me}/readable/readme?ref=nowhere`, { token: alice.token });
    assert.deepEqual([noRef.status, noRef.json.message], [404, 'No commit found for the ref nowhere']);
    assert.equal((await t.api.get(`/repos/${me}/readable/readme?ref=${encodeURIComponent('plain~1')}`, { token: alice.token })).status, 404, 'no revision syntax');
    const badRef = await t.api.get(`/repos/${me}/readable/readme?ref=`, { token: alice.token });
    assert.equal(badRef.status, 422, badRef.text);
    await gh(['repo', 'create', 'blank', '--private']);
    const empty = await t.api.get(`/repos/${me}/blank/readme`, { token: alice.token });
    assert.deepEqual([empty.status, empty.json.message], [404, 'This repository is empty.']);
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
    // gh takes the host of a clone's remote without its port (README: "gh inside a clone"): with a
    // port, only commands naming OWNER/REPO work there.
    const inside = await runGh(['repo', 'view', '--json', 'name'], env, { cwd: path.join(into, 'cloned') });
    assert.match(inside.stderr, /none of the git remotes configured for this repository correspond to the GH_HOST/);
    await gh(['repo', 'view', `${alice.user.login}/cloned`, '--json', 'name'], { cwd: path.join(into, 'cloned') });
    const view = await gh(['repo', 'view', 'cloned', '--json', 'defaultBranchRef,isEmpty']);
    assert.deepEqual(JSON.parse(view.stdout), { defaultBranchRef: { name: 'main' }, isEmpty: false });
  });

  it("gh repo create --source . --push from a local master: the repository's default branch becomes master (HEAD too), so clones check it out", async () => {
    const local = path.join(dir, 'local-master');
    await mkdir(local);
    for (const args of [['init', '-q', '-b', 'master'], ['commit', '-q', '--allow-empty', '-m', 'on master']]) {
      const r = await runGit(args, { cwd: local, env });
      assert.equal(r.code, 0, `git ${args.join(' ')}: ${r.stderr}`);
    }
    await gh(['repo', 'create', 'from-master', '--private', '--source', '.', '--push'], { cwd: local });
    // Settled before the push's answer ended: HEAD and the record, as soon as git push returned.
    const bareHead = readFileSync(path.join(repositoryPath(defaultRepositoriesRoot(t.dataDir), alice.user.login, 'from-master'), 'HEAD'), 'utf8');
    assert.equal(bareHead.trim(), 'ref: refs/heads/master');
    const defaultBranch = async () => (await t.api.get(`/repos/${alice.user.login}/from-master`, { token: alice.token })).json.default_branch;
    assert.equal(await defaultBranch(), 'master');
    const view = await gh(['repo', 'view', `${alice.user.login}/from-master`, '--json', 'defaultBranchRef,isEmpty']);
    assert.deepEqual(JSON.parse(view.stdout), { defaultBranchRef: { name: 'master' }, isEmpty: false });
    const into = path.join(dir, 'master-clones');
    await mkdir(into);
    const clone = await gh(['repo', 'clone', `${alice.user.login}/from-master`], { cwd: into });
    assert.ok(!clone.stderr.includes('nonexistent ref'), clone.stderr);
    const log = await runGit(['log', '--format=%s', 'HEAD'], { cwd: path.join(into, 'from-master'), env });
    assert.deepEqual([log.code, log.stdout.trim()], [0, 'on master']);
    // A later push of main leaves master the default.
    const main = await runGit(['-c', 'credential.helper=', '-c', 'credential.helper=!gh auth git-credential', 'push', '-q', 'origin', 'master:main'], { cwd: local, env });
    assert.equal(main.code, 0, main.stderr);
    assert.equal(await defaultBranch(), 'master');
  });

  it("gh repo view/list --json answer every field gh knows (api.RepositoryFields), with GitHub's empty values for what Tessera lacks", async () => {
    const me = alice.user.login;
    await gh(['repo', 'create', 'every-field', '--public']);
    const fields = [
      'id', 'name', 'nameWithOwner', 'owner', 'parent', 'templateRepository', 'description', 'homepageUrl', 'openGraphImageUrl', 'usesCustomOpenGraphImage',
      'url', 'sshUrl', 'mirrorUrl', 'securityPolicyUrl', 'createdAt', 'pushedAt', 'updatedAt', 'isBlankIssuesEnabled', 'isSecurityPolicyEnabled',
      'hasIssuesEnabled', 'hasProjectsEnabled', 'hasWikiEnabled', 'hasDiscussionsEnabled', 'mergeCommitAllowed', 'squashMergeAllowed', 'rebaseMergeAllowed',
      'forkCount', 'stargazerCount', 'watchers', 'issues', 'pullRequests', 'codeOfConduct', 'contactLinks', 'defaultBranchRef', 'deleteBranchOnMerge',
      'diskUsage', 'fundingLinks', 'isArchived', 'isEmpty', 'isFork', 'isInOrganization', 'isMirror', 'isPrivate', 'isTemplate', 'isUserConfigurationRepository',
      'licenseInfo', 'viewerCanAdminister', 'viewerDefaultCommitEmail', 'viewerDefaultMergeMethod', 'viewerHasStarred', 'viewerPermission',
      'viewerPossibleCommitEmails', 'viewerSubscription', 'repositoryTopics', 'primaryLanguage', 'languages', 'issueTemplates', 'pullRequestTemplates',
      'labels', 'milestones', 'latestRelease', 'assignableUsers', 'mentionableUsers', 'projects',
    ];
    const view = JSON.parse((await gh(['repo', 'view', `${me}/every-field`, '--json', fields.join(',')])).stdout);
    assert.deepEqual(Object.keys(view).sort(), [...fields].sort());
    const host = new URL(t.provider.url).hostname;
    assert.equal(view.sshUrl, `git@${host}:${me}/every-field.git`, "REST's ssh_url");
    assert.equal(view.sshUrl, (await t.api.get(`/repos/${me}/every-field`, { token: alice.token })).json.ssh_url);
    for (const f of ['watchers', 'issues', 'pullRequests']) assert.deepEqual(view[f], { totalCount: 0 }, f);
    for (const f of ['repositoryTopics', 'languages', 'labels', 'milestones', 'assignableUsers', 'mentionableUsers', 'projects']) assert.ok(view[f] === null || view[f].length === 0, f);
    for (const f of ['codeOfConduct', 'licenseInfo', 'primaryLanguage', 'latestRelease']) assert.ok(!view[f] || Object.values(view[f]).every((v) => !v), f);
    // gh repo edit asks for autoMergeAllowed once introspection shows it.
    const autoMerge = await gh(['api', 'graphql', '-f', `query={repository(owner:"${me}",name:"every-field"){autoMergeAllowed}}`]);
    assert.deepEqual(JSON.parse(autoMerge.stdout), { data: { repository: { autoMergeAllowed: false } } });
    assert.deepEqual(
      [view.diskUsage, view.isUserConfigurationRepository, view.viewerDefaultMergeMethod, view.viewerSubscription, view.isBlankIssuesEnabled, view.usesCustomOpenGraphImage],
      [0, false, 'MERGE', 'UNSUBSCRIBED', true, false],
    );
    await gh(['repo', 'create', me, '--public']);
    assert.deepEqual(JSON.parse((await gh(['repo', 'view', `${me}/${me}`, '--json', 'isUserConfigurationRepository'])).stdout), { isUserConfigurationRepository: true });
    // Connections that are always empty don't count toward the node limit (30 repositories × 100 labels would).
    const list = JSON.parse((await gh(['repo', 'list', '--json', 'name,repositoryTopics,labels,languages,sshUrl'])).stdout) as { name: string; sshUrl: string }[];
    assert.ok(list.some((r) => r.name === 'every-field' && r.sshUrl === view.sshUrl));
  });

  it('gh repo list --no-archived, --archived, --visibility internal, --language, --topic: GraphQL search', async () => {
    const me = alice.user.login;
    const org = await createOrg(t, alice);
    await gh(['repo', 'create', `${org}/inside`, '--internal', '--description', 'in here']);
    await gh(['repo', 'create', `${org}/outside`, '--public']);
    const rows = (out: string) => out.split('\n').filter(Boolean).map((l) => l.split('\t').slice(0, 3).join('\t'));
    assert.deepEqual(rows((await gh(['repo', 'list', org, '--no-archived'])).stdout).sort(), [`${org}/inside\tin here\tinternal`, `${org}/outside\t\tpublic`]);
    assert.deepEqual(rows((await gh(['repo', 'list', org, '--visibility', 'internal'])).stdout), [`${org}/inside\tin here\tinternal`]);
    const own = JSON.parse((await gh(['repo', 'list', '--no-archived', '--source', '--json', 'nameWithOwner,isArchived'])).stdout) as { nameWithOwner: string; isArchived: boolean }[];
    assert.ok(own.some((r) => r.nameWithOwner === `${me}/from-gh`), JSON.stringify(own));
    assert.ok(own.every((r) => r.nameWithOwner.startsWith(`${me}/`) && !r.isArchived), 'user:@me: the viewer\'s own');
    for (const filter of [['--archived'], ['--language', 'go'], ['--topic', 'cli']]) {
      assert.equal((await gh(['repo', 'list', org, ...filter])).stdout, '', filter.join(' '));
    }
  });

  it('gh repo rename (PATCH name): the record and the bare repository move, tokens selecting it keep working; a taken or invalid name is 422', async () => {
    const me = alice.user.login;
    await gh(['repo', 'create', 'before-rename', '--private', '--add-readme']);
    const id = (await t.api.get(`/repos/${me}/before-rename`, { token: alice.token })).json.id;
    const fg = await createFineGrainedToken(t, alice, { repository_selection: 'subset', repositories: [id], permissions: { repository: { contents: 'read', metadata: 'read' } } });
    await gh(['repo', 'rename', 'After-Rename', '--repo', `${me}/before-rename`, '--yes']);
    assert.equal((await t.api.get(`/repos/${me}/before-rename`, { token: alice.token })).status, 404);
    const renamed = await t.api.get(`/repos/${me}/after-rename`, { token: fg.token });
    assert.deepEqual([renamed.status, renamed.json.id, renamed.json.name], [200, id, 'After-Rename']);
    const readme = await t.api.get(`/repos/${me}/After-Rename/readme`, { token: fg.token });
    assert.equal(Buffer.from(readme.json.content, 'base64').toString(), '# before-rename\n', 'the bare repository moved with it');

    await gh(['repo', 'create', 'taken-name', '--private']);
    const taken = await runGh(['repo', 'rename', 'taken-name', '--repo', `${me}/After-Rename`, '--yes'], env);
    assert.notEqual(taken.status, 0);
    assert.match(taken.stderr, /^HTTP 422: Validation Failed: name already exists on this account \(/);
    const invalid = await t.api.patch(`/repos/${me}/After-Rename`, { token: alice.token, body: { name: 'no spaces' } });
    assert.deepEqual([invalid.status, invalid.json.errors?.[0]?.field], [422, 'name'], invalid.text);
    // Something already on disk at the new name: 422, and nothing moved.
    const stray = repositoryPath(defaultRepositoriesRoot(t.dataDir), me, 'stray');
    await mkdir(path.join(stray, 'objects'), { recursive: true });
    const blocked = await t.api.patch(`/repos/${me}/After-Rename`, { token: alice.token, body: { name: 'stray', description: 'not this either' } });
    assert.equal(blocked.status, 422, blocked.text);
    const still = await t.api.get(`/repos/${me}/After-Rename/readme`, { token: alice.token });
    assert.equal(still.status, 200);
    assert.equal((await t.api.get(`/repos/${me}/After-Rename`, { token: alice.token })).json.description, null);
  });

  it("gh repo edit: the pull-request and fork settings at Tessera's fixed values are no-ops, others a 422 naming the field; topics are none", async () => {
    const me = alice.user.login;
    await gh(['repo', 'create', 'editable', '--public']);
    await gh(['repo', 'edit', `${me}/editable`, '--description', 'edited', '--enable-merge-commit', '--enable-squash-merge=false', '--enable-rebase-merge=false',
      '--enable-auto-merge=false', '--delete-branch-on-merge=false', '--allow-update-branch=false', '--allow-forking=false', '--default-branch', 'main']);
    assert.equal((await t.api.get(`/repos/${me}/editable`, { token: alice.token })).json.description, 'edited');
    for (const [flag, field] of [
      ['--enable-squash-merge', 'allow_squash_merge'], ['--enable-rebase-merge', 'allow_rebase_merge'], ['--enable-merge-commit=false', 'allow_merge_commit'],
      ['--enable-auto-merge', 'allow_auto_merge'], ['--delete-branch-on-merge', 'delete_branch_on_merge'], ['--allow-update-branch', 'allow_update_branch'],
      ['--allow-forking', 'allow_forking'], ['--default-branch=trunk', 'default_branch'],
    ]) {
      const r = await runGh(['repo', 'edit', `${me}/editable`, flag, '--description', 'not applied'], env);
      assert.notEqual(r.status, 0, flag);
      assert.match(r.stderr, new RegExp(`HTTP 422: Validation Failed: ${field} can only be`), `${flag}: ${r.stderr}`);
    }
    assert.equal((await t.api.get(`/repos/${me}/editable`, { token: alice.token })).json.description, 'edited', 'a refused edit changes nothing');

    await gh(['repo', 'edit', `${me}/editable`, '--remove-topic', 'cli']);
    const add = await runGh(['repo', 'edit', `${me}/editable`, '--add-topic', 'cli'], env);
    assert.notEqual(add.status, 0);
    assert.match(add.stderr, /names can only be empty/);
    const topics = await t.api.get(`/repos/${me}/editable/topics`, { token: alice.token });
    assert.deepEqual([topics.status, topics.json], [200, { names: [] }]);
    const none = await t.api.put(`/repos/${me}/editable/topics`, { token: alice.token, body: { names: [] } });
    assert.deepEqual([none.status, none.json], [200, { names: [] }]);
    const missing = await t.api.put(`/repos/${me}/editable/topics`, { token: alice.token, body: {} });
    assert.equal(missing.status, 422);
  });

  it('gh repo delete --yes deletes it (REST DELETE with delete_repo)', async () => {
    await gh(['repo', 'create', 'doomed', '--public']);
    await gh(['repo', 'delete', 'doomed', '--yes']);
    assert.equal((await t.api.get(`/repos/${alice.user.login}/doomed`, { token: alice.token })).status, 404);
    const list = await gh(['repo', 'list', '--json', 'name']);
    assert.ok(!(JSON.parse(list.stdout) as { name: string }[]).some((r) => r.name === 'doomed'));
  });

  it('gh ssh-key add (POST /user/keys, what gh auth login sends when SSH is chosen) is a 422 saying git is HTTPS only', async () => {
    const keys = await createClassicToken(t, alice, { scopes: ['admin:public_key'] });
    const keyFile = path.join(dir, 'id_ed25519.pub');
    await writeFile(keyFile, `${sshPublicKey()}\n`);
    const r = await runGh(['ssh-key', 'add', keyFile, '--title', 'laptop'], { ...env, GH_ENTERPRISE_TOKEN: keys.token });
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /HTTP 422: Validation Failed: key is not used: Tessera serves git over HTTPS only.*gh auth login -p https/s, r.stderr);
    const direct = await t.api.post('/user/keys', { token: keys.token, body: { title: 'laptop', key: sshPublicKey() } });
    assert.deepEqual([direct.status, direct.json.errors[0].field], [422, 'key']);
    assert.equal((await t.api.post('/user/keys', { token: keys.token, body: { title: 'no key' } })).status, 422);
    assert.deepEqual((await t.api.get('/user/keys', { token: keys.token })).json, []);
  });

  it("gh repo view of someone else's private repository fails with GitHub's message", async () => {
    const bob = await newSession(t);
    await t.api.post('/user/repos', { token: bob.token, body: { name: 'hidden', private: true } });
    const r = await runGh(['repo', 'view', `${bob.user.login}/hidden`], env);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, new RegExp(`Could not resolve to a Repository with the name '${bob.user.login}/hidden'`));
  });
});
