// Every REST endpoint the provider implements answers in the shapes GitHub Enterprise Server 3.19's
// OpenAPI description gives (from @octokit/openapi; GitHub Enterprise Cloud's for the few endpoints
// only it has): real requests to a real provider produce each status the endpoint answers —
// successes, 401, 403, 404, 422 — and every body is validated against the operation's schema for
// that status (errors GitHub leaves undocumented against its basic-error / validation-error). The
// route table decides what must be covered: a route GitHub documents that no request here reached
// fails the last test, and so does a query parameter GitHub documents for it that no request sent,
// and a route GitHub does not document unless helpers/ghes-route-sets.ts lists it as Tessera's own.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { repositoryPath } from '../../src/provider/git/bare-repos';
import { repositoriesRoot } from '../../src/provider/repos/repositories-root';
import type { CallOptions } from '../builders/api-client';
import { auditCursorOf } from '../builders/audit-cursor';
import { newSession, type Session } from '../builders/sessions';
import { createClassicToken, createFineGrainedToken } from '../builders/tokens';
import { addMember, orgWithMember, setPolicy } from '../builders/orgs';
import { sshPublicKey } from '../builders/ssh-keys';
import { providerRoutes, ValidatedApi } from './helpers/ghes-answers';
import { ANONYMOUS, GHEC_ONLY, NEVER_SUCCEED, TESSERA_ONLY } from './helpers/ghes-route-sets';
import { GHES_VERSION, OpenApiDescription } from './helpers/ghes-schema';
import { InProcessProvider, startInProcessProvider } from './helpers/in-process-provider';

