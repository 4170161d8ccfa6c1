// Organizations for tests through the real API: creating one, adding members, setting its token policy.
import * as assert from 'node:assert/strict';
import { credentialsOf, loginOf, type Caller } from './callers';
import type { ProviderHandle } from './provider-handle';
import { newSession, type Session } from './sessions';
import { uniqueName } from './unique-name';

/** Creates an organization owned by `owner`; answers its login. */
export async function createOrg(p: ProviderHandle, owner: Caller, login = uniqueName('org')): Promise<string> {
  const res = await p.api.post('/user/orgs', { ...(await credentialsOf(p, owner)), body: { login } });
  assert.equal(res.status, 201, `create org ${login}: ${res.text}`);
  return res.json.login;
}

/** Invites `member` (as `role`) and accepts the invitation. */
export async function addMember(p: ProviderHandle, org: string, owner: Caller, member: Caller, role: 'admin' | 'member' = 'member'): Promise<void> {
  const login = loginOf(member);
  const inv = await p.api.put(`/orgs/${org}/memberships/${login}`, { ...(await credentialsOf(p, owner)), body: { role } });
  assert.equal(inv.status, 200, `invite ${login}: ${inv.text}`);
  const acc = await p.api.patch(`/user/memberships/orgs/${org}`, { ...(await credentialsOf(p, member)), body: { state: 'active' } });
  assert.equal(acc.status, 200, `accept ${org}: ${acc.text}`);
}

/** PATCHes the organization's personal access token policy. */
export async function setPolicy(p: ProviderHandle, org: string, owner: Caller, body: Record<string, unknown>): Promise<void> {
  const res = await p.api.patch(`/orgs/${org}/personal-access-token-policy`, { ...(await credentialsOf(p, owner)), body });
  assert.equal(res.status, 200, `policy ${org}: ${res.text}`);
}

/** A new user owning a new organization, with another new user as an active member of it. */
export async function orgWithMember(p: ProviderHandle): Promise<{ owner: Session; member: Session; org: string }> {
  const owner = await newSession(p);
  const member = await newSession(p);
  const org = await createOrg(p, owner);
  await addMember(p, org, owner, member);
  return { owner, member, org };
}
