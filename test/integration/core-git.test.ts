// The git side of the core in the real extension host, against the real embedded provider: the
// credentials provider registered with vscode.git answers only for Tessera origins with the right
// token for the repository and the operation; "Set Up Git for this Repository" writes the
// repository's own config, scoped to the Tessera origin.
import * as assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { AccountInfo } from '../../src/extension/services';
import type { TesseraApi } from '../../src/extension/test-api';
import type { ApiClient } from '../builders/api-client';
import type { TestUser } from '../builders/users';
import { providerClient, tesseraApi, newSignedInUser, accountOnDeadProvider } from './core-helpers';

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

function gitStatus(cwd: string, ...args: string[]): number {
  try {
    execFileSync('git', args, { cwd, stdio: 'ignore' });
    return 0;
  } catch (e) {
    return (e as { status?: number }).status ?? 1;
  }
}

describe('core: git credentials and configuration', function () {
  this.timeout(60_000);
  let api: TesseraApi;
  let client: ApiClient;
  let origin: string;
  let user: TestUser;
  let account: AccountInfo;
  let repoSession: { id: string; accessToken: string };
  let publicRepoTokenId: number;

  before(async () => {
    api = await tesseraApi();
    client = await providerClient(api);
    origin = (await api.providerInfo()).origin;
    assert.ok(await api.gitReady(), "the credentials provider is registered with vscode.git's API");
    ({ user, account } = await newSignedInUser(api, client, 'git'));
    repoSession = await api.authentication.createSession(['repo'], { account: { id: account.id, label: account.login } });
    // A token made the way the Tokens view makes one: minted through services.api, secret remembered.
    const pub = await api.services.api<{ id: number; token: string }>(account.id, 'POST', '/user/personal-access-tokens', { name: 'public only', scopes: ['public_repo'] });
    await api.services.rememberTokenSecret(account.id, pub.id, pub.token);
    publicRepoTokenId = pub.id;
  });

  after(async () => {
    if (account) await api.signOut(account.id).catch(() => undefined);
    await client?.close();
  });

  it('answers nothing for github.com or any other host', async () => {
    for (const url of ['https://github.com/acme/site.git', 'https://gitlab.example/acme/site.git', 'https://127.0.0.1:1/acme/site.git']) {
      assert.equal(await api.selectCredentials(url, 'push'), undefined, url);
      assert.equal(await api.selectCredentials(url, 'fetch'), undefined, url);
      assert.equal(await api.gitCredentials(url), undefined, url);
    }
  });

  it('classic tokens: repo for a repository of unknown visibility; public_repo is not enough there', async () => {
    const url = `${origin}/${user.login}/app.git`;
    for (const op of ['fetch', 'push', 'unknown'] as const) {
      const c = await api.selectCredentials(url, op);
      assert.ok(c, `credentials for ${op}`);
      assert.equal(c.password, repoSession.accessToken, `${op}: the repo session token`);
      assert.notEqual(c.tokenId, publicRepoTokenId);
      assert.equal(c.username, 'x-access-token');
    }
    const viaGit = await api.gitCredentials(url);
    assert.deepEqual(viaGit, { username: 'x-access-token', password: repoSession.accessToken });
  });

  it('without the repository path (credential.useHttpPath unset) answers with a classic repo token', async () => {
    const c = await api.gitCredentials(origin);
    assert.equal(c?.password, repoSession.accessToken);
  });

  it('a revoked token is never offered again', async () => {
    await api.authentication.removeSession(repoSession.id);
    assert.equal(await api.selectCredentials(`${origin}/${user.login}/app.git`, 'push'), undefined);
    repoSession = await api.authentication.createSession(['repo'], { account: { id: account.id, label: account.login } });
    assert.equal((await api.selectCredentials(`${origin}/${user.login}/app.git`, 'push'))?.password, repoSession.accessToken);
  });

  it('a token regenerated elsewhere: the secret this window kept is no longer offered to git', async () => {
    const url = `${origin}/${user.login}/app.git`;
    const t = await api.services.api<{ id: number; token: string }>(account.id, 'POST', '/user/personal-access-tokens', { name: 'regenerated elsewhere', scopes: ['repo'] });
    await api.services.rememberTokenSecret(account.id, t.id, t.token);
    assert.equal((await api.selectCredentials(url, 'push'))?.tokenId, t.id, 'the newest repo token, while its secret is current');
    // Another machine (gh, a browser, another editor) regenerates it: the secret kept here is dead.
    const res = await client.post(`/user/personal-access-tokens/${t.id}/regenerate`, { basic: { login: user.login, password: user.password }, body: {} });
    assert.equal(res.status, 200, res.text);
    for (const op of ['push', 'fetch', 'unknown'] as const) {
      const c = await api.selectCredentials(url, op);
      assert.notEqual(c?.tokenId, t.id, `${op}: not the regenerated token's old secret`);
      assert.equal(c?.password, repoSession.accessToken, `${op}: another token that works`);
    }
    assert.equal((await api.gitCredentials(url))?.password, repoSession.accessToken);
  });

  it('a provider that cannot be reached: the request fails naming it, instead of "no token fits" (and its offer to create one)', async () => {
    // An account (with a remembered token) on a team server that is down.
    const { id, origin: deadOrigin, port } = await accountOnDeadProvider(api, { userId: 81, login: 'ghost', tokens: [{ tokenId: 2, token: 'tsp_111111111111111111111111111111111111' }] });
    try {
      const url = `${deadOrigin}/ghost/app.git`;
      for (const op of ['push', 'fetch', 'unknown'] as const) {
        await assert.rejects(api.selectCredentials(url, op), (err: Error & { kind?: string }) => {
          assert.equal(err.kind, 'provider-down', err.message);
          assert.ok(err.message.includes(`127.0.0.1:${port}`), `names the provider: ${err.message}`);
          return true;
        });
      }
      assert.equal(await api.gitCredentials(url), undefined, 'vscode.git still gets no credentials');
    } finally {
      await api.signOut(id);
    }
  });

  it("git in VS Code trusts the provider for its origin only; GIT_SSL_CAINFO still decides for other hosts, and new terminals get the combined bundle", async () => {
    const info = await api.providerInfo();
    const urlmatch = (key: string, url: string, env: NodeJS.ProcessEnv = process.env) => {
      try {
        return execFileSync('git', ['config', '--get-urlmatch', key, url], { env, encoding: 'utf8' }).trim();
      } catch {
        return undefined;
      }
    };
    // This extension host's git processes (vscode.git's) see Tessera's origin config before any set-up.
    assert.equal(urlmatch('http.sslCAInfo', `${origin}/${user.login}/app.git`), path.resolve(info.caCertPath!));
    assert.equal(urlmatch('credential.useHttpPath', `${origin}/${user.login}/app.git`), 'true');
    assert.equal(urlmatch('credential.useHttpPath', 'https://github.com/a/b.git'), undefined, 'other hosts: as they were');
    // Asynchronous: the provider runs in this very extension host and must keep answering.
    const lsRemote = (env: NodeJS.ProcessEnv) =>
      new Promise<string>((resolve) => {
        execFile(
          'git',
          ['-c', 'credential.helper=', 'ls-remote', `${origin}/${user.login}/app.git`],
          { env: { ...env, GIT_TERMINAL_PROMPT: '0', GIT_ASKPASS: '' }, timeout: 30_000 },
          (err, _stdout, stderr) => resolve(err ? String(stderr || err.message) : ''),
        );
      });
    assert.doesNotMatch(await lsRemote(process.env), /certificate/i, "git in VS Code trusts the provider's certificate");
    // VS Code started with GIT_SSL_CAINFO: the same file is what every other host is checked against.
    const original = urlmatch('http.sslCAInfo', 'https://github.com/a/b.git');
    if (!original) {
      // Nothing overrides http.sslCAInfo on this machine: there is nothing to combine.
      assert.equal(process.env.GIT_SSL_CAINFO, undefined);
      assert.equal(await api.useCombinedCaBundle(), undefined);
      return;
    }
    assert.equal(process.env.GIT_SSL_CAINFO, undefined, 'it would override the per-origin CA');
    // A terminal started with the machine's GIT_SSL_CAINFO alone does not trust the provider; the combined bundle does.
    const terminal: NodeJS.ProcessEnv = { ...process.env, GIT_SSL_CAINFO: original };
    for (const k of Object.keys(terminal)) if (k.startsWith('GIT_CONFIG_')) delete terminal[k];
    assert.match(await lsRemote(terminal), /SSL certificate problem|certificate/i, 'with the system bundle alone git does not trust the provider');
    const bundle = await api.useCombinedCaBundle();
    assert.ok(bundle, 'a combined bundle was written');
    assert.equal(process.env.GIT_SSL_CAINFO, undefined, "this extension host's git keeps the per-origin trust");
    const text = fs.readFileSync(bundle, 'utf8');
    assert.ok(text.includes(info.caCertPem!.trim()), 'it holds the provider CA');
    assert.ok(text.includes(fs.readFileSync(original, 'utf8').trim().slice(0, 200)), 'and the original bundle');
    assert.doesNotMatch(await lsRemote({ ...terminal, GIT_SSL_CAINFO: bundle }), /certificate/i, 'a terminal with the combined bundle trusts the provider');
  });

  it("configures the repository's own git config for the Tessera origin only", async () => {
    const root = path.join(process.env.TESSERA_TEST_WORKDIR!, `configure-${Date.now()}`);
    fs.mkdirSync(root, { recursive: true });
    git(root, 'init', '-q', '-b', 'main');
    git(root, 'remote', 'add', 'origin', `${origin}/${user.login}/app.git`);
    git(root, 'remote', 'add', 'upstream', 'https://github.com/acme/app.git');
    const configured = await api.configureRepository(root);
    assert.equal(configured, root);

    const info = await api.providerInfo();
    assert.equal(git(root, 'config', '--local', '--get', `credential.${origin}.useHttpPath`), 'true');
    assert.equal(git(root, 'config', '--local', '--get', `http.${origin}/.sslCAInfo`), info.caCertPath);
    // git's own URL matching applies them to the provider's URLs and to nothing else.
    assert.equal(git(root, 'config', '--get-urlmatch', 'credential.useHttpPath', `${origin}/${user.login}/app.git`), 'true');
    assert.equal(git(root, 'config', '--get-urlmatch', 'http.sslCAInfo', `${origin}/${user.login}/app.git`), info.caCertPath);
    assert.notEqual(gitStatus(root, 'config', '--get-urlmatch', 'credential.useHttpPath', 'https://github.com/acme/app.git'), 0);
    let githubCa = '';
    try {
      githubCa = git(root, 'config', '--get-urlmatch', 'http.sslCAInfo', 'https://github.com/acme/app.git');
    } catch {
      // not set at all for github.com: fine
    }
    assert.ok(!githubCa.includes(info.caCertPath!), 'the CA is not used for github.com');
    // Running it again changes nothing.
    const before = fs.readFileSync(path.join(root, '.git', 'config'), 'utf8');
    await api.configureRepository(root);
    assert.equal(fs.readFileSync(path.join(root, '.git', 'config'), 'utf8'), before);
  });
});
