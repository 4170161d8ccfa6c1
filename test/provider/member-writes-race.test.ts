// An organization's writes that need membership (not ownership) commit only while their caller is
// still an active member, not only when the request arrived: a member removed while the write is
// on its way writes nothing — neither the change nor an audit event of theirs — not even when
// invited again meanwhile (an invitation is not a membership).
import * as assert from 'node:assert/strict';
import { addMember, createOrg } from '../builders/orgs';
import { newSession, type Session } from '../builders/sessions';
import { createClassicToken } from '../builders/tokens';
import { uniqueName } from '../builders/unique-name';
import { startInProcessProvider, type InProcessProvider } from './helpers/in-process-provider';
import { answerAfter, RequestHolds } from './helpers/request-holds';

describe('member organization writes by a member removed meanwhile', function () {
  this.timeout(60_000);
  let t: InProcessProvider;
  const holds = new RequestHolds();
  let owner: Session;
  let actor: Session;
  let org: string;
  let orgId: number;

  before(async () => {
    t = await startInProcessProvider({ routes: [holds.install] });
    owner = await newSession(t);
    actor = await newSession(t);
    org = await createOrg(t, owner);
    orgId = (await t.store.organizations.byLogin(org))!.id;
  });
  after(async () => t.close());

  /** Authorized as a member, the write waits while its caller is removed: the caller's audit count then. */
  async function removeActor(): Promise<number> {
    const removed = await t.api.delete(`/orgs/${org}/memberships/${actor.user.login}`, { token: owner.token });
    assert.equal(removed.status, 204, removed.text);
    return t.store.audit.count({ orgId, actorLogin: actor.user.login });
  }

  it('creating a repository (POST /orgs/{org}/repos): 404, no repository, no audit event', async () => {
    await addMember(t, org, owner, actor);
    const name = uniqueName('after-removal');
    const { answer, during: auditBefore } = await answerAfter(holds, (r) => r.method === 'POST' && r.url === `/api/v3/orgs/${org}/repos`, () => t.api.post(`/orgs/${org}/repos`, { token: actor.token, body: { name, private: true } }), removeActor);
    assert.equal(answer.status, 404, answer.json?.message);
    assert.equal((await t.api.get(`/repos/${org}/${name}`, { token: owner.token })).status, 404, 'no repository');
    assert.equal(await t.store.audit.count({ orgId, actorLogin: actor.user.login }), auditBefore, 'no audit event of the refused write');
  });

  it('authorizing a token for SSO (POST /orgs/{org}/credential-authorizations): 404, no authorization, no audit event', async () => {
    await addMember(t, org, owner, actor);
    const c = await createClassicToken(t, actor, { scopes: ['repo'] });
    const { answer, during: auditBefore } = await answerAfter(holds, (r) => r.method === 'POST' && r.url === `/api/v3/orgs/${org}/credential-authorizations`, () => t.api.post(`/orgs/${org}/credential-authorizations`, { token: actor.token, body: { token_id: c.id } }), removeActor);
    assert.equal(answer.status, 404, answer.json?.message);
    const list = await t.api.get(`/orgs/${org}/credential-authorizations?login=${actor.user.login}`, { token: owner.token });
    assert.equal(list.status, 200, list.text);
    assert.deepEqual(list.json, [], 'no authorization');
    assert.equal(await t.store.audit.count({ orgId, actorLogin: actor.user.login }), auditBefore, 'no audit event of the refused write');
  });

  it('leaving the org (DELETE /orgs/{org}/memberships/{self}), removed and invited again meanwhile: 404, the invitation stays, no audit event', async () => {
    await addMember(t, org, owner, actor);
    const { answer, during: auditBefore } = await answerAfter(
      holds,
      // the actor's own request only (the owner's removal meanwhile goes to the same path)
      (r) => r.method === 'DELETE' && r.url === `/api/v3/orgs/${org}/memberships/${actor.user.login}` && r.principal?.user.id === actor.user.id,
      () => t.api.delete(`/orgs/${org}/memberships/${actor.user.login}`, { token: actor.token }),
      async () => {
        const count = await removeActor();
        const invited = await t.api.put(`/orgs/${org}/memberships/${actor.user.login}`, { token: owner.token, body: { role: 'member' } });
        assert.equal(invited.status, 200, invited.text);
        return count;
      },
    );
    assert.equal(answer.status, 404, answer.json?.message);
    const invitation = await t.api.get(`/orgs/${org}/memberships/${actor.user.login}`, { token: owner.token });
    assert.equal(invitation.status, 200, invitation.text);
    assert.equal(invitation.json.state, 'pending', 'the invitation made meanwhile stays');
    assert.equal(await t.store.audit.count({ orgId, actorLogin: actor.user.login }), auditBefore, 'no audit event of the refused write');
    const cancelled = await t.api.delete(`/orgs/${org}/memberships/${actor.user.login}`, { token: owner.token });
    assert.equal(cancelled.status, 204, cancelled.text);
  });

  it("removing one's own SSO authorization (DELETE /orgs/{org}/credential-authorizations/{id}): 404, no audit event (the removal took the authorization)", async () => {
    await addMember(t, org, owner, actor);
    const c = await createClassicToken(t, actor, { scopes: ['repo'] });
    const made = await t.api.post(`/orgs/${org}/credential-authorizations`, { token: actor.token, body: { token_id: c.id } });
    assert.equal(made.status, 201, made.text);
    const { answer, during: auditBefore } = await answerAfter(
      holds,
      (r) => r.method === 'DELETE' && r.url === `/api/v3/orgs/${org}/credential-authorizations/${c.id}`,
      () => t.api.delete(`/orgs/${org}/credential-authorizations/${c.id}`, { token: actor.token }),
      removeActor,
    );
    assert.equal(answer.status, 404, answer.json?.message);
    assert.equal(await t.store.audit.count({ orgId, actorLogin: actor.user.login }), auditBefore, 'no audit event of the refused write');
  });
});
