// Repositories and deploy keys with @octokit/rest's own methods: creation makes a real bare git
// repository (default branch main), visibility decides who sees it, lists filter by what the
// credentials reach, deploy keys record their token and go with it.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { git, hermeticGitEnv } from '../../bench/git-https/git-client';
import { newSession, type Session } from '../builders/sessions';
import { createClassicToken, createFineGrainedToken } from '../builders/tokens';
import { createOrg } from '../builders/orgs';
import { createRepo } from '../builders/repos';
import { sshPublicKey } from '../builders/ssh-keys';
import { octokitFor, statusOf } from './helpers/octokit';
import { startTestProvider, TestProvider } from './helpers/provider';
import { holdWriteLock } from './helpers/database-access';
import { DATABASE_BUSY_MESSAGE } from '../../src/provider/http/error-handler';

describe('repositories and deploy keys', function () {
  this.timeout(60_000);
  let t: TestProvider;
  let alice: Session;
  let bob: Session;
  let org: string;

  before(async () => {
    t = await startTestProvider();
    alice = await newSession(t);
    bob = await newSession(t);
    org = await createOrg(t, alice);
  });
  after(async () => t.close());

  const kit = (token: string) => octokitFor(t, token);

  it('createForAuthenticatedUser and createInOrg make real bare repositories with default branch main', async () => {
    const mine = await kit(alice.token).rest.repos.createForAuthenticatedUser({ name: 'Tools', private: true, description: 'my tools' });
    assert.equal(mine.status, 201);
    assert.equal(mine.data.full_name, `${alice.user.login}/Tools`);
    assert.equal(mine.data.private, true);
    assert.equal(mine.data.default_branch, 'main');
    assert.equal(mine.data.clone_url, `${t.provider.url}/${alice.user.login}/Tools.git`);
    assert.deepEqual(mine.data.permissions, { admin: true, maintain: true, push: true, triage: true, pull: true });
    const theirs = await kit(alice.token).rest.repos.createInOrg({ org, name: 'site', visibility: 'public' });
    assert.equal(theirs.data.owner.login, org);
    assert.equal(theirs.data.visibility, 'public');
    for (const [owner, name] of [[alice.user.login, 'Tools'], [org, 'site']]) {
      const dir = path.join(t.dataDir, 'repositories', owner.toLowerCase(), `${name.toLowerCase()}.git`);
      assert.ok(existsSync(path.join(dir, 'HEAD')), `${dir} is a git repository`);
      assert.equal(execFileSync('git', ['--git-dir', dir, 'rev-parse', '--is-bare-repository']).toString().trim(), 'true');
      assert.equal(execFileSync('git', ['--git-dir', dir, 'symbolic-ref', 'HEAD']).toString().trim(), 'refs/heads/main');
    }
    const got = await kit(alice.token).rest.repos.get({ owner: alice.user.login.toUpperCase(), repo: 'tools' });
    assert.equal(got.data.id, mine.data.id, 'owner and name are case-insensitive');
    const branches = await kit(alice.token).rest.repos.listBranches({ owner: org, repo: 'site' });
    assert.deepEqual(branches.data, [], 'an empty repository has no branches');
  });

  it('GET branches of a repository whose bare repository is missing on disk is [] (not a 500), and git access makes it again', async () => {
    await kit(alice.token).rest.repos.createForAuthenticatedUser({ name: 'gone-from-disk' });
    const dir = path.join(t.dataDir, 'repositories', alice.user.login.toLowerCase(), 'gone-from-disk.git');
    rmSync(dir, { recursive: true, force: true });
    const branches = await kit(alice.token).rest.repos.listBranches({ owner: alice.user.login, repo: 'gone-from-disk' });
    assert.equal(branches.status, 200);
    assert.deepEqual(branches.data, []);
    assert.equal(existsSync(dir), false, 'a read does not make the bare repository');
    const basic = Buffer.from(`x-access-token:${alice.token}`).toString('base64');
    // Asynchronously: the provider runs in this process.
    const ls = await git(['ls-remote', `${t.provider.url}/${alice.user.login}/gone-from-disk.git`], {
      env: hermeticGitEnv(path.join(t.dataDir, 'git-home'), undefined, {
        GIT_CONFIG_COUNT: '1',
        GIT_CONFIG_KEY_0: 'http.extraHeader',
        GIT_CONFIG_VALUE_0: `Authorization: Basic ${basic}`,
      }),
    });
    assert.equal(ls, '', 'git sees an empty repository');
    assert.ok(existsSync(path.join(dir, 'HEAD')), 'git access made it again');
  });

  it('refuses bad names and duplicates with 422 naming name; unknown fields with 422', async () => {
    for (const name of ['..', 'a/b', 'x.git', '-dash', 'sp ace', 'a'.repeat(101)]) {
      const res = await t.api.post('/user/repos', { token: alice.token, body: { name } });
      assert.equal(res.status, 422, `${name}: ${res.text}`);
      assert.equal(res.json.errors[0].field, 'name');
    }
    await createRepo(t, alice, org, 'dup', true);
    const dup = await t.api.post(`/orgs/${org}/repos`, { token: alice.token, body: { name: 'DUP' } });
    assert.equal(dup.status, 422);
    assert.deepEqual([dup.json.errors[0].field, dup.json.errors[0].code], ['name', 'already_exists']);
    const unknown = await t.api.post('/user/repos', { token: alice.token, body: { name: 'ok-name', not_a_github_field: true } });
    assert.equal(unknown.status, 422);
    assert.equal(unknown.json.errors[0].field, 'not_a_github_field');
    const contradiction = await t.api.post('/user/repos', { token: alice.token, body: { name: 'ok-name', private: true, visibility: 'public' } });
    assert.equal(contradiction.status, 422);
    assert.equal(contradiction.json.errors[0].field, 'visibility');
    const outsider = await t.api.post(`/orgs/${org}/repos`, { token: bob.token, body: { name: 'intruder' } });
    assert.equal(outsider.status, 404, 'only members create repositories in an org');
  });

  it('private repositories are 404 to outsiders, anonymous callers and tokens without repo; public ones readable by all', async () => {
    await createRepo(t, alice, org, 'hidden', true);
    await createRepo(t, alice, org, 'shown', false);
    assert.equal((await t.api.get(`/repos/${org}/hidden`, { token: bob.token })).status, 404);
    assert.equal((await t.api.get(`/repos/${org}/hidden`)).status, 404);
    assert.equal((await t.api.get(`/repos/${org}/nope`, { token: alice.token })).status, 404);
    const pub = await t.api.get(`/repos/${org}/shown`);
    assert.equal(pub.status, 200);
    assert.equal(pub.json.permissions, undefined, 'anonymous callers get no permissions object');
    const asBob = await t.api.get(`/repos/${org}/shown`, { token: bob.token });
    assert.deepEqual(asBob.json.permissions, { admin: false, maintain: false, push: false, triage: false, pull: true });
    const noScope = await createClassicToken(t, alice, { scopes: [] });
    // A classic token without repo: not found either, the same answer as a missing name (the scopes a private one would need included).
    const priv = await t.api.get(`/repos/${org}/hidden`, { token: noScope.token });
    const missing = await t.api.get(`/repos/${org}/nope`, { token: noScope.token });
    assert.equal(priv.status, 404);
    assert.equal(priv.text, missing.text);
    assert.equal(priv.headers.get('x-accepted-oauth-scopes'), 'repo, admin:token');
    assert.equal(missing.headers.get('x-accepted-oauth-scopes'), 'repo, admin:token');
    // PATCH visibility, audited.
    const patched = await kit(alice.token).rest.repos.update({ owner: org, repo: 'hidden', private: false });
    assert.equal(patched.data.private, false);
    assert.equal((await t.api.get(`/repos/${org}/hidden`)).status, 200);
    const log = await t.api.get(`/orgs/${org}/audit-log?phrase=action:repo.access`, { token: alice.token });
    assert.equal(log.json[0].repo, `${org}/hidden`);
  });

  it('GET /user/repos and /orgs/{org}/repos list what the credentials reach', async () => {
    const o = await createOrg(t, alice);
    await createRepo(t, alice, o, 'a-private', true);
    await createRepo(t, alice, o, 'b-public', false);
    const names = (res: { json: { full_name: string }[] }) => res.json.map((r) => r.full_name);
    assert.deepEqual(names(await t.api.get(`/orgs/${o}/repos`)), [`${o}/b-public`]);
    assert.deepEqual(names(await t.api.get(`/orgs/${o}/repos`, { token: bob.token })), [`${o}/b-public`]);
    assert.deepEqual(names(await t.api.get(`/orgs/${o}/repos`, { token: alice.token })), [`${o}/b-public`, `${o}/a-private`], 'newest first');
    assert.deepEqual(names(await t.api.get(`/orgs/${o}/repos?type=private`, { token: alice.token })), [`${o}/a-private`]);
    assert.deepEqual(names(await t.api.get(`/orgs/${o}/repos?type=public`, { token: alice.token })), [`${o}/b-public`]);
    assert.deepEqual(names(await t.api.get(`/orgs/${o}/repos?type=owner&sort=full_name`, { token: alice.token })), [`${o}/a-private`, `${o}/b-public`]);
    assert.deepEqual(names(await t.api.get(`/orgs/${o}/repos?type=forks`, { token: alice.token })), []);
    assert.deepEqual(names(await t.api.get('/user/repos?type=forks', { token: alice.token })), []);
    const mineAll = names(await t.api.get('/user/repos?per_page=100', { token: alice.token }));
    assert.ok(mineAll.includes(`${o}/a-private`) && mineAll.includes(`${alice.user.login}/Tools`));
    const publicOnly = await createClassicToken(t, alice, { scopes: ['public_repo'] });
    const listed = names(await t.api.get('/user/repos?per_page=100', { token: publicOnly.token }));
    assert.ok(listed.includes(`${o}/b-public`));
    assert.ok(!listed.includes(`${o}/a-private`), 'a classic token without repo lists no private repositories');
    const fg = await createFineGrainedToken(t, alice, { resource_owner: o, repositories: ['b-public'], permissions: {} });
    assert.deepEqual(names(await t.api.get('/user/repos', { token: fg.token })), [`${o}/b-public`], "a fine-grained token lists its owner's selected repositories");
    const elsewhere = await createFineGrainedToken(t, bob, { permissions: {} });
    assert.deepEqual(names(await t.api.get('/user/repos', { token: elsewhere.token })), [], 'none of its own selected');
    assert.deepEqual(names(await t.api.get(`/orgs/${o}/repos`, { token: elsewhere.token })), [`${o}/b-public`], "an org's public repositories are listed for every token");
    // Paging with Link.
    const page1 = await t.api.get(`/orgs/${o}/repos?per_page=1`, { token: alice.token });
    assert.equal(page1.json.length, 1);
    assert.match(page1.headers.get('link') ?? '', /rel="next"/);
    const bad = await t.api.get('/user/repos?visibility=secret', { token: alice.token });
    assert.equal(bad.status, 422);
    assert.equal(bad.json.errors[0].field, 'visibility');
  });

  it('deploy keys: create/list/get/delete with octokit; the token that added a key takes it along when deleted', async () => {
    await createRepo(t, alice, org, 'deploy', true);
    const fg = await createFineGrainedToken(t, alice, { resource_owner: org, repositories: ['deploy'], permissions: { repository: { administration: 'write' } } });
    const key = sshPublicKey('ci@build');
    const created = await kit(fg.token).rest.repos.createDeployKey({ owner: org, repo: 'deploy', title: 'CI', key, read_only: true });
    assert.equal(created.status, 201);
    assert.equal(created.data.title, 'CI');
    assert.equal(created.data.read_only, true);
    assert.equal(created.data.key, key.split(' ').slice(0, 2).join(' '));
    assert.equal(created.data.added_by, alice.user.login);
    assert.equal((created.data as unknown as { token_id: number }).token_id, fg.id, 'the key records the token that added it');
    const byAlice = await kit(alice.token).rest.repos.createDeployKey({ owner: org, repo: 'deploy', key: sshPublicKey('laptop'), read_only: false });
    assert.equal(byAlice.data.title, 'laptop', 'the title defaults to the key comment');
    const list = await kit(alice.token).rest.repos.listDeployKeys({ owner: org, repo: 'deploy' });
    assert.deepEqual(list.data.map((k) => k.title), ['CI', 'laptop']);
    const one = await kit(alice.token).rest.repos.getDeployKey({ owner: org, repo: 'deploy', key_id: created.data.id });
    assert.equal(one.data.id, created.data.id);

    assert.equal(await statusOf(kit(alice.token).rest.repos.createDeployKey({ owner: org, repo: 'deploy', key })), 422, 'a key is in use once');
    for (const bad of ['not a key', 'ssh-dss AAAAB3NzaC1kc3MAAACBAP', `ssh-ed25519 ${Buffer.from('ssh-rsa whatever').toString('base64')}`, '-----BEGIN OPENSSH PRIVATE KEY-----\nabc']) {
      const res = await t.api.post(`/repos/${org}/deploy/keys`, { token: alice.token, body: { key: bad } });
      assert.equal(res.status, 422, bad);
      assert.equal(res.json.errors[0].field, 'key');
    }
    // Members who aren't admins of the repository can't manage keys.
    const member = await newSession(t);
    await t.api.put(`/orgs/${org}/memberships/${member.user.login}`, { token: alice.token, body: { role: 'member' } });
    await t.api.patch(`/user/memberships/orgs/${org}`, { token: member.token, body: { state: 'active' } });
    const denied = await t.api.get(`/repos/${org}/deploy/keys`, { token: member.token });
    assert.equal(denied.status, 403);
    assert.match(denied.json.message, /admin rights/);

    const del = await t.api.delete(`/user/personal-access-tokens/${fg.id}`, { token: alice.token });
    assert.equal(del.status, 204);
    const after = await kit(alice.token).rest.repos.listDeployKeys({ owner: org, repo: 'deploy' });
    assert.deepEqual(after.data.map((k) => k.title), ['laptop'], "deleting the token deleted the key it added");
    assert.equal((await kit(alice.token).rest.repos.deleteDeployKey({ owner: org, repo: 'deploy', key_id: byAlice.data.id })).status, 204);
    assert.equal(await statusOf(kit(alice.token).rest.repos.getDeployKey({ owner: org, repo: 'deploy', key_id: byAlice.data.id })), 404);
    const log = await t.api.get(`/orgs/${org}/audit-log?phrase=action:public_key.create`, { token: alice.token });
    assert.equal(log.json.length, 2);
  });

  it('deploy keys: a pasted private key is named as such; a missing title is the key comment, cut to 255 characters', async () => {
    await createRepo(t, alice, undefined, 'titled', true);
    const pastedPrivate = await t.api.post(`/repos/${alice.user.login}/titled/keys`, { token: alice.token, body: { key: '-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n-----END OPENSSH PRIVATE KEY-----' } });
    assert.match(pastedPrivate.json.errors[0].message, /looks like a private key/, 'a pasted private key is named as such');
    // Without a title the key's comment stands in, cut to the title's 255 characters.
    const longComment = await t.api.post(`/repos/${alice.user.login}/titled/keys`, { token: alice.token, body: { key: sshPublicKey('c'.repeat(400)) } });
    assert.equal(longComment.status, 201, longComment.text);
    assert.equal(longComment.json.title, 'c'.repeat(255));
  });

  it('DELETE /repos/{owner}/{repo} removes the record and the bare repository (delete_repo scope)', async () => {
    await createRepo(t, alice, undefined, 'trash', true);
    const dir = path.join(t.dataDir, 'repositories', alice.user.login.toLowerCase(), 'trash.git');
    assert.ok(existsSync(dir));
    const repoOnly = await createClassicToken(t, alice, { scopes: ['repo'] });
    const refused = await t.api.delete(`/repos/${alice.user.login}/trash`, { token: repoOnly.token });
    assert.equal(refused.status, 403);
    assert.match(refused.json.message, /delete_repo/);
    assert.equal((await kit(alice.token).rest.repos.delete({ owner: alice.user.login, repo: 'trash' })).status, 204);
    assert.equal((await t.api.get(`/repos/${alice.user.login}/trash`, { token: alice.token })).status, 404);
    assert.ok(!existsSync(dir));
  });

  it('DELETE /repos/{owner}/{repo} loses nothing when a step fails: the bare repository cannot be moved aside, or the record cannot be deleted (another connection holds the database)', async () => {
    const login = alice.user.login;
    await createRepo(t, alice, undefined, 'keep', true);
    const dir = path.join(t.dataDir, 'repositories', login.toLowerCase(), 'keep.git');
    const trash = path.join(t.dataDir, 'repositories', '.trash');
    const stillThere = async (why: string) => {
      assert.equal((await t.api.get(`/repos/${login}/keep`, { token: alice.token })).status, 200, `${why}: the record is kept`);
      assert.ok(existsSync(path.join(dir, 'HEAD')), `${why}: the bare repository is where it was`);
    };
    await stillThere('before'); // (also writes the token's last_used_at: the clock stands still, so no write follows)

    // 1. The trash folder cannot be made: the repository is never moved, the record never deleted.
    rmSync(trash, { recursive: true, force: true });
    writeFileSync(trash, 'not a folder');
    const unmovable = await t.api.delete(`/repos/${login}/keep`, { token: alice.token });
    assert.equal(unmovable.status, 500);
    await stillThere('the move failed');
    rmSync(trash);

    // 2. Another connection holds the write lock past the busy timeout: the record cannot be
    //    deleted. On PostgreSQL the repository, already moved aside, is put back; on SQLite the
    //    repository lock is itself a write transaction, so the delete stops before moving anything.
    const release = await holdWriteLock(t);
    let busy;
    try {
      busy = await t.api.delete(`/repos/${login}/keep`, { token: alice.token });
    } finally {
      await release();
    }
    assert.equal(busy.status, 503);
    assert.equal(busy.json.message, DATABASE_BUSY_MESSAGE);
    assert.equal(busy.headers.get('retry-after'), '1');
    assert.deepEqual(existsSync(trash) ? readdirSync(trash) : [], [], 'nothing is left aside');
    await stillThere('the record could not be deleted');

    // 3. Nothing in the way: deleted, and the name is free again.
    assert.equal((await t.api.delete(`/repos/${login}/keep`, { token: alice.token })).status, 204);
    assert.equal((await t.api.get(`/repos/${login}/keep`, { token: alice.token })).status, 404);
    assert.ok(!existsSync(dir));
    assert.deepEqual(readdirSync(trash), []);
    await createRepo(t, alice, undefined, 'keep', true);
    assert.ok(existsSync(path.join(dir, 'HEAD')));
  });
});
