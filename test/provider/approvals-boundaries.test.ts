// Who may act on an org's approval queue and its grants, and on which ids: an owner of another org
// reaching a request or a granted token through their own org gets 404 (422 in a bulk review,
// said as for an id that does not exist), never 403; a member cannot review even their own request;
// a request whose requester left the org cannot be approved, and its token gets no access; nor can
// one whose token outlives a lifetime cap tightened since it was made (it could never be used); and
// a token for this org never asks for another org's repositories.
import * as assert from 'node:assert/strict';
import { newSession, type Session } from '../builders/sessions';
import { createFineGrainedToken, postFineGrainedToken } from '../builders/tokens';
import { addMember, createOrg, setPolicy } from '../builders/orgs';
import { createRepo } from '../builders/repos';
import { startTestProvider, TestProvider } from './helpers/provider';

describe('approval queue boundaries', function () {
  this.timeout(60_000);
  let t: TestProvider;
  let strangerOwner: Session;
  let owner: Session;
  let member: Session;
  let org: string;
  let otherOrg: string;

  before(async () => {
    t = await startTestProvider();
    owner = await newSession(t);
    member = await newSession(t);
    strangerOwner = await newSession(t);
    org = await createOrg(t, owner);
    await addMember(t, org, owner, member);
    await createRepo(t, owner, org, 'api', true);
    await setPolicy(t, org, owner, { require_approval: true });
    otherOrg = await createOrg(t, strangerOwner);
  });
  after(async () => t.close());

  async function pendingRequest(s: Session): Promise<{ requestId: number; tokenId: number }> {
    const tok = await createFineGrainedToken(t, s, { resource_owner: org, repositories: ['api'], permissions: { repository: { contents: 'read' } } });
    assert.equal(tok.status, 'pending');
    const list = await t.api.get(`/orgs/${org}/personal-access-token-requests?token_id=${tok.id}`, { token: owner.token });
    assert.equal(list.status, 200, list.text);
    return { requestId: list.json[0].id, tokenId: tok.id };
  }

  it("another org's owner reaches this org's request and granted token ids through their own org: 404, and 422 as for ids that do not exist", async () => {
    const { requestId } = await pendingRequest(member);
    const granted = await createFineGrainedToken(t, owner, { resource_owner: org, repositories: ['api'], permissions: { repository: { contents: 'read' } } });
    assert.equal(granted.status, 'active');
    const as = { token: strangerOwner.token };
    const requests = `/orgs/${otherOrg}/personal-access-token-requests`;
    const grants = `/orgs/${otherOrg}/personal-access-tokens`;
    assert.equal((await t.api.post(`${requests}/${requestId}`, { ...as, body: { action: 'approve' } })).status, 404);
    assert.equal((await t.api.get(`${requests}/${requestId}/repositories`, as)).status, 404);
    assert.equal((await t.api.post(`${grants}/${granted.id}`, { ...as, body: { action: 'revoke' } })).status, 404);
    assert.equal((await t.api.get(`${grants}/${granted.id}/repositories`, as)).status, 404);
    const missing = 2 ** 31 - 7;
    for (const [path, field, real] of [[requests, 'pat_request_ids', requestId], [grants, 'pat_ids', granted.id]] as const) {
      const body = (id: number) => (field === 'pat_ids' ? { pat_ids: [id], action: 'revoke' } : { pat_request_ids: [id], action: 'approve' });
      const other = await t.api.post(path, { ...as, body: body(real) });
      const none = await t.api.post(path, { ...as, body: body(missing) });
      assert.equal(other.status, 422, other.text);
      assert.equal(other.json.errors[0].field, field);
      assert.equal(other.json.errors[0].message.replace(/: \d+$/, ''), none.json.errors[0].message.replace(/: \d+$/, ''));
      assert.ok(other.json.errors[0].message.endsWith(`: ${real}`), other.text);
    }
    // Through the org itself they are an outsider: 404.
    assert.equal((await t.api.post(`/orgs/${org}/personal-access-token-requests/${requestId}`, { ...as, body: { action: 'approve' } })).status, 404);
    // Nothing changed: the owner still approves the request, the grant still works.
    assert.equal((await t.api.post(`/orgs/${org}/personal-access-token-requests/${requestId}`, { token: owner.token, body: { action: 'approve' } })).status, 204);
    assert.equal((await t.api.get(`/repos/${org}/api`, { token: granted.token })).status, 200);
  });

  it('a member cannot approve or deny, not even their own request (403)', async () => {
    const { requestId, tokenId } = await pendingRequest(member);
    for (const action of ['approve', 'deny']) {
      const one = await t.api.post(`/orgs/${org}/personal-access-token-requests/${requestId}`, { token: member.token, body: { action } });
      assert.equal(one.status, 403, one.text);
      const bulk = await t.api.post(`/orgs/${org}/personal-access-token-requests`, { token: member.token, body: { pat_request_ids: [requestId], action } });
      assert.equal(bulk.status, 403, bulk.text);
    }
    assert.equal((await t.api.get(`/user/personal-access-tokens/${tokenId}`, { token: member.token })).json.status, 'pending');
  });

  it('a request whose requester left the org cannot be approved; their token gets no access to it', async () => {
    const leaver = await newSession(t);
    await addMember(t, org, owner, leaver);
    const { requestId, tokenId } = await pendingRequest(leaver);
    const tok = await t.api.get(`/user/personal-access-tokens/${tokenId}`, { token: leaver.token });
    assert.equal((await t.api.delete(`/orgs/${org}/memberships/${leaver.user.login}`, { token: leaver.token })).status, 204);
    const approve = await t.api.post(`/orgs/${org}/personal-access-token-requests/${requestId}`, { token: owner.token, body: { action: 'approve' } });
    assert.equal(approve.status, 422, approve.text);
    const after = await t.api.get(`/user/personal-access-tokens/${tokenId}`, { token: leaver.token });
    assert.equal(after.json.resource_owner, leaver.user.login, JSON.stringify(after.json));
    assert.equal(tok.json.resource_owner, org);
    assert.notEqual(after.json.status, 'pending');
    const grants = await t.api.get(`/orgs/${org}/personal-access-tokens`, { token: owner.token });
    assert.ok(!grants.json.some((g: { id: number }) => g.id === tokenId));
    const queue = await t.api.get(`/orgs/${org}/personal-access-token-requests`, { token: owner.token });
    assert.ok(!queue.json.some((r: { id: number }) => r.id === requestId));
  });

  it('a request whose token outlives a lifetime cap tightened since cannot be approved (422 saying why); it can be denied', async () => {
    const { requestId, tokenId } = await pendingRequest(member); // 30 days
    await setPolicy(t, org, owner, { max_lifetime_days: { fine_grained: 7 } });
    try {
      const requests = `/orgs/${org}/personal-access-token-requests`;
      for (const [path, body, field] of [
        [`${requests}/${requestId}`, { action: 'approve' }, 'pat_request_id'],
        [requests, { action: 'approve', pat_request_ids: [requestId] }, 'pat_request_ids'],
      ] as const) {
        const approve = await t.api.post(path, { token: owner.token, body });
        assert.equal(approve.status, 422, approve.text);
        assert.equal(approve.json.errors[0].field, field);
        assert.match(approve.json.errors[0].message, /lifetime exceeds the maximum of 7 days .*: \d+$/);
      }
      assert.equal((await t.api.get(`/user/personal-access-tokens/${tokenId}`, { token: member.token })).json.status, 'pending');
      const deny = await t.api.post(`${requests}/${requestId}`, { token: owner.token, body: { action: 'deny', reason: 'Make it expire within 7 days' } });
      assert.equal(deny.status, 204, deny.text);
      assert.equal((await t.api.get(`/user/personal-access-tokens/${tokenId}`, { token: member.token })).json.status, 'denied');
    } finally {
      await setPolicy(t, org, owner, { max_lifetime_days: { fine_grained: 366 } });
    }
  });

  it("a member's token for this org cannot ask for another org's repositories, when made or changed (422 repositories)", async () => {
    const secret = await createRepo(t, strangerOwner, otherOrg, 'secret', true);
    await addMember(t, otherOrg, strangerOwner, member);
    for (const repositories of [[`${otherOrg}/secret`], [secret.id]]) {
      const made = await postFineGrainedToken(t, member, { resource_owner: org, repositories, permissions: { repository: { contents: 'read' } } });
      assert.equal(made.status, 422, made.text);
      assert.equal((JSON.parse(made.text) as { errors: { field: string }[] }).errors[0].field, 'repositories');
    }
    const { tokenId } = await pendingRequest(member);
    const widened = await t.api.patch(`/user/personal-access-tokens/${tokenId}`, { token: member.token, body: { repositories: ['api', secret.id] } });
    assert.equal(widened.status, 422, widened.text);
    assert.equal(widened.json.errors[0].field, 'repositories');
    const asked = await t.api.get(`/orgs/${org}/personal-access-tokens/${tokenId}/repositories`, { token: owner.token });
    const queue = await t.api.get(`/orgs/${org}/personal-access-token-requests?token_id=${tokenId}`, { token: owner.token });
    const repos = await t.api.get(`/orgs/${org}/personal-access-token-requests/${queue.json[0].id}/repositories`, { token: owner.token });
    assert.equal(asked.status, 404, 'not granted');
    assert.deepEqual(repos.json.map((r: { name: string }) => r.name), ['api']);
  });
});
