// Signing a test user in through the real API, and "sessions": a user with a classic sign-in token
// (admin:token + org/repo scopes, sudo window open) so tests act without a password proof each time.
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { AuthorizationJson } from '../../src/shared/api-types';
import type { ProviderHandle } from './provider-handle';
import { freshOtp } from './totp';
import { createUser, type TestUser } from './users';

/**
 * Signs in the 2013 way: POST /authorizations with Basic (+ a fresh OTP when the user has 2FA).
 * Returns the authorization (with its `token`).
 */
export async function signIn(p: ProviderHandle, user: TestUser, scopes: string[] = ['admin:token', 'user'], note?: string): Promise<AuthorizationJson & { token: string }> {
  const otp = user.totpSecret ? await freshOtp(p, user) : undefined;
  const res = await p.api.post<AuthorizationJson>('/authorizations', {
    basic: { login: user.login, password: user.password },
    otp,
    body: { scopes, note: note ?? `test sign-in ${randomBytes(4).toString('hex')}` },
  });
  assert.equal(res.status, 201, `sign in ${user.login}: ${res.text}`);
  assert.ok(res.json.token);
  return res.json as AuthorizationJson & { token: string };
}

const SESSION_SCOPES = ['admin:token', 'user', 'admin:org', 'repo', 'delete_repo'];

export interface Session {
  user: TestUser;
  /** A classic token with the session scopes (its sudo window is open for two hours of the provider's clock). */
  token: string;
}

export async function newSession(p: ProviderHandle, scopes: string[] = SESSION_SCOPES): Promise<Session> {
  const user = await createUser(p);
  const auth = await signIn(p, user, scopes);
  return { user, token: auth.token };
}
