// Repositories in the editor, in the real extension host against the real embedded provider: the
// create / delete commands and the Repositories view, owners (the user, an organization the user
// administers), and what the "Create it on Tessera and push" offer does once accepted — the
// repository, a token that can push to it only, and a real `git push` with that token.
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import * as vscode from 'vscode';
import type { TokenJson } from '../../src/shared/api-types';
import { ownerChoices } from '../../src/extension/repos/repository-service';
import type { AccountInfo } from '../../src/extension/services';
import type { TesseraApi } from '../../src/extension/test-api';
import type { ViewsInternals } from '../../src/extension/views/register-views';
import type { ApiClient } from '../builders/api-client';
import { createOrg } from '../builders/orgs';
import { uniqueName } from '../builders/unique-name';
import type { TestUser } from '../builders/users';
import { providerClient, tesseraApi, waitFor, newSignedInUser } from './core-helpers';

describe('repositories: create, list, delete, create for a push', function () {
  this.timeout(90_000);
  let api: TesseraApi;
  let client: ApiClient;
  let origin: string;
  let user: TestUser;
  let account: AccountInfo;
  let org: string;
  let views: ViewsInternals;
  const basic = () => ({ login: user.login, password: user.password });

  before(async () => {
    api = await tesseraApi();
    client = await providerClient(api);
    origin = (await api.providerInfo()).origin;
    ({ user, account } = await newSignedInUser(api, client, 'repos'));
    org = await createOrg({ api: client }, user, uniqueName('guild'));
    views = await vscode.commands.executeCommand<ViewsInternals>('tessera._views.internals');
  });

  after(async () => {
    if (account) await api.signOut(account.id).catch(() => undefined);
    await client?.close();
  });

  // The view's items come from the extension's bundle: told apart by what they carry.
  const listed = async (): Promise<string[]> =>
    ((await views.repositories.tree.getChildren()) ?? []).map((n) => (n as { fullName?: string }).fullName).filter((n): n is string => !!n);

  it("the editor's sign-in token may create and delete repositories", async () => {
    const tokenId = api.services.signInTokenId(account.id);
    assert.ok(tokenId);
    const t = await client.get(`/user/personal-access-tokens/${tokenId}`, { basic: basic() });
    assert.equal(t.status, 200, t.text);
    assert.deepEqual([...(t.json as TokenJson).scopes!].sort(), ['admin:token', 'delete_repo', 'repo', 'user']);
  });

  it('Create Repository with every answer given creates it for the user; the Repositories view lists it', async () => {
    const repo = await views.repositories.create({ accountId: account.id, owner: user.login, name: 'notes', visibility: 'private', description: 'Meeting notes' });
    assert.equal(repo?.full_name, `${user.login}/notes`);
    const onProvider = await client.get(`/repos/${user.login}/notes`, { basic: basic() });
    assert.equal(onProvider.status, 200, onProvider.text);
    assert.equal(onProvider.json.private, true);
    assert.equal(onProvider.json.description, 'Meeting notes');
    await waitFor('notes in the Repositories view', async () => (await listed()).includes(`${user.login}/notes`));
  });

  it('owners are the user and the organizations the user administers; a repository for the organization', async () => {
    assert.deepEqual(await ownerChoices(api.services, account), [{ login: user.login, isUser: true }, { login: org, isUser: false }]);
    const repo = await views.repositories.create({ accountId: account.id, owner: org, name: 'site', visibility: 'public', description: '' });
    assert.equal(repo?.full_name, `${org}/site`);
    assert.equal(repo?.private, false);
    await waitFor('the org repository in the view', async () => (await listed()).includes(`${org}/site`));
  });

  it('a name that is taken: refused with the reason, and nothing is created twice', async () => {
    await assert.rejects(
      views.repositories.create({ accountId: account.id, owner: user.login, name: 'notes', visibility: 'public', description: '' }),
      (e: Error & { kind?: string }) => e.kind === 'validation' && /already exists/.test(e.message),
    );
    const r = await client.get(`/repos/${user.login}/notes`, { basic: basic() });
    assert.equal(r.json.private, true, 'the first one is unchanged');
  });

  it('deletes a repository; deleting it again says it is gone', async () => {
    await api.repositories.delete(account.id, org, 'site');
    assert.equal((await client.get(`/repos/${org}/site`, { basic: basic() })).status, 404);
    await assert.rejects(api.repositories.delete(account.id, org, 'site'), (e: Error & { kind?: string }) => e.kind === 'not-found' && /does not exist on Tessera any more/.test(e.message));
    await vscode.commands.executeCommand('tessera.refreshRepositories');
    await waitFor('site gone from the view', async () => !(await listed()).includes(`${org}/site`));
  });

  it('a change made elsewhere redraws the Repositories view only when its list changed (a redraw drops the row being clicked)', async () => {
    const tree = views.repositories.tree;
    await listed(); // what the view shows now
    let redraws = 0;
    const sub = tree.onDidChangeTreeData(() => redraws++);
    try {
      await tree.refreshIfChanged();
      assert.equal(redraws, 0, 'the same list: no redraw');
      const made = await client.post('/user/repos', { basic: basic(), body: { name: 'elsewhere' } });
      assert.equal(made.status, 201, made.text);
      await tree.refreshIfChanged();
      assert.ok(redraws >= 1, 'a new repository: a redraw');
      assert.ok((await listed()).includes(`${user.login}/elsewhere`));
      redraws = 0;
      await tree.refreshIfChanged();
      assert.equal(redraws, 0, 'drawn again: nothing left to redraw');
    } finally {
      sub.dispose();
    }
  });

  it('a push to a missing repository: who could create it; creating it makes a push-only token, and git pushes with it', async () => {
    const repos = api.repositories;
    const existing = await client.post('/user/repos', { basic: basic(), body: { name: 'existing', private: true } });
    assert.equal(existing.status, 201, existing.text);
    assert.equal(await repos.creatorOfMissing(origin, user.login, 'existing'), undefined, 'it exists');
    assert.equal(await repos.creatorOfMissing(origin, 'someone-else', 'x'), undefined, 'not an owner the user can create for');
    assert.equal(await repos.creatorOfMissing(origin, user.login, 'fresh'), account.id);
    assert.equal(await repos.creatorOfMissing(origin, org, 'fresh'), account.id, 'an organization the user administers');

    const made = await repos.createForPush(account.id, user.login, 'fresh');
    assert.ok(made.repoId);
    assert.ok(made.tokenId, 'a token for git');
    const token = await client.get(`/user/personal-access-tokens/${made.tokenId}`, { basic: basic() });
    assert.equal(token.json.kind, 'fine_grained');
    assert.deepEqual(token.json.repositories.map((r: { name: string }) => r.name), ['fresh']);
    assert.equal(token.json.permissions.repository.contents, 'write');
    // The same choice git would get from the credentials provider now.
    const chosen = await api.selectCredentials(`${origin}/${user.login}/fresh.git`, 'push');
    assert.equal(chosen?.tokenId, made.tokenId);

    const caPath = (await api.providerInfo()).caCertPath!;
    const work = fs.mkdtempSync(path.join(process.env.TESSERA_TEST_WORKDIR ?? '/tmp', 'push-'));
    // git runs asynchronously: the embedded provider answers from this very extension host.
    const git = async (...args: string[]) => (await promisify(execFile)('git', args, {
      cwd: work, encoding: 'utf8',
      env: { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_SSL_CAINFO: caPath, GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: `http.${origin}/.extraHeader`, GIT_CONFIG_VALUE_0: `Authorization: Basic ${Buffer.from(`x-access-token:${chosen.password}`).toString('base64')}` },
    })).stdout.trim();
    await git('init', '-q', '-b', 'main');
    fs.writeFileSync(path.join(work, 'a.txt'), 'a\n');
    await git('add', '.');
    await git('-c', 'user.name=T', '-c', 'user.email=t@example.test', 'commit', '-q', '-m', 'first');
    const head = await git('rev-parse', 'HEAD');
    await git('push', '-q', `${origin}/${user.login}/fresh.git`, 'main');
    const branches = await client.get(`/repos/${user.login}/fresh/branches`, { basic: basic() });
    assert.equal(branches.json.find((b: { name: string }) => b.name === 'main')?.commit.sha, head);

    // A token that can already push to every repository of the user is used: no new token.
    const classic = await api.services.api<{ id: number; token: string }>(account.id, 'POST', '/user/personal-access-tokens', { name: 'all repos', scopes: ['repo'] });
    await api.services.rememberTokenSecret(account.id, classic.id, classic.token);
    const before = (await client.get('/user/personal-access-tokens', { basic: basic() })).json.length;
    const again = await repos.createForPush(account.id, user.login, 'fresh2');
    assert.equal(again.tokenId, classic.id);
    assert.equal((await client.get('/user/personal-access-tokens', { basic: basic() })).json.length, before);
  });
});
