// A later expiry is wider access: for an organization that requires approval, a member's token
// whose expiry moves later (PATCH or regeneration) goes back to the owners — an approved token is
// pending again with a request in the queue, a pending one's request is replaced — while a shorter
// expiry, or an owner's own token, needs no approval. A denied token given a new expiry (PATCH or
// regeneration) is asked again: pending, with a new request; a new secret alone keeps the denial.
import * as assert from 'node:assert/strict';
import type { TokenJson } from '../../src/shared/api-types';
import { newSession, type Session } from '../builders/sessions';
import { createFineGrainedToken } from '../builders/tokens';
import { addMember, createOrg, setPolicy } from '../builders/orgs';
import { createRepo } from '../builders/repos';
import { startTestProvider, TestProvider } from './helpers/provider';

describe('approval of a later expiry', function () {
  this.timeout(60_000);
  let t: TestProvider;
  let owner: Session;
  let member: Session;
  let org: string;

  before(async () => {
    t = await startTestProvider();
    owner = await newSession(t);
    member = await newSession(t);
    org = await createOrg(t, owner);
    await addMember(t, org, owner, member);
    await createRepo(t, owner, org, 'api', true);
    await setPolicy(t, org, owner, { require_approval: true });
  });
  after(async () => t.close());

  async function requestsOf(tokenId: number): Promise<{ id: number; token_id: number }[]> {
    const list = await t.api.get(`/orgs/${org}/personal-access-token-requests?token_id=${tokenId}`, { token: owner.token });
    assert.equal(list.status, 200, list.text);
    return list.json;
  }

  /** A member's token for the org, 30 days, approved by the owner. */
  async function approvedToken(who: Session = member): Promise<TokenJson & { token: string }> {
    const tok = await createFineGrainedToken(t, who, { resource_owner: org, repositories: ['api'], permissions: { repository: { contents: 'read' } }, expires_in_days: 30 });
    if (tok.status === 'pending') {
      const [req] = await requestsOf(tok.id);
      const approve = await t.api.post(`/orgs/${org}/personal-access-token-requests/${req.id}`, { token: owner.token, body: { action: 'approve' } });
      assert.equal(approve.status, 204, approve.text);
    }
    assert.equal((await t.api.get(`/repos/${org}/api/branches`, { token: tok.token })).status, 200);
    return tok;
  }

  it('PATCH: an approved token given a later expiry is pending again, with a request the owners see; it reads nothing private until approved', async () => {
    const tok = await approvedToken();
    const patch = await t.api.patch(`/user/personal-access-tokens/${tok.id}`, { token: member.token, body: { expires_in_days: 300 } });
    assert.equal(patch.status, 200, patch.text);
    assert.equal(patch.json.status, 'pending');
    const requests = await requestsOf(tok.id);
    assert.equal(requests.length, 1);
    assert.equal((await t.api.get(`/repos/${org}/api/branches`, { token: tok.token })).status, 404);
    const approve = await t.api.post(`/orgs/${org}/personal-access-token-requests/${requests[0].id}`, { token: owner.token, body: { action: 'approve' } });
    assert.equal(approve.status, 204, approve.text);
    assert.equal((await t.api.get(`/repos/${org}/api/branches`, { token: tok.token })).status, 200);
  });

  it('PATCH: a pending token given a later expiry has its request replaced (the one the owners saw can no longer be approved)', async () => {
    const tok = await createFineGrainedToken(t, member, { resource_owner: org, repositories: ['api'], permissions: { repository: { contents: 'read' } }, expires_in_days: 7 });
    assert.equal(tok.status, 'pending');
    const [seen] = await requestsOf(tok.id);
    const patch = await t.api.patch(`/user/personal-access-tokens/${tok.id}`, { token: member.token, body: { expires_in_days: 300 } });
    assert.equal(patch.status, 200, patch.text);
    assert.equal(patch.json.status, 'pending');
    const [now] = await requestsOf(tok.id);
    assert.notEqual(now.id, seen.id);
    const stale = await t.api.post(`/orgs/${org}/personal-access-token-requests/${seen.id}`, { token: owner.token, body: { action: 'approve' } });
    assert.equal(stale.status, 422, stale.text);
  });

  it('PATCH: a shorter expiry needs no approval (the token stays approved, no request)', async () => {
    const tok = await approvedToken();
    const patch = await t.api.patch(`/user/personal-access-tokens/${tok.id}`, { token: member.token, body: { expires_in_days: 7 } });
    assert.equal(patch.status, 200, patch.text);
    assert.equal(patch.json.status, 'active');
    assert.deepEqual(await requestsOf(tok.id), []);
    assert.equal((await t.api.get(`/repos/${org}/api/branches`, { token: tok.token })).status, 200);
  });

  it('regenerate: a later expiry makes the new secret pending, with a request; a shorter one keeps it approved', async () => {
    const tok = await approvedToken();
    const longer = await t.api.post(`/user/personal-access-tokens/${tok.id}/regenerate`, { token: member.token, body: { expires_in_days: 300 } });
    assert.equal(longer.status, 200, longer.text);
    assert.equal(longer.json.status, 'pending');
    assert.equal((await requestsOf(tok.id)).length, 1);
    assert.equal((await t.api.get(`/repos/${org}/api/branches`, { token: longer.json.token })).status, 404);

    const other = await approvedToken();
    const shorter = await t.api.post(`/user/personal-access-tokens/${other.id}/regenerate`, { token: member.token, body: { expires_in_days: 7 } });
    assert.equal(shorter.status, 200, shorter.text);
    assert.equal(shorter.json.status, 'active');
    assert.deepEqual(await requestsOf(other.id), []);
    assert.equal((await t.api.get(`/repos/${org}/api/branches`, { token: shorter.json.token })).status, 200);
  });

  /** A member's token for the org, 30 days, its request denied by the owner (with a reason). */
  async function deniedToken(): Promise<TokenJson & { token: string }> {
    const tok = await createFineGrainedToken(t, member, { resource_owner: org, repositories: ['api'], permissions: { repository: { contents: 'read' } }, expires_in_days: 30 });
    assert.equal(tok.status, 'pending');
    const [req] = await requestsOf(tok.id);
    const deny = await t.api.post(`/orgs/${org}/personal-access-token-requests/${req.id}`, { token: owner.token, body: { action: 'deny', reason: 'Not for a month' } });
    assert.equal(deny.status, 204, deny.text);
    const denied = await t.api.get(`/user/personal-access-tokens/${tok.id}`, { token: member.token });
    assert.deepEqual([denied.json.status, denied.json.status_reason], ['denied', 'Not for a month']);
    assert.deepEqual(await requestsOf(tok.id), []);
    return tok;
  }

  /** The owners approve the token's one pending request: then `secret` reads the org's private repository. */
  async function approvedNow(tokenId: number, secret: string): Promise<void> {
    const requests = await requestsOf(tokenId);
    assert.equal(requests.length, 1, 'one new request in the queue');
    assert.equal((await t.api.get(`/repos/${org}/api/branches`, { token: secret })).status, 404, 'nothing private before the approval');
    const approve = await t.api.post(`/orgs/${org}/personal-access-token-requests/${requests[0].id}`, { token: owner.token, body: { action: 'approve' } });
    assert.equal(approve.status, 204, approve.text);
    assert.equal((await t.api.get(`/repos/${org}/api/branches`, { token: secret })).status, 200);
  }

  it('regenerate: a denied token given a later expiry goes back to the owners, pending with a new request; approved, the new secret works', async () => {
    const tok = await deniedToken();
    const regen = await t.api.post(`/user/personal-access-tokens/${tok.id}/regenerate`, { token: member.token, body: { expires_in_days: 60 } });
    assert.equal(regen.status, 200, regen.text);
    assert.deepEqual([regen.json.status, regen.json.status_reason], ['pending', null]);
    await approvedNow(tok.id, regen.json.token);
  });

  it('regenerate: a denied token given a shorter expiry (what a denial may ask for) goes back to the owners too', async () => {
    const tok = await deniedToken();
    const regen = await t.api.post(`/user/personal-access-tokens/${tok.id}/regenerate`, { token: member.token, body: { expires_in_days: 7 } });
    assert.equal(regen.status, 200, regen.text);
    assert.equal(regen.json.status, 'pending');
    await approvedNow(tok.id, regen.json.token);
  });

  it('regenerate: a new secret alone (the expiry kept) leaves a denied token denied, with its reason, and the queue empty', async () => {
    const tok = await deniedToken();
    const regen = await t.api.post(`/user/personal-access-tokens/${tok.id}/regenerate`, { token: member.token, body: {} });
    assert.equal(regen.status, 200, regen.text);
    assert.deepEqual([regen.json.status, regen.json.status_reason], ['denied', 'Not for a month']);
    assert.deepEqual(await requestsOf(tok.id), []);
  });

  it('PATCH: a denied token given a later expiry goes back to the owners, pending with a new request', async () => {
    const tok = await deniedToken();
    const patch = await t.api.patch(`/user/personal-access-tokens/${tok.id}`, { token: member.token, body: { expires_in_days: 60 } });
    assert.equal(patch.status, 200, patch.text);
    assert.deepEqual([patch.json.status, patch.json.status_reason], ['pending', null]);
    await approvedNow(tok.id, tok.token);
  });

  it('regenerate: a denied token given a new expiry once its user is an owner is granted at once, with no request', async () => {
    const other = await newSession(t);
    await addMember(t, org, owner, other);
    const tok = await createFineGrainedToken(t, other, { resource_owner: org, repositories: ['api'], permissions: { repository: { contents: 'read' } }, expires_in_days: 30 });
    const [req] = await requestsOf(tok.id);
    const deny = await t.api.post(`/orgs/${org}/personal-access-token-requests/${req.id}`, { token: owner.token, body: { action: 'deny' } });
    assert.equal(deny.status, 204, deny.text);
    const promoted = await t.api.put(`/orgs/${org}/memberships/${other.user.login}`, { token: owner.token, body: { role: 'admin' } });
    assert.equal(promoted.status, 200, promoted.text);
    const regen = await t.api.post(`/user/personal-access-tokens/${tok.id}/regenerate`, { token: other.token, body: { expires_in_days: 60 } });
    assert.equal(regen.status, 200, regen.text);
    assert.equal(regen.json.status, 'active');
    assert.deepEqual(await requestsOf(tok.id), []);
    assert.equal((await t.api.get(`/repos/${org}/api/branches`, { token: regen.json.token })).status, 200);
  });

  it("an owner's own token keeps its approval on a later expiry", async () => {
    const tok = await approvedToken(owner);
    const patch = await t.api.patch(`/user/personal-access-tokens/${tok.id}`, { token: owner.token, body: { expires_in_days: 300 } });
    assert.equal(patch.status, 200, patch.text);
    assert.equal(patch.json.status, 'active');
    const regen = await t.api.post(`/user/personal-access-tokens/${tok.id}/regenerate`, { token: owner.token, body: { expires_in_days: 366 } });
    assert.equal(regen.status, 200, regen.text);
    assert.equal(regen.json.status, 'active');
    assert.deepEqual(await requestsOf(tok.id), []);
  });
});
