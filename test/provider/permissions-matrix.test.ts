// The denial matrix: for every protected endpoint, a fine-grained token holding every permission
// except the one the endpoint needs gets 403 naming it (and, for a write, one holding it only at
// read level); the same endpoint with the permission succeeds. The table covers every permission
// of the catalog (src/shared/fine-grained-permissions.ts) — a test below proves that — and each
// row also checks classic tokens: all scopes but the accepted ones → 403 naming them.
import * as assert from 'node:assert/strict';
import { CLASSIC_SCOPES, normalizeScopes, scopeAncestors } from '../../src/shared/classic-scopes';
import {
  FINE_GRAINED_PERMISSIONS,
  PermissionGroup,
  PermissionLevel,
  PermissionSet,
} from '../../src/shared/fine-grained-permissions';
import { createUser } from '../builders/users';
import { uniqueName } from '../builders/unique-name';
import { newSession, type Session } from '../builders/sessions';
import { createClassicToken, createFineGrainedToken } from '../builders/tokens';
import { addMember, createOrg, setPolicy } from '../builders/orgs';
import { createRepo } from '../builders/repos';
import { sshPublicKey } from '../builders/ssh-keys';
import { startTestProvider, TestProvider } from './helpers/provider';

interface Needed {
  group: PermissionGroup;
  name: string;
  level: PermissionLevel;
}

interface Call {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  path: string;
  body?: unknown;
}

interface Row {
  title: string;
  needs: Needed;
  /** Whose token: an org-owned one (acme) or one owned by the user. */
  owner: 'org' | 'user';
  /** Builds a fresh call (fresh objects for calls that change state). */
  call: () => Promise<Call>;
  status: number;
  /** Classic scopes the endpoint accepts (one suffices); undefined = not checked here. */
  classic?: string[];
  /** Scopes the accepted one needs beside it: a private repository is not found without `repo`. */
  classicWith?: string[];
}

const ORG_GROUPS: PermissionGroup[] = ['repository', 'organization', 'account'];
const USER_GROUPS: PermissionGroup[] = ['repository', 'account'];

/** Every permission of the groups at its highest level. */
function fullSet(groups: PermissionGroup[]): PermissionSet {
  const out: PermissionSet = {};
  for (const p of FINE_GRAINED_PERMISSIONS) {
    if (!groups.includes(p.group)) continue;
    (out[p.group] ??= {})[p.name] = p.levels.includes('write') ? 'write' : 'read';
  }
  return out;
}

function without(set: PermissionSet, n: Needed, keepAtRead = false): PermissionSet {
  const out: PermissionSet = JSON.parse(JSON.stringify(set));
  const group = out[n.group]!;
  if (keepAtRead) group[n.name] = 'read';
  else delete group[n.name];
  return out;
}

