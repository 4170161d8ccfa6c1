// Organizations and memberships: POST /user/orgs, GET /orgs/{org}, invitations through GitHub's
// memberships API with @octokit/rest's own methods, roles (GitHub's `admin` = owner), the last
// owner, removal, /user/orgs, /orgs/{org}/members and the org audit log.
import * as assert from 'node:assert/strict';
import { createUser } from '../builders/users';
import { uniqueName } from '../builders/unique-name';
import { newSession, type Session } from '../builders/sessions';
import { addMember, createOrg } from '../builders/orgs';
import { enableTwoFactor } from '../builders/two-factor';
import { createRepo } from '../builders/repos';
import { octokitFor, statusOf } from './helpers/octokit';
import { startTestProvider, TestProvider } from './helpers/provider';

describe('organizations and memberships', function () {
  this.timeout(60_000);
  let t: TestProvider;
  let owner: Session;
  let invitee: Session;
  let outsider: Session;

  before(async () => {
    t = await startTestProvider();
    owner = await newSession(t);
    invitee = await newSession(t);
    outsider = await newSession(t);
  });
  after(async () => t.close());

  const kit = (s: Session) => octokitFor(t, s.token);

  describe('POST /user/orgs', () => {
    it('creates an org whose creator is its owner; anyone reads its profile', async () => {
      const login = uniqueName('acme');
      const res = await t.api.post('/user/orgs', { token: owner.token, body: { login, name: 'Acme Corp', description: 'Makers' } });
      assert.equal(res.status, 201, res.text);
      assert.equal(res.headers.get('location'), `${t.provider.apiUrl}/orgs/${login}`);
      assert.equal(res.json.login, login);
      assert.equal(res.json.type, 'Organization');
      const anon = await t.api.get(`/orgs/${login.toUpperCase()}`);
      assert.equal(anon.status, 200, 'org logins are case-insensitive and profiles public');
      assert.equal(anon.json.name, 'Acme Corp');
      const mine = await kit(owner).rest.orgs.getMembershipForAuthenticatedUser({ org: login });
      assert.equal(mine.data.role, 'admin');
      assert.equal(mine.data.state, 'active');
    });

    it('refuses a login taken by a user or an org, and a malformed one, with 422 naming login', async () => {
      const taken = await t.api.post('/user/orgs', { token: owner.token, body: { login: invitee.user.login.toUpperCase() } });
      assert.equal(taken.status, 422);
      assert.deepEqual(taken.json.errors.map((e: { field: string; code: string }) => [e.field, e.code]), [['login', 'already_exists']]);
      const org = await createOrg(t, owner);
      const dup = await t.api.post('/user/orgs', { token: owner.token, body: { login: org } });
      assert.equal(dup.status, 422);
      for (const login of ['-bad', 'has space', 'a'.repeat(40), '']) {
        const res = await t.api.post('/user/orgs', { token: owner.token, body: { login } });
        assert.equal(res.status, 422, login);
        assert.equal(res.json.errors[0].field, 'login');
      }
      // ...and a user can't sign up with an org's login either.
      const signup = await t.api.post('/users', { body: { login: org, email: `${org}@example.test`, password: 'long enough password' } });
      assert.equal(signup.status, 422);
      assert.equal(signup.json.errors[0].field, 'login');
    });

    it('needs the admin:org scope for classic tokens', async () => {
      const limited = await t.api.post('/authorizations', { basic: { login: outsider.user.login, password: outsider.user.password }, body: { scopes: ['repo'], note: uniqueName('n') } });
      const denied = await t.api.post('/user/orgs', { token: limited.json.token, body: { login: uniqueName('y') } });
      assert.equal(denied.status, 403);
      assert.match(denied.json.message, /admin:org/);
    });
  });

  describe('invitations with @octokit/rest', () => {
    it('setMembershipForUser invites (pending), updateMembershipForAuthenticatedUser accepts, listMemberships… shows it', async () => {
      const org = await createOrg(t, owner);
      await createRepo(t, owner, org, 'private-stuff', true);
      const invited = await kit(owner).rest.orgs.setMembershipForUser({ org, username: invitee.user.login, role: 'member' });
      assert.equal(invited.status, 200);
      assert.equal(invited.data.state, 'pending');
      assert.equal(invited.data.role, 'member');
      assert.equal(invited.data.user!.login, invitee.user.login);
      assert.equal(invited.data.organization.login, org);

      const pending = await kit(invitee).rest.orgs.listMembershipsForAuthenticatedUser({ state: 'pending' });
      assert.deepEqual(pending.data.map((m) => m.organization.login), [org]);
      // A pending invitation gives no access yet.
      assert.equal((await t.api.get(`/repos/${org}/private-stuff`, { token: invitee.token })).status, 404);
      assert.equal((await t.api.get(`/orgs/${org}/members`, { token: invitee.token })).status, 404);

      const accepted = await kit(invitee).rest.orgs.updateMembershipForAuthenticatedUser({ org, state: 'active' });
      assert.equal(accepted.data.state, 'active');
      const active = await kit(invitee).rest.orgs.listMembershipsForAuthenticatedUser({ state: 'active' });
      assert.ok(active.data.some((m) => m.organization.login === org && m.role === 'member'));
      assert.equal((await t.api.get(`/repos/${org}/private-stuff`, { token: invitee.token })).status, 200);
      const members = await kit(invitee).rest.orgs.listMembers({ org });
      assert.deepEqual(members.data.map((m) => m.login).sort(), [owner.user.login, invitee.user.login].sort());
      assert.equal((await kit(invitee).rest.orgs.checkMembershipForUser({ org, username: owner.user.login })).status, 204);
      const orgs = await kit(invitee).rest.orgs.listForAuthenticatedUser();
      assert.ok(orgs.data.some((o) => o.login === org));

      // Members can't invite; outsiders see nothing of the org's members.
      assert.equal(await statusOf(kit(invitee).rest.orgs.setMembershipForUser({ org, username: outsider.user.login })), 403);
      assert.equal(await statusOf(kit(outsider).rest.orgs.listMembers({ org })), 404);
      assert.equal(await statusOf(kit(outsider).rest.orgs.updateMembershipForAuthenticatedUser({ org, state: 'active' })), 404, 'no invitation, nothing to accept');

      const log = await t.api.get(`/orgs/${org}/audit-log`, { token: owner.token });
      const actions = log.json.map((e: { action: string }) => e.action);
      assert.ok(actions.includes('org.create'));
      assert.ok(actions.includes('org.invite_member'));
      assert.ok(actions.includes('org.add_member'));
      assert.ok(actions.includes('repo.create'));
      // Only owners read the org audit log.
      assert.equal((await t.api.get(`/orgs/${org}/audit-log`, { token: invitee.token })).status, 403);
    });

    it('listPendingInvitations: owners see who is invited, by whom and as what, until they accept', async () => {
      const org = await createOrg(t, owner);
      await kit(owner).rest.orgs.setMembershipForUser({ org, username: invitee.user.login, role: 'admin' });
      const list = await kit(owner).rest.orgs.listPendingInvitations({ org });
      assert.equal(list.status, 200);
      assert.equal(list.data.length, 1);
      const inv = list.data[0]!;
      assert.equal(inv.login, invitee.user.login);
      assert.equal(inv.id, invitee.user.id);
      assert.equal(inv.role, 'admin');
      assert.equal(inv.inviter?.login, owner.user.login);
      assert.ok(!Number.isNaN(Date.parse(inv.created_at)));
      // owners only; a member, or someone invited, sees nothing
      assert.equal(await statusOf(kit(invitee).rest.orgs.listPendingInvitations({ org })), 404);
      await kit(invitee).rest.orgs.updateMembershipForAuthenticatedUser({ org, state: 'active' });
      assert.deepEqual((await kit(owner).rest.orgs.listPendingInvitations({ org })).data, [], 'accepted: no longer pending');
      await kit(owner).rest.orgs.setMembershipForUser({ org, username: outsider.user.login });
      const second = await kit(owner).rest.orgs.listPendingInvitations({ org });
      assert.deepEqual(second.data.map((i) => [i.login, i.role]), [[outsider.user.login, 'direct_member']]);
      assert.equal(await statusOf(kit(outsider).rest.orgs.listPendingInvitations({ org })), 404);
    });

    it("listPendingInvitations: GitHub's role and invitation_source filters", async () => {
      const org = await createOrg(t, owner);
      await kit(owner).rest.orgs.setMembershipForUser({ org, username: invitee.user.login, role: 'admin' });
      await kit(owner).rest.orgs.setMembershipForUser({ org, username: outsider.user.login, role: 'member' });
      const logins = async (params: Omit<Parameters<ReturnType<typeof kit>['rest']['orgs']['listPendingInvitations']>[0] & object, 'org'>) =>
        (await kit(owner).rest.orgs.listPendingInvitations({ org, ...params })).data.map((i) => i.login).sort();
      const both = [invitee.user.login, outsider.user.login].sort();
      assert.deepEqual(await logins({}), both);
      assert.deepEqual(await logins({ role: 'all', invitation_source: 'all' }), both);
      assert.deepEqual(await logins({ role: 'admin' }), [invitee.user.login]);
      assert.deepEqual(await logins({ role: 'direct_member' }), [outsider.user.login]);
      assert.deepEqual(await logins({ role: 'billing_manager' }), [], 'Tessera has no billing managers');
      assert.deepEqual(await logins({ role: 'hiring_manager' }), []);
      assert.deepEqual(await logins({ invitation_source: 'member' }), both, 'every invitation is an owner\'s');
      assert.deepEqual(await logins({ invitation_source: 'scim' }), [], 'none comes from SCIM');
      const bad = await t.api.get(`/orgs/${org}/invitations?role=boss`, { token: owner.token });
      assert.equal(bad.status, 422, bad.text);
      assert.equal(bad.json.errors[0].field, 'role');
    });

    it("listMembers: GitHub's filter=2fa_disabled lists members without two-factor authentication, for owners only", async () => {
      const org = await createOrg(t, owner);
      const [secured, plain] = [await newSession(t), await newSession(t)];
      await enableTwoFactor(t, secured.user);
      for (const m of [secured, plain]) await addMember(t, org, owner, m);
      const logins = async (params: Omit<Parameters<ReturnType<typeof kit>['rest']['orgs']['listMembers']>[0] & object, 'org'>) =>
        (await kit(owner).rest.orgs.listMembers({ org, ...params })).data.map((u) => u.login).sort();
      assert.deepEqual(await logins({}), [owner.user.login, secured.user.login, plain.user.login].sort());
      assert.deepEqual(await logins({ filter: 'all' }), [owner.user.login, secured.user.login, plain.user.login].sort());
      assert.deepEqual(await logins({ filter: '2fa_disabled' }), [owner.user.login, plain.user.login].sort());
      assert.deepEqual(await logins({ filter: '2fa_disabled', role: 'member' }), [plain.user.login]);
      assert.deepEqual(await logins({ filter: '2fa_insecure' }), [], 'Tessera has no insecure second factor (SMS)');
      const paged = await kit(owner).paginate(kit(owner).rest.orgs.listMembers, { org, filter: '2fa_disabled', per_page: 1 });
      assert.deepEqual(paged.map((u) => u.login).sort(), [owner.user.login, plain.user.login].sort(), 'paged through the matches, each once');
      for (const filter of ['2fa_disabled', '2fa_insecure']) {
        const asMember = await t.api.get(`/orgs/${org}/members?filter=${filter}`, { token: plain.token });
        assert.equal(asMember.status, 422, asMember.text);
        assert.equal(asMember.json.errors[0].field, 'filter');
      }
    });

    it('roles: promote to admin (owner), the last owner cannot be demoted or removed', async () => {
      const org = await createOrg(t, owner);
      const u = await newSession(t);
      await kit(owner).rest.orgs.setMembershipForUser({ org, username: u.user.login, role: 'admin' });
      await kit(u).rest.orgs.updateMembershipForAuthenticatedUser({ org, state: 'active' });
      assert.equal((await t.api.get(`/orgs/${org}/personal-access-token-policy`, { token: u.token })).status, 200, 'an admin is an owner');
      const demote = await kit(u).rest.orgs.setMembershipForUser({ org, username: owner.user.login, role: 'member' });
      assert.equal(demote.data.role, 'member');
      const last = await t.api.put(`/orgs/${org}/memberships/${u.user.login}`, { token: u.token, body: { role: 'member' } });
      assert.equal(last.status, 422);
      assert.equal(last.json.errors[0].field, 'role');
      const remove = await t.api.delete(`/orgs/${org}/memberships/${u.user.login}`, { token: u.token });
      assert.equal(remove.status, 422);
      const bad = await t.api.put(`/orgs/${org}/memberships/${owner.user.login}`, { token: u.token, body: { role: 'owner' } });
      assert.equal(bad.status, 422);
      assert.equal(bad.json.errors[0].field, 'role');
      assert.equal((await t.api.put(`/orgs/${org}/memberships/no-such-user-${Date.now()}`, { token: u.token, body: {} })).status, 404);
    });

    it('removeMembershipForUser removes a member (or cancels an invitation); a member may leave', async () => {
      const org = await createOrg(t, owner);
      const a = await newSession(t);
      const b = await createUser(t);
      await kit(owner).rest.orgs.setMembershipForUser({ org, username: a.user.login });
      await kit(a).rest.orgs.updateMembershipForAuthenticatedUser({ org, state: 'active' });
      await kit(owner).rest.orgs.setMembershipForUser({ org, username: b.login });
      assert.equal((await kit(owner).rest.orgs.removeMembershipForUser({ org, username: b.login })).status, 204);
      assert.equal(await statusOf(kit(owner).rest.orgs.getMembershipForUser({ org, username: b.login })), 404);
      assert.equal(await statusOf(kit(a).rest.orgs.removeMembershipForUser({ org, username: owner.user.login })), 403);
      assert.equal((await kit(a).rest.orgs.removeMembershipForUser({ org, username: a.user.login })).status, 204);
      assert.equal(await statusOf(kit(a).rest.orgs.getMembershipForAuthenticatedUser({ org })), 404);
      const log = await t.api.get(`/orgs/${org}/audit-log?phrase=action:org.remove_member`, { token: owner.token });
      assert.equal(log.json.length, 1);
      assert.equal(log.json[0].user, a.user.login);
      const cancelled = await t.api.get(`/orgs/${org}/audit-log?phrase=action:org.cancel_invitation`, { token: owner.token });
      assert.equal(cancelled.json.length, 1);
    });
  });

  describe('the audit log: who is shown the actor\'s address', () => {
    type Entry = { action: string; actor: string; user: string; org?: string; actor_ip?: string; token_id?: number };
    const orgEventsOf = async (s: Session, org: string): Promise<Entry[]> => {
      const res = await t.api.get('/user/audit-log?per_page=100', { token: s.token });
      assert.equal(res.status, 200, res.text);
      return (res.json as Entry[]).filter((e) => e.org === org);
    };
    const hidden = (e: Entry | undefined) => assert.ok(e && !('actor_ip' in e) && typeof e.token_id === 'number', JSON.stringify(e));

    it("a member's own log omits an owner's actor_ip on events about them (token_id stays); the actor and the org's owners see it", async () => {
      const org = await createOrg(t, owner);
      const m = await newSession(t);
      await kit(owner).rest.orgs.setMembershipForUser({ org, username: m.user.login });
      await kit(m).rest.orgs.updateMembershipForAuthenticatedUser({ org, state: 'active' });

      const seen = await orgEventsOf(m, org);
      const invited = seen.find((e) => e.action === 'org.invite_member');
      assert.equal(invited?.actor, owner.user.login);
      assert.equal(invited?.user, m.user.login);
      hidden(invited);
      const joined = seen.find((e) => e.action === 'org.add_member');
      assert.equal(joined?.actor, m.user.login, 'their own act');
      assert.equal(typeof joined?.actor_ip, 'string');
      assert.equal(typeof joined?.token_id, 'number');

      const byOwner = await t.api.get(`/orgs/${org}/audit-log?phrase=action:org.invite_member`, { token: owner.token });
      assert.equal(byOwner.json.length, 1);
      assert.equal(typeof byOwner.json[0].actor_ip, 'string', 'the org log shows owners the address');
      assert.equal(typeof byOwner.json[0].token_id, 'number');
      const ownersOwn = (await orgEventsOf(owner, org)).find((e) => e.action === 'org.invite_member');
      assert.equal(ownersOwn?.actor_ip, byOwner.json[0].actor_ip, 'the actor sees their own address');

      // Made an owner, the member is shown them; removed, no longer.
      await kit(owner).rest.orgs.setMembershipForUser({ org, username: m.user.login, role: 'admin' });
      const asOwner = (await orgEventsOf(m, org)).find((e) => e.action === 'org.invite_member');
      assert.equal(asOwner?.actor_ip, byOwner.json[0].actor_ip);
      assert.equal(asOwner?.token_id, byOwner.json[0].token_id);
      await kit(owner).rest.orgs.removeMembershipForUser({ org, username: m.user.login });
      const after = await orgEventsOf(m, org);
      const others = after.filter((e) => e.actor === owner.user.login);
      assert.deepEqual(others.map((e) => e.action).sort(), ['org.invite_member', 'org.remove_member', 'org.update_member']);
      others.forEach(hidden);
    });
  });
});
