// The approval queue with a real client: @octokit/rest pointed at the provider lists pending
// requests, approves one, denies one with a reason, reviews in bulk, lists grants and revokes
// them — through its own methods for GitHub's endpoints; the requesters' tokens change state.
import * as assert from 'node:assert/strict';
import { Octokit } from '@octokit/rest';
import { githubTime } from '../../src/provider/iso-time';
import { newSession, type Session } from '../builders/sessions';
import { createFineGrainedToken } from '../builders/tokens';
import { addMember, orgWithMember, setPolicy } from '../builders/orgs';
import { createRepo } from '../builders/repos';
import { octokitFor, statusOf } from './helpers/octokit';
import { startTestProvider, TestProvider } from './helpers/provider';

describe('approval queue through @octokit/rest', function () {
  this.timeout(60_000);
  let t: TestProvider;
  let owner: Session;
  let dev: Session;
  let ops: Session;
  let org: string;
  let octokit: Octokit;

  before(async () => {
    t = await startTestProvider();
    ({ owner, member: dev, org } = await orgWithMember(t));
    ops = await newSession(t);
    await addMember(t, org, owner, ops);
    await createRepo(t, owner, org, 'api', true);
    await createRepo(t, owner, org, 'web', true);
    await setPolicy(t, org, owner, { require_approval: true });
    octokit = octokitFor(t, owner.token);
  });
  after(async () => t.close());

  async function tokenOf(s: Session, id: number) {
    const res = await t.api.get(`/user/personal-access-tokens/${id}`, { token: s.token });
    assert.equal(res.status, 200, res.text);
    return res.json;
  }

  it('lists pending requests, approves one, denies one with a reason, reviews in bulk, lists grants and revokes them', async () => {
    const ci = await createFineGrainedToken(t, dev, {
      name: 'ci',
      resource_owner: org,
      repositories: ['api'],
      permissions: { repository: { contents: 'read' }, account: { email_addresses: 'read' } },
      justification: 'CI reads the api repository',
    });
    const deploy = await createFineGrainedToken(t, ops, { name: 'deploy', resource_owner: org, repository_selection: 'all', permissions: { repository: { contents: 'write' } } });
    const docs = await createFineGrainedToken(t, dev, { name: 'docs', resource_owner: org, repositories: ['web'], permissions: { repository: { contents: 'read' } } });
    for (const tok of [ci, deploy, docs]) assert.equal(tok.status, 'pending');

    // List (GitHub's organization-programmatic-access-grant-request objects).
    const pending = await octokit.rest.orgs.listPatGrantRequests({ org, per_page: 100 });
    assert.equal(pending.status, 200);
    assert.equal(pending.data.length, 3);
    const req = (tokenId: number) => pending.data.find((r) => r.token_id === tokenId)!;
    const ciReq = req(ci.id);
    assert.equal(ciReq.owner.login, dev.user.login);
    assert.equal(ciReq.reason, 'CI reads the api repository');
    assert.equal(ciReq.token_name, 'ci');
    assert.equal(ciReq.repository_selection, 'subset');
    assert.deepEqual(ciReq.permissions.repository, { metadata: 'read', contents: 'read' });
    assert.deepEqual(ciReq.permissions.other, { email_addresses: 'read' });
    assert.equal(ciReq.token_expired, false);
    // The token's expiry in GitHub's form (to the second); the token's own answer (Tessera's) has the milliseconds.
    assert.equal(ciReq.token_expires_at, githubTime(new Date(ci.expires_at!)));
    assert.ok(ciReq.repositories_url.endsWith(`/orgs/${org}/personal-access-token-requests/${ciReq.id}/repositories`));

    const byOwner = await octokit.rest.orgs.listPatGrantRequests({ org, owner: [dev.user.login] });
    assert.deepEqual(byOwner.data.map((r) => r.token_id).sort(), [ci.id, docs.id].sort());
    const byPermission = await octokit.rest.orgs.listPatGrantRequests({ org, permission: 'email_addresses' });
    assert.deepEqual(byPermission.data.map((r) => r.token_id), [ci.id]);
    const byRepository = await octokit.rest.orgs.listPatGrantRequests({ org, repository: 'web' });
    assert.deepEqual(byRepository.data.map((r) => r.token_id).sort(), [deploy.id, docs.id].sort());

    const repos = await octokit.rest.orgs.listPatGrantRequestRepositories({ org, pat_request_id: ciReq.id });
    assert.deepEqual(repos.data.map((r) => r.full_name), [`${org}/api`]);

    // Approve one, deny one with a reason, approve the last in bulk.
    const approved = await octokit.rest.orgs.reviewPatGrantRequest({ org, pat_request_id: ciReq.id, action: 'approve' });
    assert.equal(approved.status, 204);
    const denied = await octokit.rest.orgs.reviewPatGrantRequest({ org, pat_request_id: req(deploy.id).id, action: 'deny', reason: 'Deploys go through the release pipeline' });
    assert.equal(denied.status, 204);
    const bulk = await octokit.rest.orgs.reviewPatGrantRequestsInBulk({ org, pat_request_ids: [req(docs.id).id], action: 'approve' });
    assert.equal(bulk.status, 202);
    assert.deepEqual((await octokit.rest.orgs.listPatGrantRequests({ org })).data, []);

    // The requesters' tokens changed state.
    assert.equal((await tokenOf(dev, ci.id)).status, 'active');
    const deployNow = await tokenOf(ops, deploy.id);
    assert.equal(deployNow.status, 'denied');
    assert.equal(deployNow.status_reason, 'Deploys go through the release pipeline');
    assert.equal((await t.api.get(`/repos/${org}/api/branches`, { token: ci.token })).status, 200);
    assert.equal((await t.api.get(`/repos/${org}/api/branches`, { token: deploy.token })).status, 404);

    // Grants (GitHub's organization-programmatic-access-grant objects).
    const grants = await octokit.rest.orgs.listPatGrants({ org });
    assert.equal(grants.status, 200);
    assert.deepEqual(grants.data.map((g) => g.token_id).sort(), [ci.id, docs.id].sort());
    const ciGrant = grants.data.find((g) => g.token_id === ci.id)!;
    assert.equal(ciGrant.id, ci.id);
    assert.equal(ciGrant.owner.login, dev.user.login);
    assert.ok(Date.parse(ciGrant.access_granted_at) > 0);
    const grantRepos = await octokit.rest.orgs.listPatGrantRepositories({ org, pat_id: ci.id });
    assert.deepEqual(grantRepos.data.map((r) => r.name), ['api']);

    // Revoke one, then the other in bulk.
    const revoked = await octokit.rest.orgs.updatePatAccess({ org, pat_id: ci.id, action: 'revoke' });
    assert.equal(revoked.status, 204);
    const ciNow = await tokenOf(dev, ci.id);
    assert.equal(ciNow.status, 'active');
    assert.equal(ciNow.resource_owner, dev.user.login);
    assert.equal((await t.api.get(`/repos/${org}/api/branches`, { token: ci.token })).status, 404);
    const bulkRevoke = await octokit.rest.orgs.updatePatAccesses({ org, action: 'revoke', pat_ids: [docs.id] });
    assert.equal(bulkRevoke.status, 202);
    assert.deepEqual((await octokit.rest.orgs.listPatGrants({ org })).data, []);
    assert.equal((await tokenOf(dev, docs.id)).resource_owner, dev.user.login);

    // The org's audit log tells the story, without a secret.
    const log = await t.api.get(`/orgs/${org}/audit-log?per_page=100`, { token: owner.token });
    const actions = log.json.map((e: { action: string }) => e.action);
    assert.equal(actions.filter((a: string) => a === 'personal_access_token.request_created').length, 3);
    assert.equal(actions.filter((a: string) => a === 'personal_access_token.access_granted').length, 2);
    assert.equal(actions.filter((a: string) => a === 'personal_access_token.request_denied').length, 1);
    assert.equal(actions.filter((a: string) => a === 'personal_access_token.access_revoked').length, 2);
    for (const secret of [ci.token, deploy.token, docs.token, owner.token]) assert.ok(!log.text.includes(secret), 'no secret in the audit log');
  });

  it('a pending token revoked as leaked (POST /credentials/revoke) leaves the queue: its request is not listed and cannot be approved', async () => {
    const leaked = await createFineGrainedToken(t, dev, { name: 'leaked', resource_owner: org, repositories: ['api'], permissions: { repository: { contents: 'read' } } });
    assert.equal(leaked.status, 'pending');
    const [request] = (await octokit.rest.orgs.listPatGrantRequests({ org, token_id: [String(leaked.id)] })).data;
    assert.equal(request.token_id, leaked.id);

    assert.equal((await t.api.post('/credentials/revoke', { body: { credentials: [leaked.token] } })).status, 202);
    assert.equal((await tokenOf(dev, leaked.id)).status, 'revoked');

    assert.deepEqual((await octokit.rest.orgs.listPatGrantRequests({ org, token_id: [String(leaked.id)] })).data, []);
    assert.equal(await statusOf(octokit.rest.orgs.reviewPatGrantRequest({ org, pat_request_id: request.id, action: 'approve' })), 422);
    assert.equal(await statusOf(octokit.rest.orgs.reviewPatGrantRequestsInBulk({ org, pat_request_ids: [request.id], action: 'approve' })), 422);
    assert.equal((await tokenOf(dev, leaked.id)).status, 'revoked');
    // The org's audit log says the request went with the token.
    const log = await t.api.get(`/orgs/${org}/audit-log?phrase=action:personal_access_token.request_cancelled&per_page=100`, { token: owner.token });
    assert.equal(log.status, 200, log.text);
    assert.ok(log.json.some((e: { token_id?: number }) => e.token_id === leaked.id), log.text);
  });

  it('bad reviews are 422s naming the field; unknown ids are 404 / 422', async () => {
    const one = await createFineGrainedToken(t, dev, { resource_owner: org, permissions: {} });
    const [pending] = (await octokit.rest.orgs.listPatGrantRequests({ org, token_id: [String(one.id)] })).data;
    assert.equal(pending.token_id, one.id);
    assert.equal(await statusOf(octokit.rest.orgs.reviewPatGrantRequestsInBulk({ org, pat_request_ids: [], action: 'approve' })), 422);
    assert.equal(
      await statusOf(octokit.rest.orgs.reviewPatGrantRequestsInBulk({ org, pat_request_ids: Array.from({ length: 101 }, (_, i) => i + 1), action: 'approve' })),
      422,
    );
    const long = await t.api.post(`/orgs/${org}/personal-access-token-requests/${pending.id}`, { token: owner.token, body: { action: 'deny', reason: 'x'.repeat(1025) } });
    assert.equal(long.status, 422);
    assert.equal(long.json.errors[0].field, 'reason');
    const fine = await t.api.post(`/orgs/${org}/personal-access-token-requests/${pending.id}`, { token: owner.token, body: { action: 'deny', reason: 'y'.repeat(1024) } });
    assert.equal(fine.status, 204, 'a reason of 1024 characters is fine');
    assert.equal((await tokenOf(dev, one.id)).status_reason, 'y'.repeat(1024));
    const badAction = await t.api.post(`/orgs/${org}/personal-access-token-requests/${pending.id}`, { token: owner.token, body: { action: 'maybe' } });
    assert.equal(badAction.status, 422);
    assert.equal(badAction.json.errors[0].field, 'action');
    const mixed = await t.api.post(`/orgs/${org}/personal-access-token-requests`, { token: owner.token, body: { pat_request_ids: [pending.id, 999999], action: 'approve' } });
    assert.equal(mixed.status, 422);
    assert.equal(mixed.json.errors[0].field, 'pat_request_ids');
    assert.equal(await statusOf(octokit.rest.orgs.reviewPatGrantRequest({ org, pat_request_id: 999999, action: 'approve' })), 404);
    assert.equal(await statusOf(octokit.rest.orgs.updatePatAccess({ org, pat_id: 999999, action: 'revoke' })), 404);
    // Members can't review.
    const memberOctokit = octokitFor(t, dev.token);
    assert.equal(await statusOf(memberOctokit.rest.orgs.listPatGrantRequests({ org })), 403);
  });
});