describe('permission denial matrix (every endpoint, every catalog permission)', function () {
  this.timeout(120_000);
  let t: TestProvider;
  let owner: Session;
  let member: Session;
  let org: string;
  let keyId: number;
  const tokenCache = new Map<string, string>();

  async function fgToken(ownerKind: 'org' | 'user', permissions: PermissionSet): Promise<string> {
    const key = `${ownerKind}:${JSON.stringify(permissions)}`;
    const hit = tokenCache.get(key);
    if (hit) return hit;
    const tok = await createFineGrainedToken(t, owner, {
      resource_owner: ownerKind === 'org' ? org : owner.user.login,
      repository_selection: 'all',
      permissions,
    });
    assert.equal(tok.status, 'active');
    tokenCache.set(key, tok.token);
    return tok.token;
  }

  async function pendingRequestId(): Promise<number> {
    await createFineGrainedToken(t, member, { resource_owner: org, repository_selection: 'all', permissions: { repository: { contents: 'read' } }, justification: 'matrix' });
    const list = await t.api.get(`/orgs/${org}/personal-access-token-requests?per_page=100&direction=desc`, { token: owner.token });
    assert.equal(list.status, 200, list.text);
    return list.json[0].id;
  }

  async function grantedTokenId(): Promise<number> {
    const id = await pendingRequestId();
    const r = await t.api.post(`/orgs/${org}/personal-access-token-requests/${id}`, { token: owner.token, body: { action: 'approve' } });
    assert.equal(r.status, 204, r.text);
    const grants = await t.api.get(`/orgs/${org}/personal-access-tokens?per_page=1&direction=desc`, { token: owner.token });
    return grants.json[0].id;
  }

  async function invitedLogin(): Promise<string> {
    const u = await createUser(t);
    const r = await t.api.put(`/orgs/${org}/memberships/${u.login}`, { token: owner.token, body: { role: 'member' } });
    assert.equal(r.status, 200, r.text);
    return u.login;
  }

  before(async () => {
    t = await startTestProvider();
    owner = await newSession(t);
    member = await newSession(t);
    org = await createOrg(t, owner);
    await addMember(t, org, owner, member);
    await createRepo(t, owner, org, 'app', true);
    await createRepo(t, owner, org, 'pub', false);
    const seeded = await t.api.post(`/orgs/${org}/repos`, { token: owner.token, body: { name: 'seeded', private: true, auto_init: true } });
    assert.equal(seeded.status, 201, seeded.text);
    await setPolicy(t, org, owner, { require_approval: true });
    const key = await t.api.post(`/repos/${org}/app/keys`, { token: owner.token, body: { title: 'k', key: sshPublicKey() } });
    assert.equal(key.status, 201, key.text);
    keyId = key.json.id;
  });
  after(async () => t.close());

  const R = (group: PermissionGroup, name: string, level: PermissionLevel): Needed => ({ group, name, level });

  const rows: Row[] = [
    // repository
    { title: 'list branches', needs: R('repository', 'contents', 'read'), owner: 'org', status: 200, classic: ['repo'], call: async () => ({ method: 'GET', path: `/repos/${org}/app/branches` }) },
    { title: 'get a branch', needs: R('repository', 'contents', 'read'), owner: 'org', status: 200, classic: ['repo'], call: async () => ({ method: 'GET', path: `/repos/${org}/seeded/branches/main` }) },
    { title: 'list deploy keys', needs: R('repository', 'administration', 'read'), owner: 'org', status: 200, classic: ['repo'], call: async () => ({ method: 'GET', path: `/repos/${org}/app/keys` }) },
    { title: 'get a deploy key', needs: R('repository', 'administration', 'read'), owner: 'org', status: 200, classic: ['repo'], call: async () => ({ method: 'GET', path: `/repos/${org}/app/keys/${keyId}` }) },
    { title: 'add a deploy key', needs: R('repository', 'administration', 'write'), owner: 'org', status: 201, classic: ['repo'], call: async () => ({ method: 'POST', path: `/repos/${org}/app/keys`, body: { title: 'ci', key: sshPublicKey() } }) },
    {
      title: 'delete a deploy key',
      needs: R('repository', 'administration', 'write'),
      owner: 'org',
      status: 204,
      classic: ['repo'],
      call: async () => {
        const k = await t.api.post(`/repos/${org}/app/keys`, { token: owner.token, body: { key: sshPublicKey() } });
        return { method: 'DELETE', path: `/repos/${org}/app/keys/${k.json.id}` };
      },
    },
    { title: 'update a repository', needs: R('repository', 'administration', 'write'), owner: 'org', status: 200, classic: ['repo'], call: async () => ({ method: 'PATCH', path: `/repos/${org}/app`, body: { description: 'matrix' } }) },
    { title: 'create an org repository', needs: R('repository', 'administration', 'write'), owner: 'org', status: 201, classic: ['repo', 'public_repo'], call: async () => ({ method: 'POST', path: `/orgs/${org}/repos`, body: { name: uniqueName('r') } }) },
    { title: 'create a user repository', needs: R('repository', 'administration', 'write'), owner: 'user', status: 201, classic: ['repo', 'public_repo'], call: async () => ({ method: 'POST', path: '/user/repos', body: { name: uniqueName('r') } }) },
    {
      title: 'delete a repository',
      needs: R('repository', 'administration', 'write'),
      owner: 'org',
      status: 204,
      classic: ['delete_repo'],
      classicWith: ['repo'],
      call: async () => {
        const r = await createRepo(t, owner, org, uniqueName('gone'), true);
        return { method: 'DELETE', path: `/repos/${r.full_name}` };
      },
    },
    // organization
    { title: 'list members', needs: R('organization', 'members', 'read'), owner: 'org', status: 200, classic: ['read:org', 'admin:token'], call: async () => ({ method: 'GET', path: `/orgs/${org}/members` }) },
    { title: 'check a member', needs: R('organization', 'members', 'read'), owner: 'org', status: 204, classic: ['read:org'], call: async () => ({ method: 'GET', path: `/orgs/${org}/members/${member.user.login}` }) },
    { title: 'get a membership', needs: R('organization', 'members', 'read'), owner: 'org', status: 200, classic: ['read:org'], call: async () => ({ method: 'GET', path: `/orgs/${org}/memberships/${member.user.login}` }) },
    { title: 'invite a member', needs: R('organization', 'members', 'write'), owner: 'org', status: 200, classic: ['admin:org', 'admin:token'], call: async () => ({ method: 'PUT', path: `/orgs/${org}/memberships/${(await createUser(t)).login}`, body: { role: 'member' } }) },
    { title: 'list pending invitations', needs: R('organization', 'members', 'read'), owner: 'org', status: 200, classic: ['admin:org', 'admin:token'], call: async () => ({ method: 'GET', path: `/orgs/${org}/invitations` }) },
    { title: 'remove a membership', needs: R('organization', 'members', 'write'), owner: 'org', status: 204, classic: ['admin:org', 'admin:token'], call: async () => ({ method: 'DELETE', path: `/orgs/${org}/memberships/${await invitedLogin()}` }) },
    {
      title: 'remove a member',
      needs: R('organization', 'members', 'write'),
      owner: 'org',
      status: 204,
      classic: ['admin:org', 'admin:token'],
      call: async () => {
        const leaving = await newSession(t);
        await addMember(t, org, owner, leaving);
        return { method: 'DELETE', path: `/orgs/${org}/members/${leaving.user.login}` };
      },
    },
    {
      title: 'list token requests',
      needs: R('organization', 'organization_personal_access_token_requests', 'read'),
      owner: 'org',
      status: 200,
      classic: ['admin:org', 'admin:token'],
      call: async () => ({ method: 'GET', path: `/orgs/${org}/personal-access-token-requests` }),
    },
    {
      title: "list a request's repositories",
      needs: R('organization', 'organization_personal_access_token_requests', 'read'),
      owner: 'org',
      status: 200,
      classic: ['admin:org', 'admin:token'],
      call: async () => ({ method: 'GET', path: `/orgs/${org}/personal-access-token-requests/${await pendingRequestId()}/repositories` }),
    },
    {
      title: 'review a token request',
      needs: R('organization', 'organization_personal_access_token_requests', 'write'),
      owner: 'org',
      status: 204,
      classic: ['admin:org', 'admin:token'],
      call: async () => ({ method: 'POST', path: `/orgs/${org}/personal-access-token-requests/${await pendingRequestId()}`, body: { action: 'deny', reason: 'matrix' } }),
    },
    {
      title: 'review token requests in bulk',
      needs: R('organization', 'organization_personal_access_token_requests', 'write'),
      owner: 'org',
      status: 202,
      classic: ['admin:org', 'admin:token'],
      call: async () => ({ method: 'POST', path: `/orgs/${org}/personal-access-token-requests`, body: { pat_request_ids: [await pendingRequestId()], action: 'approve' } }),
    },
    {
      title: 'list granted tokens',
      needs: R('organization', 'organization_personal_access_tokens', 'read'),
      owner: 'org',
      status: 200,
      classic: ['admin:org', 'admin:token'],
      call: async () => ({ method: 'GET', path: `/orgs/${org}/personal-access-tokens` }),
    },
    {
      title: "list a grant's repositories",
      needs: R('organization', 'organization_personal_access_tokens', 'read'),
      owner: 'org',
      status: 200,
      classic: ['admin:org', 'admin:token'],
      call: async () => ({ method: 'GET', path: `/orgs/${org}/personal-access-tokens/${await grantedTokenId()}/repositories` }),
    },
    {
      title: 'revoke a grant',
      needs: R('organization', 'organization_personal_access_tokens', 'write'),
      owner: 'org',
      status: 204,
      classic: ['admin:org', 'admin:token'],
      call: async () => ({ method: 'POST', path: `/orgs/${org}/personal-access-tokens/${await grantedTokenId()}`, body: { action: 'revoke' } }),
    },
    {
      title: 'revoke grants in bulk',
      needs: R('organization', 'organization_personal_access_tokens', 'write'),
      owner: 'org',
      status: 202,
      classic: ['admin:org', 'admin:token'],
      call: async () => ({ method: 'POST', path: `/orgs/${org}/personal-access-tokens`, body: { action: 'revoke', pat_ids: [await grantedTokenId()] } }),
    },
    {
      title: 'read the token policy',
      needs: R('organization', 'organization_administration', 'read'),
      owner: 'org',
      status: 200,
      classic: ['read:org', 'admin:token'],
      call: async () => ({ method: 'GET', path: `/orgs/${org}/personal-access-token-policy` }),
    },
    {
      title: 'change the token policy',
      needs: R('organization', 'organization_administration', 'write'),
      owner: 'org',
      status: 200,
      classic: ['admin:org', 'admin:token'],
      call: async () => ({ method: 'PATCH', path: `/orgs/${org}/personal-access-token-policy`, body: { require_approval: true } }),
    },
    { title: 'update the org', needs: R('organization', 'organization_administration', 'write'), owner: 'org', status: 200, classic: ['admin:org'], call: async () => ({ method: 'PATCH', path: `/orgs/${org}`, body: { name: 'Acme' } }) },
    { title: 'read the org audit log', needs: R('organization', 'organization_administration', 'read'), owner: 'org', status: 200, classic: ['admin:org'], call: async () => ({ method: 'GET', path: `/orgs/${org}/audit-log` }) },
    { title: 'list account API tokens', needs: R('organization', 'organization_administration', 'read'), owner: 'org', status: 200, classic: ['admin:org'], call: async () => ({ method: 'GET', path: `/orgs/${org}/account-tokens` }) },
    {
      title: 'deactivate an account API token',
      needs: R('organization', 'organization_administration', 'write'),
      owner: 'org',
      status: 200,
      classic: ['admin:org'],
      call: async () => {
        const a = await t.api.post(`/orgs/${org}/account-tokens`, { token: owner.token, body: { name: uniqueName('acct') } });
        assert.equal(a.status, 201, a.text);
        return { method: 'PATCH', path: `/orgs/${org}/account-tokens/${a.json.id}`, body: { active: false } };
      },
    },
    {
      title: 'list SSO credential authorizations',
      needs: R('organization', 'organization_administration', 'read'),
      owner: 'org',
      status: 200,
      classic: ['read:org', 'admin:token'],
      call: async () => ({ method: 'GET', path: `/orgs/${org}/credential-authorizations` }),
    },
    {
      title: 'remove an SSO credential authorization',
      needs: R('organization', 'organization_administration', 'write'),
      owner: 'org',
      status: 204,
      classic: ['admin:org', 'admin:token'],
      call: async () => {
        const c = await createClassicToken(t, owner, { scopes: ['repo'] });
        const a = await t.api.post(`/orgs/${org}/credential-authorizations`, { token: owner.token, body: { token_id: c.id } });
        assert.equal(a.status, 201, a.text);
        return { method: 'DELETE', path: `/orgs/${org}/credential-authorizations/${c.id}` };
      },
    },
    // account
    { title: 'list email addresses', needs: R('account', 'email_addresses', 'read'), owner: 'user', status: 200, classic: ['user:email'], call: async () => ({ method: 'GET', path: '/user/emails' }) },
    {
      title: 'change the email address',
      needs: R('account', 'email_addresses', 'write'),
      owner: 'user',
      status: 200,
      classic: ['user'],
      call: async () => ({ method: 'PATCH', path: '/user', body: { email: `${uniqueName('mail')}@example.test` } }),
    },
    { title: 'list SSH keys', needs: R('account', 'git_ssh_keys', 'read'), owner: 'user', status: 200, classic: ['read:public_key'], call: async () => ({ method: 'GET', path: '/user/keys' }) },
    { title: 'list GPG keys', needs: R('account', 'gpg_keys', 'read'), owner: 'user', status: 200, classic: ['read:gpg_key'], call: async () => ({ method: 'GET', path: '/user/gpg_keys' }) },
    { title: 'list SSH signing keys', needs: R('account', 'ssh_signing_keys', 'read'), owner: 'user', status: 200, classic: ['read:ssh_signing_key'], call: async () => ({ method: 'GET', path: '/user/ssh_signing_keys' }) },
    { title: 'change the profile', needs: R('account', 'profile', 'write'), owner: 'user', status: 200, classic: ['user'], call: async () => ({ method: 'PATCH', path: '/user', body: { name: 'Matrix' } }) },
  ];

  it('covers every permission of the catalog (metadata is implicit, tested below)', () => {
    const covered = new Set(rows.map((r) => `${r.needs.group}.${r.needs.name}`));
    covered.add('repository.metadata');
    const missing = FINE_GRAINED_PERMISSIONS.map((p) => `${p.group}.${p.name}`).filter((k) => !covered.has(k));
    assert.deepEqual(missing, [], `catalog permissions without an endpoint in the matrix: ${missing.join(', ')}`);
  });

  for (const row of rows) {
    const label = `${row.needs.group} ${row.needs.name}: ${row.needs.level}`;
    it(`${row.title} — needs ${label}`, async () => {
      const groups = row.owner === 'org' ? ORG_GROUPS : USER_GROUPS;
      const full = fullSet(groups);
      const variants = [without(full, row.needs)];
      if (row.needs.level === 'write') variants.push(without(full, row.needs, true));
      for (const perms of variants) {
        const token = await fgToken(row.owner, perms);
        const c = await row.call();
        const res = await t.api.call(c.method, c.path, { token, ...(c.body !== undefined ? { body: c.body } : {}) });
        assert.equal(res.status, 403, `${c.method} ${c.path} without ${label}: ${res.text}`);
        assert.match(res.json.message, new RegExp(`'${row.needs.name}: ${row.needs.level}'`), `the 403 names the permission: ${res.text}`);
        assert.equal(res.headers.get('x-accepted-github-permissions'), `${row.needs.name}=${row.needs.level}`);
      }
      const token = await fgToken(row.owner, full);
      const c = await row.call();
      const ok = await t.api.call(c.method, c.path, { token, ...(c.body !== undefined ? { body: c.body } : {}) });
      assert.equal(ok.status, row.status, `${c.method} ${c.path} with ${label}: ${ok.text}`);
    });
  }

  it('repository metadata: read is implicit in every token (an empty permission set reads a private repository it selects); write is refused', async () => {
    const token = await fgToken('org', {});
    const res = await t.api.get(`/repos/${org}/app`, { token });
    assert.equal(res.status, 200, res.text);
    const bad = await t.api.post('/user/personal-access-tokens', {
      token: owner.token,
      body: { name: 'meta', kind: 'fine_grained', resource_owner: org, repository_selection: 'all', permissions: { repository: { metadata: 'write' } }, expires_in_days: 7 },
    });
    assert.equal(bad.status, 422);
    assert.equal(bad.json.errors[0].field, 'permissions.repository.metadata');
  });

  describe('classic tokens: every scope except the accepted ones → 403 naming them', () => {
    const allScopes = CLASSIC_SCOPES.map((s) => s.name);
    for (const row of rows.filter((r) => r.classic)) {
      it(`${row.title} — accepts ${row.classic!.join(' | ')}`, async () => {
        const refused = new Set(row.classic!.flatMap((s) => [s, ...scopeAncestors(s)]));
        const scopes = normalizeScopes(allScopes.filter((s) => !refused.has(s)));
        const tok = await createClassicToken(t, owner, { scopes });
        const c = await row.call();
        const res = await t.api.call(c.method, c.path, { token: tok.token, ...(c.body !== undefined ? { body: c.body } : {}) });
        assert.equal(res.status, 403, `${c.method} ${c.path} with ${scopes.join(',')}: ${res.text}`);
        assert.match(res.json.message, /Token lacks the required scope/);
        for (const s of row.classic!) assert.ok(res.json.message.includes(s), `names ${s}: ${res.json.message}`);
        const good = await createClassicToken(t, owner, { scopes: [row.classic![0], ...(row.classicWith ?? [])] });
        const c2 = await row.call();
        const ok = await t.api.call(c2.method, c2.path, { token: good.token, ...(c2.body !== undefined ? { body: c2.body } : {}) });
        assert.equal(ok.status, row.status, `${c2.method} ${c2.path} with ${row.classic![0]}: ${ok.text}`);
      });
    }
  });
});