describe(`answers against GHES ${GHES_VERSION}'s OpenAPI description`, function () {
  this.timeout(120_000);
  const ghes = new OpenApiDescription(`ghes-${GHES_VERSION}`);
  const ghec = new OpenApiDescription('ghec');
  let t: InProcessProvider;
  let v: ValidatedApi;
  let owner: Session;
  let dev: Session;
  let outsider: Session;
  let org: string;

  before(async () => {
    t = await startInProcessProvider();
    v = new ValidatedApi(t, [ghes, ghec]);
    ({ owner, member: dev, org } = await orgWithMember(t));
    outsider = await newSession(t);
  });
  after(async () => {
    await t.close();
  });

  it('the user and their emails', async () => {
    await v.call('GET /user', {}, { token: owner.token }, 200);
    await v.call('GET /user', {}, {}, 401);
    await v.call('PATCH /user', {}, { token: owner.token, body: { name: 'Owner Name' } }, 200);
    await v.call('PATCH /user', {}, { token: owner.token, body: { email: 'not-an-email' } }, 422);
    await v.call('PATCH /user', {}, {}, 401);
    await v.call('GET /user/emails', {}, { token: owner.token }, 200);
    await v.call('GET /user/emails', {}, {}, 401);
    const orgReader = await createClassicToken(t, owner, { scopes: ['read:org'] });
    await v.call('GET /user', {}, { token: orgReader.token }, 200); // the public-user shape: no `user` scope
    await v.call('GET /user/emails', {}, { token: orgReader.token }, 403);
    await v.call('PATCH /user', {}, { token: orgReader.token, body: { name: 'no' } }, 403);
  });

  it('the API root, /meta and /rate_limit', async () => {
    await v.call('GET /', {}, {}, 200);
    await v.call('GET /meta', {}, {}, 200);
    await v.call('GET /rate_limit', {}, { token: owner.token }, 200);
    await v.call('GET /rate_limit', {}, {}, 200);
  });

  it('public profiles, SSH, GPG and SSH signing keys', async () => {
    await v.call('GET /users/{username}', { username: dev.user.login }, { token: owner.token }, 200);
    await v.call('GET /users/{username}', { username: org }, {}, 200);
    await v.call('GET /users/{username}', { username: 'no-such-user' }, { token: owner.token }, 404);
    await v.call('GET /users/{username}/repos', { username: owner.user.login }, { token: owner.token }, 200);
    await v.call('GET /users/{username}/repos?sort=bogus', { username: owner.user.login }, { token: owner.token }, 422);
    const keysReader = await createClassicToken(t, owner, { scopes: ['read:public_key'] });
    await v.call('GET /user/keys', {}, { token: keysReader.token }, 200);
    await v.call('GET /user/keys', {}, {}, 401);
    const keysWriter = await createClassicToken(t, owner, { scopes: ['write:public_key'] });
    await v.call('POST /user/keys', {}, { token: keysWriter.token, body: { title: 'laptop', key: sshPublicKey() } }, 422);
    await v.call('POST /user/keys', {}, { token: keysReader.token, body: { title: 'laptop', key: sshPublicKey() } }, 403);
    const gpgReader = await createClassicToken(t, owner, { scopes: ['read:gpg_key'] });
    await v.call('GET /user/gpg_keys', {}, { token: gpgReader.token }, 200);
    await v.call('GET /user/gpg_keys', {}, {}, 401);
    await v.call('GET /user/gpg_keys', {}, { token: keysReader.token }, 403);
    const gpgWriter = await createClassicToken(t, owner, { scopes: ['write:gpg_key'] });
    const armored = '-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nxjMEZ\n-----END PGP PUBLIC KEY BLOCK-----\n';
    await v.call('POST /user/gpg_keys', {}, { token: gpgWriter.token, body: { name: 'laptop', armored_public_key: armored } }, 422);
    await v.call('POST /user/gpg_keys', {}, { token: gpgReader.token, body: { armored_public_key: armored } }, 403);
    const signingReader = await createClassicToken(t, owner, { scopes: ['read:ssh_signing_key'] });
    await v.call('GET /user/ssh_signing_keys', {}, { token: signingReader.token }, 200);
    await v.call('GET /user/ssh_signing_keys', {}, {}, 401);
    await v.call('GET /user/ssh_signing_keys', {}, { token: gpgReader.token }, 403);
    const signingWriter = await createClassicToken(t, owner, { scopes: ['write:ssh_signing_key'] });
    await v.call('POST /user/ssh_signing_keys', {}, { token: signingWriter.token, body: { title: 'laptop', key: sshPublicKey() } }, 422);
    await v.call('POST /user/ssh_signing_keys', {}, { token: signingReader.token, body: { key: sshPublicKey() } }, 403);
  });

  it('OAuth authorizations', async () => {
    const basic = { login: owner.user.login, password: owner.user.password };
    const created = await v.call('POST /authorizations', {}, { basic, body: { note: 'schema check', scopes: ['repo'] } }, 201);
    await v.call('POST /authorizations', {}, { basic, body: { scopes: ['repo'] } }, 422);
    await v.call('POST /authorizations', {}, { basic: { ...basic, password: 'not the password' }, body: { note: 'x' } }, 401);
    await v.call('GET /authorizations', {}, { basic }, 200);
    await v.call('GET /authorizations', {}, {}, 401);
    const id = created.json.id;
    await v.call('GET /authorizations/{id}', { id }, { basic }, 200);
    await v.call('GET /authorizations/{id}', { id }, {}, 401);
    await v.call('GET /authorizations/{id}', { id: 999_999 }, { basic }, 404);
    await v.call('PATCH /authorizations/{id}', { id }, { basic, body: { note: 'renamed' } }, 200);
    await v.call('PATCH /authorizations/{id}', { id }, { basic, body: { scopes: 'repo' } }, 422);
    const client = { client_id: 'schema-client' };
    await v.call('PUT /authorizations/clients/{client_id}', client, { basic, body: { scopes: ['repo'] } }, 201);
    await v.call('PUT /authorizations/clients/{client_id}', client, { basic, body: { scopes: ['repo'] } }, 200);
    await v.call('PUT /authorizations/clients/{client_id}', client, { basic, body: { note: 5 } }, 422);
    await v.call('PUT /authorizations/clients/{client_id}', client, {}, 401);
    const printed = { ...client, fingerprint: 'laptop' };
    await v.call('PUT /authorizations/clients/{client_id}/{fingerprint}', printed, { basic, body: {} }, 201);
    await v.call('PUT /authorizations/clients/{client_id}/{fingerprint}', printed, { basic, body: {} }, 200);
    await v.call('PUT /authorizations/clients/{client_id}/{fingerprint}', printed, { basic, body: { fingerprint: 'desktop' } }, 422);
    await v.call('DELETE /authorizations/{id}', { id }, {}, 401);
    await v.call('DELETE /authorizations/{id}', { id }, { basic }, 204);
  });

  it('organizations, members and memberships', async () => {
    await v.call('GET /orgs/{org}', { org }, { token: owner.token }, 200);
    await v.call('GET /orgs/{org}', { org: 'no-such-org' }, { token: owner.token }, 404);
    await v.call('PATCH /orgs/{org}', { org }, { token: owner.token, body: { description: 'the schema org' } }, 200);
    await v.call('PATCH /orgs/{org}', { org }, { token: owner.token, body: { description: 5 } }, 422);
    await v.call('GET /user/orgs', {}, { token: owner.token }, 200);
    await v.call('GET /user/orgs', {}, {}, 401);
    const repoOnly = await createClassicToken(t, owner, { scopes: ['repo'] });
    await v.call('GET /user/orgs', {}, { token: repoOnly.token }, 403);
    await v.call('GET /user/memberships/orgs', {}, { token: repoOnly.token }, 403);
    await v.call('GET /orgs/{org}/members', { org }, { token: dev.token }, 200);
    await v.call('GET /orgs/{org}/members?role=boss', { org }, { token: dev.token }, 422);
    await v.call('GET /orgs/{org}/members/{username}', { org, username: dev.user.login }, { token: dev.token }, 204);
    await v.call('GET /orgs/{org}/members/{username}', { org, username: outsider.user.login }, { token: dev.token }, 404);
    await v.call('GET /user/memberships/orgs', {}, { token: dev.token }, 200);
    await v.call('GET /user/memberships/orgs', {}, {}, 401);
    await v.call('GET /user/memberships/orgs?state=bogus', {}, { token: dev.token }, 422);
    await v.call('GET /user/memberships/orgs/{org}', { org }, { token: dev.token }, 200);
    await v.call('GET /user/memberships/orgs/{org}', { org }, { token: outsider.token }, 404);
    const invite = { org, username: outsider.user.login };
    await v.call('PUT /orgs/{org}/memberships/{username}', invite, { token: dev.token, body: { role: 'member' } }, 403);
    await v.call('PUT /orgs/{org}/memberships/{username}', invite, { token: owner.token, body: { role: 'boss' } }, 422);
    await v.call('PUT /orgs/{org}/memberships/{username}', invite, { token: owner.token, body: { role: 'member' } }, 200);
    await v.call('GET /orgs/{org}/invitations', { org }, { token: owner.token }, 200);
    await v.call('GET /orgs/{org}/invitations', { org: 'no-such-org' }, { token: owner.token }, 404);
    await v.call('PATCH /user/memberships/orgs/{org}', { org }, { token: outsider.token, body: { state: 'pending' } }, 422);
    await v.call('PATCH /user/memberships/orgs/{org}', { org: 'no-such-org' }, { token: outsider.token, body: { state: 'active' } }, 404);
    await v.call('PATCH /user/memberships/orgs/{org}', { org }, { token: outsider.token, body: { state: 'active' } }, 200);
    await v.call('GET /orgs/{org}/memberships/{username}', invite, { token: owner.token }, 200);
    await v.call('DELETE /orgs/{org}/memberships/{username}', invite, { token: dev.token }, 403);
    await v.call('DELETE /orgs/{org}/memberships/{username}', invite, { token: owner.token }, 204);
    await v.call('DELETE /orgs/{org}/memberships/{username}', invite, { token: owner.token }, 404);
    await v.call('GET /orgs/{org}/memberships/{username}', invite, { token: owner.token }, 404);
    await addMember(t, org, owner, outsider);
    await v.call('DELETE /orgs/{org}/members/{username}', invite, { token: dev.token }, 403);
    await v.call('DELETE /orgs/{org}/members/{username}', invite, { token: owner.token }, 204);
  });

  it('repositories, branches and deploy keys', async () => {
    const me = owner.user.login;
    await v.call('POST /user/repos', {}, { token: owner.token, body: { name: 'tools', private: true, description: 'my tools' } }, 201);
    await v.call('POST /user/repos', {}, { token: owner.token, body: { name: 'tools' } }, 422);
    await v.call('POST /user/repos', {}, { body: { name: 'tools' } }, 401);
    const orgReader = await createClassicToken(t, dev, { scopes: ['read:org'] });
    await v.call('POST /user/repos', {}, { token: orgReader.token, body: { name: 'nope' } }, 403);
    await v.call('POST /orgs/{org}/repos', { org }, { token: orgReader.token, body: { name: 'nope' } }, 403);
    await v.call('POST /orgs/{org}/repos', { org }, { token: owner.token, body: { name: 'site', visibility: 'public' } }, 201);
    await v.call('POST /orgs/{org}/repos', { org }, { token: owner.token, body: { name: '' } }, 422);
    await v.call('GET /repos/{owner}/{repo}', { owner: me, repo: 'tools' }, { token: owner.token }, 200);
    await v.call('GET /repos/{owner}/{repo}', { owner: org, repo: 'site' }, { token: dev.token }, 200);
    await v.call('GET /repos/{owner}/{repo}', { owner: me, repo: 'nothing-here' }, { token: owner.token }, 404);
    await v.call('PATCH /repos/{owner}/{repo}', { owner: me, repo: 'tools' }, { token: owner.token, body: { description: 'still tools' } }, 200);
    await v.call('PATCH /repos/{owner}/{repo}', { owner: me, repo: 'tools' }, { token: owner.token, body: { private: 'yes' } }, 422);
    await v.call('PATCH /repos/{owner}/{repo}', { owner: me, repo: 'nothing-here' }, { token: owner.token, body: {} }, 404);
    await v.call('PATCH /repos/{owner}/{repo}', { owner: org, repo: 'site' }, { token: dev.token, body: { description: 'mine now' } }, 403);
    await v.call('PATCH /repos/{owner}/{repo}', { owner: me, repo: 'tools' }, { token: owner.token, body: { allow_squash_merge: true } }, 422);
    await v.call('GET /repos/{owner}/{repo}/topics', { owner: me, repo: 'tools' }, { token: owner.token }, 200);
    await v.call('GET /repos/{owner}/{repo}/topics', { owner: me, repo: 'nothing-here' }, { token: owner.token }, 404);
    await v.call('PUT /repos/{owner}/{repo}/topics', { owner: me, repo: 'tools' }, { token: owner.token, body: { names: [] } }, 200);
    await v.call('PUT /repos/{owner}/{repo}/topics', { owner: me, repo: 'tools' }, { token: owner.token, body: { names: ['cli'] } }, 422);
    await v.call('PUT /repos/{owner}/{repo}/topics', { owner: me, repo: 'nothing-here' }, { token: owner.token, body: { names: [] } }, 404);

    // A commit on main, written into the bare repository, for the branch list.
    const bare = repositoryPath(repositoriesRoot(t.ctx), me, 'tools');
    const env = { ...process.env, GIT_AUTHOR_NAME: 'T', GIT_AUTHOR_EMAIL: 't@example.test', GIT_COMMITTER_NAME: 'T', GIT_COMMITTER_EMAIL: 't@example.test' };
    const gitIn = (args: string[], input?: string) => execFileSync('git', ['--git-dir', bare, ...args], { env, input }).toString().trim();
    const tree = gitIn(['mktree'], `100644 blob ${gitIn(['hash-object', '-w', '--stdin'], 'hello\n')}\tREADME\n`);
    gitIn(['update-ref', 'refs/heads/main', gitIn(['commit-tree', tree, '-m', 'first'])]);
    const branches = await v.call('GET /repos/{owner}/{repo}/branches', { owner: me, repo: 'tools' }, { token: owner.token }, 200);
    assert.deepEqual(branches.json.map((b: { name: string }) => b.name), ['main']);
    await v.call('GET /repos/{owner}/{repo}/branches', { owner: me, repo: 'nothing-here' }, { token: owner.token }, 404);
    await v.call('GET /repos/{owner}/{repo}/branches/{branch}', { owner: me, repo: 'tools', branch: 'main' }, { token: owner.token }, 200);
    await v.call('GET /repos/{owner}/{repo}/branches/{branch}', { owner: me, repo: 'tools', branch: 'no-such-branch' }, { token: owner.token }, 404);
    await v.call('GET /repos/{owner}/{repo}/readme', { owner: me, repo: 'tools' }, { token: owner.token }, 200);
    await v.call('GET /repos/{owner}/{repo}/readme?ref=no-such-branch', { owner: me, repo: 'tools' }, { token: owner.token }, 404);

    await v.call('GET /user/repos', {}, { token: owner.token }, 200);
    await v.call('GET /user/repos?visibility=bogus', {}, { token: owner.token }, 422);
    await v.call('GET /user/repos', {}, {}, 401);
    await v.call('GET /orgs/{org}/repos', { org }, { token: dev.token }, 200);

    const repo = { owner: me, repo: 'tools' };
    const key = await v.call('POST /repos/{owner}/{repo}/keys', repo, { token: owner.token, body: { title: 'ci', key: sshPublicKey(), read_only: true } }, 201);
    await v.call('POST /repos/{owner}/{repo}/keys', repo, { token: owner.token, body: { title: 'bad', key: 'ssh-rsa nonsense' } }, 422);
    await v.call('GET /repos/{owner}/{repo}/keys', repo, { token: owner.token }, 200);
    await v.call('GET /repos/{owner}/{repo}/keys/{key_id}', { ...repo, key_id: key.json.id }, { token: owner.token }, 200);
    await v.call('GET /repos/{owner}/{repo}/keys/{key_id}', { ...repo, key_id: 999_999 }, { token: owner.token }, 404);
    await v.call('DELETE /repos/{owner}/{repo}/keys/{key_id}', { ...repo, key_id: key.json.id }, { token: owner.token }, 204);

    await v.call('DELETE /repos/{owner}/{repo}', { owner: org, repo: 'site' }, { token: dev.token }, 403);
    await v.call('DELETE /repos/{owner}/{repo}', { owner: org, repo: 'site' }, { token: owner.token }, 204);
    await v.call('DELETE /repos/{owner}/{repo}', { owner: org, repo: 'site' }, { token: owner.token }, 404);
  });

  it('the approval queue, granted tokens and the audit log', async () => {
    await v.call('POST /orgs/{org}/repos', { org }, { token: owner.token, body: { name: 'api', private: true } }, 201);
    await setPolicy(t, org, owner, { require_approval: true });
    const ask = (name: string) =>
      createFineGrainedToken(t, dev, { name, resource_owner: org, repositories: ['api'], permissions: { repository: { contents: 'read' } }, justification: `${name} reads api` });
    const [ci, docs, deploy] = [await ask('ci'), await ask('docs'), await ask('deploy')];

    const queue = await v.call('GET /orgs/{org}/personal-access-token-requests', { org }, { token: owner.token }, 200);
    assert.equal(queue.json.length, 3);
    await v.call('GET /orgs/{org}/personal-access-token-requests', { org }, { token: dev.token }, 403);
    await v.call('GET /orgs/{org}/personal-access-token-requests', { org: 'no-such-org' }, { token: owner.token }, 404);
    await v.call('GET /orgs/{org}/personal-access-token-requests?sort=bogus', { org }, { token: owner.token }, 422);
    const requestOf = (tokenId: number) => queue.json.find((r: { token_id: number }) => r.token_id === tokenId).id;
    const ciRequest = { org, pat_request_id: requestOf(ci.id) };
    await v.call('GET /orgs/{org}/personal-access-token-requests/{pat_request_id}/repositories', ciRequest, { token: owner.token }, 200);
    await v.call('GET /orgs/{org}/personal-access-token-requests/{pat_request_id}/repositories', { org: 'no-such-org', pat_request_id: 1 }, { token: owner.token }, 404);
    await v.call('GET /orgs/{org}/personal-access-token-requests/{pat_request_id}/repositories', ciRequest, { token: dev.token }, 403);
    await v.call('POST /orgs/{org}/personal-access-token-requests/{pat_request_id}', ciRequest, { token: owner.token, body: { action: 'maybe' } }, 422);
    await v.call('POST /orgs/{org}/personal-access-token-requests/{pat_request_id}', ciRequest, { token: dev.token, body: { action: 'approve' } }, 403);
    await v.call('POST /orgs/{org}/personal-access-token-requests/{pat_request_id}', ciRequest, { token: owner.token, body: { action: 'approve' } }, 204);
    await v.call('POST /orgs/{org}/personal-access-token-requests/{pat_request_id}', { org, pat_request_id: 999_999 }, { token: owner.token, body: { action: 'approve' } }, 404);
    const bulk = { pat_request_ids: [requestOf(docs.id), requestOf(deploy.id)], action: 'approve' };
    await v.call('POST /orgs/{org}/personal-access-token-requests', { org }, { token: owner.token, body: { ...bulk, pat_request_ids: [] } }, 422);
    await v.call('POST /orgs/{org}/personal-access-token-requests', { org }, { token: dev.token, body: bulk }, 403);
    await v.call('POST /orgs/{org}/personal-access-token-requests', { org: 'no-such-org' }, { token: owner.token, body: bulk }, 404);
    await v.call('POST /orgs/{org}/personal-access-token-requests', { org }, { token: owner.token, body: bulk }, 202);

    const grants = await v.call('GET /orgs/{org}/personal-access-tokens', { org }, { token: owner.token }, 200);
    assert.equal(grants.json.length, 3);
    await v.call('GET /orgs/{org}/personal-access-tokens', { org }, { token: dev.token }, 403);
    await v.call('GET /orgs/{org}/personal-access-tokens', { org: 'no-such-org' }, { token: owner.token }, 404);
    await v.call('GET /orgs/{org}/personal-access-tokens?direction=sideways', { org }, { token: owner.token }, 422);
    const ciGrant = { org, pat_id: ci.id };
    await v.call('GET /orgs/{org}/personal-access-tokens/{pat_id}/repositories', ciGrant, { token: owner.token }, 200);
    await v.call('GET /orgs/{org}/personal-access-tokens/{pat_id}/repositories', ciGrant, { token: dev.token }, 403);
    await v.call('GET /orgs/{org}/personal-access-tokens/{pat_id}/repositories', { org: 'no-such-org', pat_id: ci.id }, { token: owner.token }, 404);
    await v.call('POST /orgs/{org}/personal-access-tokens/{pat_id}', ciGrant, { token: owner.token, body: { action: 'keep' } }, 422);
    await v.call('POST /orgs/{org}/personal-access-tokens/{pat_id}', ciGrant, { token: dev.token, body: { action: 'revoke' } }, 403);
    await v.call('POST /orgs/{org}/personal-access-tokens/{pat_id}', ciGrant, { token: owner.token, body: { action: 'revoke' } }, 204);
    await v.call('POST /orgs/{org}/personal-access-tokens/{pat_id}', { org, pat_id: 999_999 }, { token: owner.token, body: { action: 'revoke' } }, 404);
    const revoke = { pat_ids: [docs.id, deploy.id], action: 'revoke' };
    await v.call('POST /orgs/{org}/personal-access-tokens', { org }, { token: owner.token, body: { ...revoke, pat_ids: [] } }, 422);
    await v.call('POST /orgs/{org}/personal-access-tokens', { org }, { token: dev.token, body: revoke }, 403);
    await v.call('POST /orgs/{org}/personal-access-tokens', { org: 'no-such-org' }, { token: owner.token, body: revoke }, 404);
    await v.call('POST /orgs/{org}/personal-access-tokens', { org }, { token: owner.token, body: revoke }, 202);

    await v.call('GET /orgs/{org}/audit-log', { org }, { token: owner.token }, 200);
  });

  it('SSO credential authorizations and credential revocation (GHEC\'s description)', async () => {
    const token = await createClassicToken(t, dev, { scopes: ['repo'] });
    const made = await t.api.post(`/orgs/${org}/credential-authorizations`, { token: dev.token, body: { token_id: token.id } });
    assert.equal(made.status, 201, made.text);
    await v.call('GET /orgs/{org}/credential-authorizations', { org }, { token: owner.token }, 200);
    await v.call('GET /orgs/{org}/credential-authorizations', { org: 'no-such-org' }, { token: owner.token }, 404);
    await v.call('GET /orgs/{org}/credential-authorizations?per_page=many', { org }, { token: owner.token }, 422);
    const credential = { org, credential_id: token.id };
    await v.call('DELETE /orgs/{org}/credential-authorizations/{credential_id}', credential, { token: owner.token }, 204);
    await v.call('DELETE /orgs/{org}/credential-authorizations/{credential_id}', credential, { token: owner.token }, 404);
    await v.call('POST /credentials/revoke', {}, { body: { credentials: [token.token] } }, 202);
    // Not its 422: GHEC documents string `errors` (validation-error-simple) there, while Tessera's
    // 422s name their fields ({field, code, message}) everywhere, as GHES's validation-error does.
  });

  it('every query parameter GitHub documents is answered in the list\'s shape, its pages linked with the parameter kept', async () => {
    const me = owner.user.login;
    await setPolicy(t, org, owner, { require_approval: true });
    const ask = (name: string) =>
      createFineGrainedToken(t, dev, { name, resource_owner: org, repositories: ['api'], permissions: { repository: { contents: 'read' } }, justification: name });
    const [lint, docs] = [await ask('lint'), await ask('docs-again')];
    const queue = await t.api.get(`/orgs/${org}/personal-access-token-requests`, { token: owner.token });
    const docsRequest = queue.json.find((r: { token_id: number }) => r.token_id === docs.id).id;
    assert.equal((await t.api.post(`/orgs/${org}/personal-access-token-requests/${docsRequest}`, { token: owner.token, body: { action: 'approve' } })).status, 204);
    await t.api.put(`/orgs/${org}/memberships/${outsider.user.login}`, { token: owner.token, body: { role: 'member' } });
    const sso = await createClassicToken(t, dev, { scopes: ['repo'] });
    assert.equal((await t.api.post(`/orgs/${org}/credential-authorizations`, { token: dev.token, body: { token_id: sso.id } })).status, 201);
    const basic = { login: owner.user.login, password: owner.user.password };
    const filters = `owner=${dev.user.login}&repository=api&permission=contents&token_id=${lint.id},${docs.id}`;
    // Tokens never used match neither last_used filter: those lists may be empty.
    const used = 'last_used_before=2100-01-01T00:00:00Z&last_used_after=2000-01-01T00:00:00Z';
    const table: [route: string, params: Record<string, string | number>, opts: CallOptions, mayBeEmpty?: 'may be empty'][] = [
      ['GET /users/{username}/repos?type=all&sort=created&direction=asc', { username: me }, { token: owner.token }],
      ['GET /authorizations?client_id=00000000000000000000', {}, { basic }],
      ['GET /orgs/{org}/members?filter=2fa_disabled', { org }, { token: owner.token }],
      ['GET /orgs/{org}/invitations?role=direct_member&invitation_source=member', { org }, { token: owner.token }],
      ['GET /repos/{owner}/{repo}/topics?per_page=5&page=1', { owner: me, repo: 'tools' }, { token: owner.token }],
      ['GET /repos/{owner}/{repo}/branches?protected=false', { owner: me, repo: 'tools' }, { token: owner.token }],
      ['GET /user/repos?affiliation=owner,organization_member&sort=updated&direction=asc&since=2000-01-01T00:00:00Z&before=2100-01-01T00:00:00Z', {}, { token: owner.token }],
      ['GET /user/repos?type=owner', {}, { token: owner.token }],
      ['GET /orgs/{org}/repos?type=private&sort=pushed&direction=asc', { org }, { token: owner.token }],
      [`GET /orgs/{org}/personal-access-token-requests?sort=created_at&direction=asc&${filters}`, { org }, { token: owner.token }],
      [`GET /orgs/{org}/personal-access-tokens?sort=created_at&direction=asc&${filters}`, { org }, { token: owner.token }],
      [`GET /orgs/{org}/personal-access-token-requests?${used}`, { org }, { token: owner.token }, 'may be empty'],
      [`GET /orgs/{org}/personal-access-tokens?${used}`, { org }, { token: owner.token }, 'may be empty'],
      ['GET /orgs/{org}/credential-authorizations?login=' + dev.user.login, { org }, { token: owner.token }],
      ['GET /orgs/{org}/credential-authorizations?per_page=1&page=1', { org }, { token: owner.token }],
      ['GET /orgs/{org}/audit-log?phrase=action:org.update&include=all&order=asc&per_page=5&page=1', { org }, { token: owner.token }],
    ];
    for (const [route, params, opts, mayBeEmpty] of table) {
      const res = await v.call(route, params, opts, 200);
      if (Array.isArray(res.json) && !mayBeEmpty && !/[?&](page|per_page)=/.test(route)) assert.ok(res.json.length > 0, `${route}: the fixture has something to list`);
    }
    const events = (await t.api.get(`/orgs/${org}/audit-log?per_page=3`, { token: owner.token })).json;
    const cursor = auditCursorOf(events[1]._document_id);
    await v.call(`GET /orgs/{org}/audit-log?after=${cursor}`, { org }, { token: owner.token }, 200);
    await v.call(`GET /orgs/{org}/audit-log?before=${cursor}`, { org }, { token: owner.token }, 200);
  });

  it('without credentials, every other route GitHub documents answers 401 in its error shape', async () => {
    const routes = (await providerRoutes(t.ctx)).filter((r) => v.describe(...(r.split(' ') as [string, string])));
    assert.deepEqual([...ANONYMOUS].filter((r) => !routes.includes(r)), [], 'ANONYMOUS entries that are not routes GitHub documents');
    for (const route of routes.filter((r) => !ANONYMOUS.has(r))) {
      const params = Object.fromEntries([...route.matchAll(/\{(\w+)\}/g)].map(([, name]) => [name, name === 'org' ? org : 1]));
      await v.call(route, params, route.startsWith('GET ') || route.startsWith('DELETE ') ? {} : { body: {} }, 401);
    }
  });

  it('every route GitHub documents was answered and validated above; every other route is listed as Tessera\'s own', async () => {
    const routes = await providerRoutes(t.ctx);
    const split = (r: string) => r.split(' ') as [string, string];
    const documented = routes.filter((r) => v.describe(...split(r)));
    assert.deepEqual(documented.filter((r) => !v.answered.has(r)), [], 'routes GitHub documents that no request here reached');
    assert.deepEqual(documented.filter((r) => !ghes.operation(...split(r))).sort(), [...GHEC_ONLY].sort(), 'the routes only GHEC documents');
    assert.deepEqual(routes.filter((r) => !documented.includes(r) && !TESSERA_ONLY.has(r)), [], 'routes GitHub does not document, missing from TESSERA_ONLY');
    assert.deepEqual([...TESSERA_ONLY].filter((r) => !routes.includes(r) || documented.includes(r)), [], 'TESSERA_ONLY entries that are not routes, or that GitHub documents');
    const paged = documented.filter((r) => { const d = v.describe(...split(r))!; return d.operation.statuses.includes(200) && d.description.headers(...split(r), 200).includes('link'); });
    assert.deepEqual(paged.filter((r) => !v.paged.has(r)), [], 'lists GitHub documents a Link header for whose pages were not read');
    const unqueried = documented.flatMap((r) => {
      const sent = v.queried.get(r) ?? new Set<string>();
      return v.describe(...split(r))!.description.queryParameters(...split(r)).filter((q) => !sent.has(q)).map((q) => `${r} ?${q}`);
    });
    assert.deepEqual(unqueried, [], 'query parameters GitHub documents that no validated request sent');
    for (const route of documented.filter((r) => !NEVER_SUCCEED.has(r))) {
      const successes = v.describe(...split(route))!.operation.statuses.filter((s) => s >= 200 && s < 300);
      const got = [...(v.answered.get(route) ?? [])];
      assert.ok(successes.some((s) => got.includes(s)), `${route}: no success answer validated (documented ${successes.join(', ')})`);
    }
  });
});
