// An org owner taking a token's access back (revoke a grant, remove a member) works from the token
// as it is when the change is written, not as it was read before: a token revoked meanwhile (POST
// /credentials/revoke) stays revoked, and one its user moved to another owner meanwhile is left as
// it is. The overlap is made certain by handing the service the copy read before the other change.
import * as assert from 'node:assert/strict';
import { revokeAccess } from '../../src/provider/approvals/approval-service';
import type { OrganizationRecord } from '../../src/provider/store/organizations';
import type { TokenRecord } from '../../src/provider/store/tokens';
import { addMember, createOrg } from '../builders/orgs';
import { createFineGrainedToken } from '../builders/tokens';
import { createUser, type TestUser } from '../builders/users';
import { InProcessProvider, startInProcessProvider } from './helpers/in-process-provider';

describe("approvals: taking an org's access back from a token changed meanwhile", () => {
  let t: InProcessProvider;
  let owner: TestUser;
  let member: TestUser;
  let org: OrganizationRecord;

  beforeEach(async () => {
    t = await startInProcessProvider();
    owner = await createUser(t);
    member = await createUser(t);
    const login = await createOrg(t, owner);
    await addMember(t, login, owner, member);
    org = (await t.store.organizations.byLogin(login))!;
  });
  afterEach(async () => {
    await t.close();
  });

  /** A fine-grained token of the member's for the org, in force, and the copy of it read now. */
  async function grantedToken(): Promise<{ secret: string; seen: TokenRecord }> {
    const made = await createFineGrainedToken(t, member, { resource_owner: org.login, repository_selection: 'none', permissions: { organization: { members: 'read' } } });
    assert.equal(made.status, 'active');
    return { secret: made.token, seen: (await t.store.tokens.byId(made.id))! };
  }

  it('a token revoked by its secret meanwhile stays revoked and does not work', async () => {
    const { secret, seen } = await grantedToken();
    assert.equal((await t.api.post('/credentials/revoke', { body: { credentials: [secret] } })).status, 202);
    await revokeAccess(t.ctx, org, seen, undefined, 'access ended');
    const after = (await t.store.tokens.byId(seen.id))!;
    assert.equal(after.status, 'revoked');
    assert.equal((await t.api.get('/user', { token: secret })).status, 401);
  });

  it("a token its user moved to their own account meanwhile is not this org's to change", async () => {
    const { secret, seen } = await grantedToken();
    const moved = await t.api.patch(`/user/personal-access-tokens/${seen.id}`, { basic: member, body: { resource_owner: member.login, permissions: {} } });
    assert.equal(moved.status, 200, moved.text);
    const before = (await t.store.tokens.byId(seen.id))!;
    await revokeAccess(t.ctx, org, seen, undefined, 'access ended');
    assert.deepEqual(await t.store.tokens.byId(seen.id), before);
    assert.equal((await t.api.get('/user', { token: secret })).status, 200);
  });
});
