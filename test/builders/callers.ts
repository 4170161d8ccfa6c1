// Who a builder acts as: a user (Basic with the password, plus a fresh OTP when the user has 2FA)
// or a session (its sign-in token). `callAs` is a provider call that must succeed.
import * as assert from 'node:assert/strict';
import type { CallOptions } from './api-client';
import type { ProviderHandle } from './provider-handle';
import type { Session } from './sessions';
import { freshOtp } from './totp';
import type { TestUser } from './users';

export type Caller = TestUser | Session;

/** The credentials of `who` for one request (a fresh OTP each time for a user with 2FA). */
export async function credentialsOf(p: ProviderHandle, who: Caller): Promise<CallOptions> {
  if ('token' in who) return { token: who.token };
  return { basic: { login: who.login, password: who.password }, ...(who.totpSecret ? { otp: await freshOtp(p, who) } : {}) };
}

export function loginOf(who: Caller): string {
  return 'token' in who ? who.user.login : who.login;
}

/** Calls the provider as `who` and answers the JSON; anything but 2xx fails the test. */
export async function callAs(p: ProviderHandle, who: Caller, method: string, path: string, body?: unknown): Promise<any> {
  const res = await p.api.call(method, path, { ...(await credentialsOf(p, who)), body });
  assert.ok(res.status >= 200 && res.status < 300, `${method} ${path} as ${loginOf(who)}: ${res.status} ${res.text}`);
  return res.json;
}
