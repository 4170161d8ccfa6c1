// Setting a membership to the role it already has (PUT /orgs/{org}/memberships/{username}) is
// GitHub's 200 with the membership unchanged: nothing is written, so nothing is audited.
import * as assert from 'node:assert/strict';
import { addMember, createOrg } from '../builders/orgs';
import { newSession } from '../builders/sessions';
import { startInProcessProvider, type InProcessProvider } from './helpers/in-process-provider';

describe('setting a membership to the role it has', function () {
  this.timeout(60_000);
  let t: InProcessProvider;

  before(async () => {
    t = await startInProcessProvider();
  });
  after(async () => t.close());

  for (const [what, accept] of [
    ['a pending invitation', false],
    ['an active membership', true],
  ] as const) {
    it(`${what}: 200 with the membership as it was, the stored membership unchanged, no audit event`, async () => {
      const owner = await newSession(t);
      const other = await newSession(t);
      const user = await newSession(t);
      const org = await createOrg(t, owner);
      await addMember(t, org, owner, other, 'admin');
      const path = `/orgs/${org}/memberships/${user.user.login}`;
      const invited = await t.api.put(path, { token: owner.token, body: { role: 'member' } });
      assert.equal(invited.status, 200, invited.text);
      if (accept) assert.equal((await t.api.patch(`/user/memberships/orgs/${org}`, { token: user.token, body: { state: 'active' } })).status, 200);
      const orgId = (await t.store.organizations.byLogin(org))!.id;
      const before = await t.store.memberships.get(orgId, user.user.id);
      const shown = await t.api.get(path, { token: owner.token });
      const events = async () => (await t.api.get(`/orgs/${org}/audit-log?per_page=100`, { token: owner.token })).json as unknown[];
      const eventsBefore = await events();
      t.clock.advance(60_000);

      const again = await t.api.put(path, { token: other.token, body: { role: 'member' } });
      assert.equal(again.status, 200, again.text);
      assert.deepEqual(again.json, shown.json);
      assert.deepEqual(await t.store.memberships.get(orgId, user.user.id), before, 'nothing written');
      assert.deepEqual(await events(), eventsBefore, 'no audit event');
    });
  }
});
