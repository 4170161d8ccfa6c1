// An approval is the owner action that widens someone's access, so the reviewer must still be an
// owner when it commits, not only when the request arrived: an owner demoted or removed while
// their review is on its way gets 403 or 404, and the request stays pending. Nor does an approval
// commit for a requester removed from the org while it is on its way (422: no longer pending).
import * as assert from 'node:assert/strict';
import { newSession, type Session } from '../builders/sessions';
import { createFineGrainedToken } from '../builders/tokens';
import { addMember, createOrg, setPolicy } from '../builders/orgs';
import { createRepo } from '../builders/repos';
import { startInProcessProvider, type InProcessProvider } from './helpers/in-process-provider';
import { RequestHolds, until } from './helpers/request-holds';

describe('a review by an owner who stops being one meanwhile', function () {
  this.timeout(60_000);
  let t: InProcessProvider;
  const holds = new RequestHolds();
  let owner: Session;
  let member: Session;
  let org: string;

  before(async () => {
    t = await startInProcessProvider({ routes: [holds.install] });
    owner = await newSession(t);
    member = await newSession(t);
    org = await createOrg(t, owner);
    await addMember(t, org, owner, member);
    await createRepo(t, owner, org, 'api', true);
    await setPolicy(t, org, owner, { require_approval: true });
  });
  after(async () => t.close());

  for (const [what, change, status] of [
    ['demoted to member', 'demote', 403],
    ['removed from the org', 'remove', 404],
  ] as const) {
    it(`an owner ${what} while their approval is on its way: ${status}, and the request stays pending`, async () => {
      const reviewer = await newSession(t);
      await addMember(t, org, owner, reviewer, 'admin');
      const tok = await createFineGrainedToken(t, member, { resource_owner: org, repositories: ['api'], permissions: { repository: { contents: 'read' } } });
      const requestId = (await t.api.get(`/orgs/${org}/personal-access-token-requests?token_id=${tok.id}`, { token: owner.token })).json[0].id;
      const path = `/orgs/${org}/personal-access-token-requests/${requestId}`;
      const grantedBefore = await t.store.audit.count({ action: 'personal_access_token.access_granted' });
      const h = holds.hold((r) => r.method === 'POST' && r.url.endsWith(path));
      let answer;
      try {
        const approving = t.api.post(path, { token: reviewer.token, body: { action: 'approve' } });
        await until(() => h.arrived === 1); // authorized as an owner
        const m = `/orgs/${org}/memberships/${reviewer.user.login}`;
        const changed = change === 'demote' ? await t.api.put(m, { token: owner.token, body: { role: 'member' } }) : await t.api.delete(m, { token: owner.token });
        assert.ok(changed.status === 200 || changed.status === 204, changed.text);
        h.release();
        answer = await approving;
      } finally {
        h.release();
      }
      assert.equal(answer.status, status, answer.text);
      assert.equal((await t.api.get(`/user/personal-access-tokens/${tok.id}`, { token: member.token })).json.status, 'pending');
      assert.equal((await t.api.get(`/repos/${org}/api`, { token: tok.token })).status, 404, 'a pending token does not reach the private repository');
      assert.equal(await t.store.audit.count({ action: 'personal_access_token.access_granted' }), grantedBefore);
      // The owner who still is one approves it.
      assert.equal((await t.api.post(path, { token: owner.token, body: { action: 'approve' } })).status, 204);
      assert.equal((await t.api.get(`/repos/${org}/api`, { token: tok.token })).status, 200);
    });
  }

  it('a requester removed from the org while the approval is on its way: 422, and their token gets no access', async () => {
    const leaver = await newSession(t);
    await addMember(t, org, owner, leaver);
    const tok = await createFineGrainedToken(t, leaver, { resource_owner: org, repositories: ['api'], permissions: { repository: { contents: 'read' } } });
    const requestId = (await t.api.get(`/orgs/${org}/personal-access-token-requests?token_id=${tok.id}`, { token: owner.token })).json[0].id;
    const path = `/orgs/${org}/personal-access-token-requests/${requestId}`;
    const h = holds.hold((r) => r.method === 'POST' && r.url.endsWith(path));
    let answer;
    try {
      const approving = t.api.post(path, { token: owner.token, body: { action: 'approve' } });
      await until(() => h.arrived === 1);
      assert.equal((await t.api.delete(`/orgs/${org}/memberships/${leaver.user.login}`, { token: owner.token })).status, 204);
      h.release();
      answer = await approving;
    } finally {
      h.release();
    }
    assert.equal(answer.status, 422, answer.text);
    assert.equal(answer.json.errors[0].field, 'pat_request_id');
    const after = await t.api.get(`/user/personal-access-tokens/${tok.id}`, { token: leaver.token });
    assert.equal(after.json.resource_owner, leaver.user.login);
    assert.equal((await t.api.get(`/repos/${org}/api`, { token: tok.token })).status, 404);
    const grants = await t.api.get(`/orgs/${org}/personal-access-tokens`, { token: owner.token });
    assert.ok(!grants.json.some((g: { id: number }) => g.id === tok.id));
  });
});
