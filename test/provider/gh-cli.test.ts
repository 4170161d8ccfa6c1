// Debian's `gh` (GitHub CLI), unchanged, against the real provider over HTTPS: the host is
// GH_HOST=127.0.0.1:<port> (gh refuses a port in --hostname, not in GH_HOST, so no port 443 and
// no root are needed), the provider's CA is trusted through SSL_CERT_FILE / GIT_SSL_CAINFO (a
// bundle of the system's CAs plus the provider's), and gh's config lives in a temporary
// GH_CONFIG_DIR. The token comes from GH_ENTERPRISE_TOKEN (gh's variable for hosts other than
// github.com).
import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { hermeticGitEnv, runGit } from '../../bench/git-https/git-client';
import { createClassic, newSession, Session } from './helpers/orgs';
import { startTestProvider, TestProvider } from './helpers/provider';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const SYSTEM_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs gh asynchronously (the provider answers from this same process). */
function runGh(args: string[], env: NodeJS.ProcessEnv, opts: { cwd?: string; input?: string } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn('gh', args, { cwd: opts.cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
    child.stdin.end(opts.input ?? '');
  });
}

describe('gh (GitHub CLI) against the provider', function () {
  this.timeout(120_000);
  let t: TestProvider;
  let alice: Session;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let host: string;

  const gh = async (args: string[], opts: { cwd?: string; input?: string } = {}): Promise<Run> => {
    const r = await runGh(args, env, opts);
    assert.equal(r.status, 0, `gh ${args.join(' ')} failed (${r.status}):\n${r.stderr}${r.stdout}`);
    return r;
  };

  before(async function () {
    this.timeout(600_000);
    const setup = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'system-packages.mjs'), 'gh'], { encoding: 'utf8', stdio: 'inherit' });
    assert.equal(setup.status, 0, 'scripts/system-packages.mjs gh');
    t = await startTestProvider({ tls: 'auto' });
    host = new URL(t.provider.url).host;
    alice = await newSession(t);
    // gh's minimum scopes (repo, read:org) and delete_repo for `gh repo delete`.
    const token = await createClassic(t, alice, ['repo', 'read:org', 'delete_repo']);
    dir = await mkdtemp(path.join(os.tmpdir(), 'tessera-gh-'));
    const bundle = path.join(dir, 'ca-bundle.pem');
    const system = existsSync(SYSTEM_BUNDLE) ? readFileSync(SYSTEM_BUNDLE, 'utf8') : '';
    writeFileSync(bundle, `${system}\n${t.provider.caCertPem ?? ''}`);
    await mkdir(path.join(dir, 'home'));
    const base = hermeticGitEnv(path.join(dir, 'home'), bundle, {
      GH_CONFIG_DIR: path.join(dir, 'gh-config'),
      GH_HOST: host,
      GH_ENTERPRISE_TOKEN: token.token,
      SSL_CERT_FILE: bundle,
      GH_PROMPT_DISABLED: '1',
      GH_NO_UPDATE_NOTIFIER: '1',
      GH_PAGER: 'cat',
      NO_COLOR: '1',
    });
    for (const k of ['GH_TOKEN', 'GITHUB_TOKEN', 'GITHUB_ENTERPRISE_TOKEN']) delete base[k];
    env = base;
  });
  after(async () => {
    await t?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
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
