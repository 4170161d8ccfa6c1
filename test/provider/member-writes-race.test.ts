// An organization's writes that need membership (not ownership) commit only while their caller is
// still an active member, not only when the request arrived: a member removed while the write is
// on its way writes nothing — neither the change nor an audit event of theirs.
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
});
