// Organizations, repositories and fine-grained tokens for tests, through the real API. A "session"
// is a user with a classic sign-in token (admin:token + org/repo scopes, sudo window open) so
// tests make tokens without hashing a password each time.
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { TokenJson } from '../../../src/shared/api-types';
import type { PermissionSet } from '../../../src/shared/fine-grained-permissions';
import { createUser, signIn, TestUser, uniqueLogin } from './accounts';
import type { TestProvider } from './provider';

export const SESSION_SCOPES = ['admin:token', 'user', 'admin:org', 'repo', 'delete_repo'];

export interface Session {
  user: TestUser;
  /** A classic token with SESSION_SCOPES (its sudo window is open for two hours of the provider's clock). */
  token: string;
}

export async function newSession(t: TestProvider, scopes: string[] = SESSION_SCOPES): Promise<Session> {
  const user = await createUser(t);
  const auth = await signIn(t, user, scopes);
  return { user, token: auth.token };
}

export function uniqueName(prefix: string): string {
  return uniqueLogin(prefix);
}

export async function createOrg(t: TestProvider, owner: Session, login = uniqueName('org')): Promise<string> {
  const res = await t.api.post('/user/orgs', { token: owner.token, body: { login } });
  assert.equal(res.status, 201, `create org ${login}: ${res.text}`);
  return res.json.login;
}

/** Invites `member` (as `role`) and accepts the invitation. */
export async function addMember(t: TestProvider, org: string, owner: Session, member: Session, role: 'admin' | 'member' = 'member'): Promise<void> {
  const inv = await t.api.put(`/orgs/${org}/memberships/${member.user.login}`, { token: owner.token, body: { role } });
  assert.equal(inv.status, 200, `invite ${member.user.login}: ${inv.text}`);
  const acc = await t.api.patch(`/user/memberships/orgs/${org}`, { token: member.token, body: { state: 'active' } });
  assert.equal(acc.status, 200, `accept ${org}: ${acc.text}`);
}

/** A repository of `org` (or of the session's user when org is undefined). Returns its id. */
export async function createRepo(t: TestProvider, s: Session, org: string | undefined, name: string, isPrivate = true): Promise<{ id: number; full_name: string }> {
  const res = await t.api.post(org ? `/orgs/${org}/repos` : '/user/repos', { token: s.token, body: { name, private: isPrivate } });
  assert.equal(res.status, 201, `create repo ${name}: ${res.text}`);
  return { id: res.json.id, full_name: res.json.full_name };
}

export async function setPolicy(t: TestProvider, org: string, owner: Session, body: Record<string, unknown>): Promise<void> {
  const res = await t.api.patch(`/orgs/${org}/personal-access-token-policy`, { token: owner.token, body });
  assert.equal(res.status, 200, `policy ${org}: ${res.text}`);
}

export interface FineGrainedBody {
  name?: string;
  resource_owner?: string;
  repository_selection?: 'none' | 'all' | 'subset';
  repositories?: (string | number)[];
  permissions?: PermissionSet | Record<string, unknown>;
  expires_in_days?: number;
  expires_at?: string | null;
  justification?: string;
  description?: string;
}

/** POST /user/personal-access-tokens (kind fine_grained) with the session token; the raw answer. */
export function postFineGrained(t: TestProvider, s: Session, body: FineGrainedBody) {
  return t.api.post<TokenJson>('/user/personal-access-tokens', {
    token: s.token,
    body: { name: `fg ${randomBytes(4).toString('hex')}`, expires_in_days: 30, ...body, kind: 'fine_grained' },
  });
}

export async function createFineGrained(t: TestProvider, s: Session, body: FineGrainedBody): Promise<TokenJson & { token: string }> {
  const res = await postFineGrained(t, s, body);
  assert.equal(res.status, 201, `create fine-grained token: ${res.text}`);
  return res.json as TokenJson & { token: string };
}

/** A classic token with exactly these scopes, made with the session token. */
export async function createClassic(t: TestProvider, s: Session, scopes: string[], extra: Record<string, unknown> = {}): Promise<TokenJson & { token: string }> {
  const res = await t.api.post<TokenJson>('/user/personal-access-tokens', {
    token: s.token,
    body: { name: `classic ${randomBytes(4).toString('hex')}`, scopes, ...extra },
  });
  assert.equal(res.status, 201, `create classic token: ${res.text}`);
  return res.json as TokenJson & { token: string };
}

/** A valid ed25519 OpenSSH public key (random 32 bytes as the key). */
export function sshPublicKey(comment = 'test@tessera'): string {
  const type = Buffer.from('ssh-ed25519');
  const len = (n: number) => {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(n);
    return b;
  };
  const blob = Buffer.concat([len(type.length), type, len(32), randomBytes(32)]);
  return `ssh-ed25519 ${blob.toString('base64')} ${comment}`;
}
