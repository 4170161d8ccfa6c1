// Personal access tokens for tests, one creator per kind, through POST /user/personal-access-tokens
// as a user (password proof, + OTP with 2FA) or a session (its sign-in token).
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { TokenJson } from '../../src/shared/api-types';
import type { PermissionSet } from '../../src/shared/fine-grained-permissions';
import { credentialsOf, type Caller } from './callers';
import type { ProviderHandle } from './provider-handle';

interface ClassicTokenBody {
  name?: string;
  scopes?: string[];
  expires_at?: string | null;
  expires_in_days?: number;
  description?: string;
}

/** A classic token (default: no scopes, no expiry). */
export async function createClassicToken(p: ProviderHandle, who: Caller, body: ClassicTokenBody = {}): Promise<TokenJson & { token: string }> {
  const res = await p.api.post<TokenJson>('/user/personal-access-tokens', {
    ...(await credentialsOf(p, who)),
    body: { name: `classic ${randomBytes(4).toString('hex')}`, scopes: [], ...body },
  });
  assert.equal(res.status, 201, `create classic token: ${res.text}`);
  return res.json as TokenJson & { token: string };
}

interface FineGrainedBody {
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

/** POSTs a fine-grained token (30 days unless the body says otherwise) and answers the raw response, whatever its status. */
export async function postFineGrainedToken(p: ProviderHandle, who: Caller, body: FineGrainedBody) {
  const expiry = body.expires_at === undefined && body.expires_in_days === undefined ? { expires_in_days: 30 } : {};
  return p.api.post<TokenJson>('/user/personal-access-tokens', {
    ...(await credentialsOf(p, who)),
    body: { name: `fg ${randomBytes(4).toString('hex')}`, ...expiry, ...body, kind: 'fine_grained' },
  });
}

/** A fine-grained token (status active or pending approval). */
export async function createFineGrainedToken(p: ProviderHandle, who: Caller, body: FineGrainedBody): Promise<TokenJson & { token: string }> {
  const res = await postFineGrainedToken(p, who, body);
  assert.equal(res.status, 201, `create fine-grained token: ${res.text}`);
  return res.json as TokenJson & { token: string };
}
