// Every owner-only write of an organization commits only while its caller is still an owner, not
// only when the request arrived: an owner demoted (403) or removed (404) while the write is on its
// way writes nothing — neither the change nor an audit event of theirs.
import * as assert from 'node:assert/strict';
import { callAs } from '../builders/callers';
import { addMember, createOrg, setPolicy } from '../builders/orgs';
import { createRepo } from '../builders/repos';
import { newSession, type Session } from '../builders/sessions';
import { createClassicToken, createFineGrainedToken } from '../builders/tokens';
import { createUser } from '../builders/users';
import { startInProcessProvider, type InProcessProvider } from './helpers/in-process-provider';
import { answerAfter, RequestHolds } from './helpers/request-holds';

interface OwnerWrite {
  method: 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  path: string;
  body?: unknown;
  /** Fails the test unless what the write would have changed is as it was. */
  unchanged: () => Promise<void>;
}

describe('owner-only organization writes by an owner who stops being one meanwhile', function () {
  this.timeout(60_000);
  let t: InProcessProvider;
  const holds = new RequestHolds();
  let owner: Session;
  let member: Session;
  let actor: Session;
  let org: string;
  let orgId: number;

  before(async () => {
    t = await startInProcessProvider({ routes: [holds.install] });
    owner = await newSession(t);
    member = await newSession(t);
    actor = await newSession(t);
    org = await createOrg(t, owner);
    orgId = (await t.store.organizations.byLogin(org))!.id;
    await addMember(t, org, owner, member);
    await createRepo(t, owner, org, 'api', true);
  });
  after(async () => t.close());

  /** A fine-grained token of the member's with access to the org's private repository. */
  async function grantedToken(): Promise<{ id: number; secret: string; reaches: () => Promise<void> }> {
    const tok = await createFineGrainedToken(t, member, { resource_owner: org, repositories: ['api'], permissions: { repository: { contents: 'read' } } });
    assert.equal(tok.status, 'active');
    const reaches = async () => assert.equal((await t.api.get(`/repos/${org}/api`, { token: tok.token })).status, 200, 'the grant is still in force');
    return { id: tok.id, secret: tok.token, reaches };
  }

  async function accountToken(): Promise<{ id: number; path: string; name: string }> {
    const made = await callAs(t, owner, 'POST', `/orgs/${org}/account-tokens`, { name: 'kept' });
    return { id: made.id, path: `/orgs/${org}/account-tokens/${made.id}`, name: made.name };
  }

  async function aMember(): Promise<string> {
    const m = await createUser(t);
    await addMember(t, org, owner, m);
    return m.login;
  }

  async function stillMember(login: string): Promise<void> {
    const m = await t.api.get(`/orgs/${org}/memberships/${login}`, { token: owner.token });
    assert.equal(m.status, 200, m.text);
    assert.equal(m.json.state, 'active');
  }

  const WRITES: Record<string, () => Promise<OwnerWrite>> = {
    'changing the profile (PATCH /orgs/{org})': async () => ({
      method: 'PATCH',
      path: `/orgs/${org}`,
      body: { description: 'taken over' },
      unchanged: async () => assert.notEqual((await callAs(t, owner, 'GET', `/orgs/${org}`)).description, 'taken over'),
    }),
    'changing the token policy': async () => ({
      method: 'PATCH',
      path: `/orgs/${org}/personal-access-token-policy`,
      body: { require_approval: true, max_lifetime_days: { fine_grained: 90 } },
      unchanged: async () => {
        const p = await callAs(t, owner, 'GET', `/orgs/${org}/personal-access-token-policy`);
        assert.equal(p.require_approval, false);
        assert.notEqual(p.max_lifetime_days.fine_grained, 90);
      },
    }),
    "revoking a token's access": async () => {
      const g = await grantedToken();
      return { method: 'POST', path: `/orgs/${org}/personal-access-tokens/${g.id}`, body: { action: 'revoke' }, unchanged: g.reaches };
    },
    'revoking several tokens’ access': async () => {
      const g = await grantedToken();
      return { method: 'POST', path: `/orgs/${org}/personal-access-tokens`, body: { action: 'revoke', pat_ids: [g.id] }, unchanged: g.reaches };
    },
    'approving several token requests': async () => {
      await setPolicy(t, org, owner, { require_approval: true });
      const tok = await createFineGrainedToken(t, member, { resource_owner: org, repositories: ['api'], permissions: { repository: { contents: 'read' } } });
      await setPolicy(t, org, owner, { require_approval: false });
      const requestId = (await callAs(t, owner, 'GET', `/orgs/${org}/personal-access-token-requests?token_id=${tok.id}`))[0].id;
      return {
        method: 'POST',
        path: `/orgs/${org}/personal-access-token-requests`,
        body: { action: 'approve', pat_request_ids: [requestId] },
        unchanged: async () => assert.equal((await callAs(t, member, 'GET', `/user/personal-access-tokens/${tok.id}`)).status, 'pending'),
      };
    },
    'inviting someone': async () => {
      const u = await createUser(t);
      return {
        method: 'PUT',
        path: `/orgs/${org}/memberships/${u.login}`,
        body: { role: 'admin' },
        unchanged: async () => assert.equal((await t.api.get(`/orgs/${org}/memberships/${u.login}`, { token: owner.token })).status, 404),
      };
    },
    "changing someone's role": async () => {
      const login = await aMember();
      return {
        method: 'PUT',
        path: `/orgs/${org}/memberships/${login}`,
        body: { role: 'admin' },
        unchanged: async () => assert.equal((await callAs(t, owner, 'GET', `/orgs/${org}/memberships/${login}`)).role, 'member'),
      };
    },
    'removing a membership': async () => {
      const login = await aMember();
      return { method: 'DELETE', path: `/orgs/${org}/memberships/${login}`, unchanged: () => stillMember(login) };
    },
    'removing a member': async () => {
      const login = await aMember();
      return { method: 'DELETE', path: `/orgs/${org}/members/${login}`, unchanged: () => stillMember(login) };
    },
    'adding an account API token': async () => {
      const before = (await callAs(t, owner, 'GET', `/orgs/${org}/account-tokens?per_page=100`)).length;
      return {
        method: 'POST',
        path: `/orgs/${org}/account-tokens`,
        body: { name: 'backdoor' },
        unchanged: async () => assert.equal((await callAs(t, owner, 'GET', `/orgs/${org}/account-tokens?per_page=100`)).length, before),
      };
    },
    'changing an account API token': async () => {
      const a = await accountToken();
      return { method: 'PATCH', path: a.path, body: { name: 'renamed' }, unchanged: async () => assert.equal((await callAs(t, owner, 'GET', a.path)).name, a.name) };
    },
    'deleting an account API token': async () => {
      const a = await accountToken();
      return { method: 'DELETE', path: a.path, unchanged: async () => assert.equal((await t.api.get(a.path, { token: owner.token })).status, 200) };
    },
    "removing someone else's SSO authorization": async () => {
      const c = await createClassicToken(t, member, { scopes: ['repo'] });
      await callAs(t, member, 'POST', `/orgs/${org}/credential-authorizations`, { token_id: c.id });
      return {
        method: 'DELETE',
        path: `/orgs/${org}/credential-authorizations/${c.id}`,
        unchanged: async () => {
          const list = await callAs(t, owner, 'GET', `/orgs/${org}/credential-authorizations?login=${member.user.login}`);
          assert.ok(list.some((a: { credential_id: number }) => a.credential_id === c.id), 'the authorization is still there');
        },
      };
    },
  };

  for (const [what, change, status] of [
    ['demoted to member', 'demote', 403],
    ['removed from the org', 'remove', 404],
  ] as const) {
    for (const [name, prepare] of Object.entries(WRITES)) {
      it(`${name}, by an owner ${what} meanwhile: ${status}, nothing written`, async () => {
        await addMember(t, org, owner, actor, 'admin');
        const w = await prepare();
        const m = `/orgs/${org}/memberships/${actor.user.login}`;
        const { answer, during: auditBefore } = await answerAfter(
          holds,
          (r) => r.method === w.method && r.url === `/api/v3${w.path}`,
          () => t.api.call(w.method, w.path, { token: actor.token, body: w.body }),
          async () => {
            // authorized as an owner: now the caller stops being one
            const changed = change === 'demote' ? await t.api.put(m, { token: owner.token, body: { role: 'member' } }) : await t.api.delete(m, { token: owner.token });
            assert.ok(changed.status === 200 || changed.status === 204, changed.text);
            return t.store.audit.count({ orgId, actorLogin: actor.user.login });
          },
        );
        assert.equal(answer.status, status, answer.json?.message); // (not the body: a created token's secret is in it)
        if (status === 403) assert.equal(answer.json.message, `You must be an owner of the '${org}' organization`);
        await w.unchanged();
        assert.equal(await t.store.audit.count({ orgId, actorLogin: actor.user.login }), auditBefore, 'no audit event of the refused write');
      });
    }
  }
});
