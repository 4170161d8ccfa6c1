// GitHub's documented REST calls through @octokit/rest, unchanged: the endpoints clients call all
// the time (users by login, their repositories, the user's keys, one branch, removing an org
// member), the documented request fields (auto_init, homepage, has_*, visibility internal, bio,
// blog, org email) and GitHub's whole classic scope catalog. Unknown fields are still refused.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import type { Octokit } from '@octokit/rest';
import { defaultRepositoriesRoot, repositoryPath } from '../../src/provider/git/bare-repos';
import { uniqueName } from '../builders/unique-name';
import { newSession, type Session } from '../builders/sessions';
import { createClassicToken } from '../builders/tokens';
import { addMember, orgWithMember } from '../builders/orgs';
import { createRepo } from '../builders/repos';
import { sshPublicKey } from '../builders/ssh-keys';
import { octokitFor, statusOf } from './helpers/octokit';
import { startTestProvider, TestProvider } from './helpers/provider';

describe("GitHub's documented REST calls through @octokit/rest", function () {
  this.timeout(60_000);
  let t: TestProvider;
  let owner: Session;
  let dev: Session;
  let org: string;
  let octokit: Octokit;

  before(async () => {
    t = await startTestProvider();
    ({ owner, member: dev, org } = await orgWithMember(t));
    octokit = octokitFor(t, owner.token);
  });
  after(async () => t.close());

  it('repos.createForAuthenticatedUser with auto_init, homepage, has_issues, has_wiki: stored, returned, and a README commit on main', async () => {
    const name = uniqueName('init');
    const created = await octokit.rest.repos.createForAuthenticatedUser({
      name,
      description: 'made by octokit',
      auto_init: true,
      homepage: 'https://example.test/app',
      has_issues: false,
      has_wiki: false,
      has_projects: false,
      is_template: true,
    });
    assert.equal(created.status, 201);
    assert.equal(created.data.homepage, 'https://example.test/app');
    assert.equal(created.data.has_issues, false);
    assert.equal(created.data.has_wiki, false);
    assert.equal(created.data.has_projects, false);
    assert.equal(created.data.is_template, true);
    assert.ok(created.data.pushed_at, 'the first commit counts as a push');
    const read = await octokit.rest.repos.get({ owner: owner.user.login, repo: name });
    assert.equal(read.data.homepage, 'https://example.test/app');
    assert.equal(read.data.has_issues, false);
    assert.equal(read.data.has_wiki, false);

    const branch = await octokit.rest.repos.getBranch({ owner: owner.user.login, repo: name, branch: 'main' });
    assert.equal(branch.status, 200);
    assert.equal(branch.data.name, 'main');
    assert.match(branch.data.commit.sha, /^[0-9a-f]{40}$/);
    assert.equal(branch.data.commit.commit.message, 'Initial commit');
    assert.equal(branch.data.commit.commit.author?.email, owner.user.email);
    assert.deepEqual(branch.data.commit.parents, []);
    assert.equal(branch.data.protected, false);

    // The commit is in the bare repository: README.md on main.
    const gitDir = repositoryPath(defaultRepositoriesRoot(t.dataDir), owner.user.login, name);
    const git = (...args: string[]) => execFileSync('git', ['--git-dir', gitDir, ...args], { encoding: 'utf8', env: { PATH: process.env.PATH } });
    assert.equal(git('show', 'main:README.md'), `# ${name}\n\nmade by octokit\n`);
    assert.equal(git('rev-parse', 'main').trim(), branch.data.commit.sha);
    assert.equal(git('symbolic-ref', 'HEAD').trim(), 'refs/heads/main');
  });

  it('without auto_init the repository is empty; repos.getBranch answers 404 for a missing branch', async () => {
    const name = uniqueName('empty');
    await octokit.rest.repos.createForAuthenticatedUser({ name });
    assert.equal(await statusOf(octokit.rest.repos.getBranch({ owner: owner.user.login, repo: name, branch: 'main' })), 404);
    const list = await octokit.rest.repos.listBranches({ owner: owner.user.login, repo: name });
    assert.deepEqual(list.data, []);
  });

  it('repos.update stores homepage and has_* flags; visibility internal only for organization repositories', async () => {
    const name = uniqueName('settings');
    await octokit.rest.repos.createInOrg({ org, name, visibility: 'internal' as 'private' });
    const got = await octokit.rest.repos.get({ owner: org, repo: name });
    assert.equal(got.data.visibility, 'internal');
    assert.equal(got.data.private, true);
    // Internal is private for access: a non-member cannot see it.
    const outsider = await newSession(t);
    assert.equal(await statusOf(octokitFor(t, outsider.token).rest.repos.get({ owner: org, repo: name })), 404);
    // A member can.
    assert.equal(await statusOf(octokitFor(t, dev.token).rest.repos.get({ owner: org, repo: name })), 200);

    const upd = await octokit.rest.repos.update({ owner: org, repo: name, homepage: 'https://docs.example.test', has_issues: false, visibility: 'public' });
    assert.equal(upd.data.homepage, 'https://docs.example.test');
    assert.equal(upd.data.has_issues, false);
    assert.equal(upd.data.visibility, 'public');
    assert.equal(upd.data.private, false);

    const userRepo = await statusOf(octokit.rest.repos.createForAuthenticatedUser({ name: uniqueName('int'), visibility: 'internal' } as never));
    assert.equal(userRepo, 422);
  });

  it('unknown fields are still refused with 422 naming them', async () => {
    const res = await t.api.post('/user/repos', { token: owner.token, body: { name: uniqueName('x'), not_a_github_field: true } });
    assert.equal(res.status, 422, res.text);
    assert.match(res.text, /not_a_github_field/);
    const user = await t.api.patch('/user', { token: owner.token, body: { favourite_colour: 'blue' } });
    assert.equal(user.status, 422, user.text);
    const orgRes = await t.api.patch(`/orgs/${org}`, { token: owner.token, body: { mascot: 'cat' } });
    assert.equal(orgRes.status, 422, orgRes.text);
  });

  it('users.updateAuthenticated with bio, blog, company, location, twitter_username, hireable', async () => {
    const res = await octokit.rest.users.updateAuthenticated({ bio: 'Builds things', blog: 'https://blog.example.test', company: 'Tessera', location: 'Berlin', twitter_username: 'tessera', hireable: true });
    assert.equal(res.status, 200);
    assert.equal(res.data.bio, 'Builds things');
    assert.equal(res.data.blog, 'https://blog.example.test');
    assert.equal(res.data.company, 'Tessera');
    assert.equal(res.data.location, 'Berlin');
    assert.equal(res.data.twitter_username, 'tessera');
    assert.equal(res.data.hireable, true);
    const me = await octokit.rest.users.getAuthenticated();
    assert.equal(me.data.bio, 'Builds things');
    const cleared = await octokit.rest.users.updateAuthenticated({ blog: '' });
    assert.equal(cleared.data.blog, '');
    assert.equal(cleared.data.bio, 'Builds things');
  });

  it('users.getByUsername: a user and an organization in the public-user shape; 404 for nobody', async () => {
    const u = await octokitFor(t, dev.token).rest.users.getByUsername({ username: owner.user.login });
    assert.equal(u.status, 200);
    assert.equal(u.data.login, owner.user.login);
    assert.equal(u.data.type, 'User');
    assert.equal(u.data.email, null, 'emails are not public');
    assert.equal(u.data.user_view_type, 'public', "GitHub's public view");
    assert.equal(typeof u.data.public_repos, 'number');
    const o = await octokitFor(t, dev.token).rest.users.getByUsername({ username: org });
    assert.equal(o.data.login, org);
    assert.equal(o.data.type, 'Organization');
    assert.equal(o.data.user_view_type, 'public', "GitHub's public view");
    // Anonymous callers too.
    const anonymous = await t.api.get(`/users/${owner.user.login}`);
    assert.equal(anonymous.status, 200, anonymous.text);
    assert.equal(await statusOf(octokit.rest.users.getByUsername({ username: uniqueName('nobody') })), 404);
  });

  it('repos.listForUser: public repositories for anyone, private ones for those who may see them; sort and direction', async () => {
    const login = dev.user.login;
    await createRepo(t, dev, undefined, 'b-public', false);
    await createRepo(t, dev, undefined, 'a-public', false);
    await createRepo(t, dev, undefined, 'c-private', true);
    const asOwner = await octokitFor(t, dev.token).rest.repos.listForUser({ username: login });
    assert.deepEqual(asOwner.data.map((r) => r.name), ['a-public', 'b-public', 'c-private']);
    const asOther = await octokit.rest.repos.listForUser({ username: login, sort: 'full_name', direction: 'desc' });
    assert.deepEqual(asOther.data.map((r) => r.name), ['b-public', 'a-public']);
    const anonymous = await t.api.get(`/users/${login}/repos`);
    assert.deepEqual(anonymous.json.map((r: { name: string }) => r.name), ['a-public', 'b-public']);
    const orgRepos = await octokitFor(t, dev.token).rest.repos.listForUser({ username: org, type: 'owner' });
    assert.ok(orgRepos.data.every((r) => r.owner.login === org));
    assert.equal(await statusOf(octokit.rest.repos.listForUser({ username: uniqueName('nobody') })), 404);
  });

  it('users.listPublicSshKeysForAuthenticatedUser: an empty list (git is HTTPS-only); needs read:public_key', async () => {
    const withScope = await createClassicToken(t, owner, { scopes: ['read:public_key'] });
    const keys = await octokitFor(t, withScope.token).rest.users.listPublicSshKeysForAuthenticatedUser();
    assert.equal(keys.status, 200);
    assert.deepEqual(keys.data, []);
    assert.equal(await statusOf(octokit.rest.users.listPublicSshKeysForAuthenticatedUser()), 403, 'the session token has no public-key scope');
    const without = await createClassicToken(t, owner, { scopes: ['gist'] });
    assert.equal(await statusOf(octokitFor(t, without.token).rest.users.listPublicSshKeysForAuthenticatedUser()), 403);
  });

  it('users.*SshSigningKey*: an empty list under read:ssh_signing_key, adding one a 422 on key, one key or a user\'s list a 404 naming what Tessera has no', async () => {
    const reader = octokitFor(t, (await createClassicToken(t, owner, { scopes: ['read:ssh_signing_key'] })).token);
    const keys = await reader.rest.users.listSshSigningKeysForAuthenticatedUser({ per_page: 100 });
    assert.deepEqual([keys.status, keys.data], [200, []]);
    assert.equal(await statusOf(octokit.rest.users.listSshSigningKeysForAuthenticatedUser()), 403, 'the session token has no signing-key scope');
    const writer = octokitFor(t, (await createClassicToken(t, owner, { scopes: ['admin:ssh_signing_key'] })).token);
    const key = `${sshPublicKey()}`;
    const added = await writer.rest.users.createSshSigningKeyForAuthenticatedUser({ title: 'laptop', key }).catch((err: { status: number; response: { data: { errors: { field: string; resource: string }[] } } }) => err);
    assert.ok('response' in added && added.status === 422, `a 422: ${JSON.stringify(added)}`);
    assert.deepEqual(added.response.data.errors.map((e) => [e.resource, e.field]), [['SshSigningKey', 'key']]);
    assert.equal(await statusOf(reader.rest.users.createSshSigningKeyForAuthenticatedUser({ key })), 403);
    for (const call of [
      writer.rest.users.getSshSigningKeyForAuthenticatedUser({ ssh_signing_key_id: 1 }),
      writer.rest.users.deleteSshSigningKeyForAuthenticatedUser({ ssh_signing_key_id: 1 }),
      writer.rest.users.listSshSigningKeysForUser({ username: owner.user.login }),
    ]) {
      const err = await call.then(() => assert.fail('a 404'), (e: { status: number; response: { data: { message: string } } }) => e);
      assert.deepEqual([err.status, err.response.data.message], [404, 'Not Found: Tessera has no SSH signing keys']);
    }
    assert.deepEqual((await reader.rest.users.listSshSigningKeysForAuthenticatedUser()).data, []);
  });

  it('orgs.update with email, blog, company, location; billing_email for owners only', async () => {
    const res = await octokit.rest.orgs.update({ org, email: 'team@example.test', blog: 'https://org.example.test', company: 'Tessera Inc', location: 'Lisbon', billing_email: 'billing@example.test' });
    assert.equal(res.status, 200);
    assert.equal(res.data.email, 'team@example.test');
    assert.equal(res.data.blog, 'https://org.example.test');
    assert.equal(res.data.company, 'Tessera Inc');
    assert.equal(res.data.location, 'Lisbon');
    assert.equal(res.data.billing_email, 'billing@example.test');
    const asMember = await octokitFor(t, dev.token).rest.orgs.get({ org });
    assert.equal(asMember.data.email, 'team@example.test');
    assert.equal(asMember.data.billing_email, undefined);
    assert.equal(await statusOf(octokit.rest.orgs.update({ org, email: 'not an email' })), 422);
  });

  it('orgs.removeMember: owners remove an active member (204, audited); members may not; non-members 404', async () => {
    const leaving = await newSession(t);
    await addMember(t, org, owner, leaving);
    assert.equal(await statusOf(octokitFor(t, dev.token).rest.orgs.removeMember({ org, username: leaving.user.login })), 403);
    const res = await octokit.rest.orgs.removeMember({ org, username: leaving.user.login });
    assert.equal(res.status, 204);
    assert.equal(await statusOf(octokit.rest.orgs.checkMembershipForUser({ org, username: leaving.user.login })), 404);
    assert.equal(await statusOf(octokit.rest.orgs.removeMember({ org, username: leaving.user.login })), 404);
    const audit = await t.api.get(`/orgs/${org}/audit-log?phrase=action:org.remove_member`, { token: owner.token });
    assert.equal(audit.status, 200, audit.text);
    assert.ok(audit.json.some((e: { user?: string }) => e.user === leaving.user.login), audit.text);
  });

  it('the new endpoints refuse bad input with 422 naming the field, and hide what the caller may not see', async () => {
    const check = async (res: Promise<{ status: number; text: string; json: any }>, field: string) => {
      const r = await res;
      assert.equal(r.status, 422, r.text);
      assert.ok(JSON.stringify(r.json).includes(field), r.text);
    };
    await check(t.api.get(`/users/${owner.user.login}/repos?type=forks`, { token: owner.token }), 'type');
    await check(t.api.get(`/users/${owner.user.login}/repos?visibility=all`, { token: owner.token }), 'visibility');
    await check(t.api.get('/user/keys?fingerprint=x', { token: (await createClassicToken(t, owner, { scopes: ['read:public_key'] })).token }), 'fingerprint');
    await check(t.api.get(`/orgs/${org}/repos?since=2020-01-01T00:00:00Z`, { token: owner.token }), 'since');
    await check(t.api.patch('/user', { token: owner.token, body: { twitter_username: 'not a handle' } }), 'twitter_username');
    await check(t.api.patch('/user', { token: owner.token, body: { bio: 'x'.repeat(161) } }), 'bio');
    await check(t.api.patch('/user', { token: owner.token, body: { hireable: 'yes' } }), 'hireable');
    await check(t.api.patch(`/orgs/${org}`, { token: owner.token, body: { billing_email: 'nope' } }), 'billing_email');
    await check(t.api.post(`/orgs/${org}/repos`, { token: owner.token, body: { name: uniqueName('c'), visibility: 'internal', private: false } }), 'visibility');
    await check(t.api.post('/user/repos', { token: owner.token, body: { name: uniqueName('c'), auto_init: 'yes' } }), 'auto_init');
    await check(t.api.post('/user/repos', { token: owner.token, body: { name: uniqueName('c'), has_issues: 'no' } }), 'has_issues');

    // A private repository's branch is not found for others, as the repository is not.
    const secret = uniqueName('secret');
    await octokit.rest.repos.createForAuthenticatedUser({ name: secret, private: true, auto_init: true });
    const outsider = await newSession(t);
    assert.equal(await statusOf(octokitFor(t, outsider.token).rest.repos.getBranch({ owner: owner.user.login, repo: secret, branch: 'main' })), 404);
    assert.equal((await t.api.get(`/repos/${owner.user.login}/${secret}/branches/main`)).status, 404, 'anonymous');
    // The last owner cannot be removed; an invitation is not a member (the membership endpoint cancels it).
    const lastOwner = await t.api.delete(`/orgs/${org}/members/${owner.user.login}`, { token: owner.token });
    assert.equal(lastOwner.status, 422, lastOwner.text);
    assert.equal(lastOwner.json.errors[0].field, 'username');
    const invited = await newSession(t);
    assert.equal((await t.api.put(`/orgs/${org}/memberships/${invited.user.login}`, { token: owner.token, body: { role: 'member' } })).status, 200);
    assert.equal((await t.api.delete(`/orgs/${org}/members/${invited.user.login}`, { token: owner.token })).status, 404);
    assert.equal((await t.api.delete(`/orgs/${org}/memberships/${invited.user.login}`, { token: owner.token })).status, 204);
  });

  it("GitHub's classic scopes are accepted: gist and workflow are stored and reported in X-OAuth-Scopes", async () => {
    const tok = await createClassicToken(t, owner, { scopes: ['repo', 'gist', 'workflow', 'write:packages', 'admin:public_key'] });
    const me = await octokitFor(t, tok.token).rest.users.getAuthenticated();
    assert.equal(me.headers['x-oauth-scopes'], 'repo, workflow, write:packages, admin:public_key, gist');
    const unknown = await t.api.post('/user/personal-access-tokens', { token: owner.token, body: { name: uniqueName('bad'), kind: 'classic', scopes: ['gist', 'admin:everything'], expires_in_days: 7 } });
    assert.equal(unknown.status, 422, unknown.text);
    assert.match(unknown.text, /admin:everything/);
  });
});
