// Two owners, each taking the other's ownership away at the same moment (demoting or removing),
// never leave the organization without an owner: the write that commits second finds its caller
// no longer an owner (403 demoted, 404 removed) and writes nothing.
import * as assert from 'node:assert/strict';
import { addMember, createOrg } from '../builders/orgs';
import { newSession, type Session } from '../builders/sessions';
import { startInProcessProvider, type InProcessProvider } from './helpers/in-process-provider';
import { RequestHolds, until } from './helpers/request-holds';

describe('two owners taking ownership from each other at once', function () {
  this.timeout(60_000);
  let t: InProcessProvider;
  const holds = new RequestHolds();

  before(async () => {
    t = await startInProcessProvider({ routes: [holds.install] });
  });
  after(async () => t.close());

  for (const [what, a, b] of [
    ['demote each other', 'demote', 'demote'],
    ['remove each other', 'remove', 'remove'],
    ['one demotes, the other removes', 'demote', 'remove'],
  ] as const) {
    it(`${what}: one wins, the other is refused, one owner is left`, async () => {
      const alice = await newSession(t);
      const bob = await newSession(t);
      const org = await createOrg(t, alice);
      await addMember(t, org, alice, bob, 'admin');
      const take = (by: Session, from: Session, how: 'demote' | 'remove') => {
        const path = `/orgs/${org}/memberships/${from.user.login}`;
        return how === 'demote' ? t.api.put(path, { token: by.token, body: { role: 'member' } }) : t.api.delete(path, { token: by.token });
      };
      const h = holds.hold((r) => r.url.startsWith(`/api/v3/orgs/${org}/memberships/`) && (r.method === 'PUT' || r.method === 'DELETE'));
      let answers;
      try {
        const both = Promise.all([take(alice, bob, a), take(bob, alice, b)]);
        await until(() => h.arrived === 2); // both authorized as owners
        h.release();
        answers = await both;
      } finally {
        h.release();
      }
      const statuses = answers.map((r) => r.status);
      const won = statuses.filter((s) => s === 200 || s === 204).length;
      assert.equal(won, 1, JSON.stringify(answers.map((r) => [r.status, r.json?.message])));
      const loser = answers.find((r) => r.status !== 200 && r.status !== 204)!;
      assert.ok(loser.status === 403 || loser.status === 404, `${loser.status} ${loser.json?.message}`);
      const orgId = (await t.store.organizations.byLogin(org))!.id;
      assert.equal(await t.store.memberships.count({ orgId, role: 'owner', state: 'active' }), 1);
    });
  }
});
