// Accounts, sign-in and two-factor for tests, through the real API. TOTP codes are computed
// from the enrolled secret at the provider's (movable) clock; `nextOtp` moves the clock one
// step so each code is fresh (the provider refuses a step at or before the last one accepted).
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { generate } from 'otplib';
import type { AuthorizationJson, TokenJson, UserJson } from '../../../src/shared/api-types';
import type { TestProvider } from './provider';

export interface TestUser {
  id: number;
  login: string;
  email: string;
  password: string;
  siteAdmin: boolean;
  /** Set by enable2fa. */
  totpSecret?: string;
  recoveryCodes?: string[];
}

let counter = 0;

export function uniqueLogin(prefix = 'user'): string {
  counter++;
  return `${prefix}${counter}-${randomBytes(3).toString('hex')}`;
}

export async function createUser(t: TestProvider, fields: Partial<{ login: string; email: string; password: string; name: string }> = {}): Promise<TestUser> {
  const login = fields.login ?? uniqueLogin();
  const email = fields.email ?? `${login}@example.test`;
  const password = fields.password ?? `pw-${randomBytes(8).toString('hex')}`;
  const res = await t.api.post<UserJson>('/users', { body: { login, email, password, ...(fields.name ? { name: fields.name } : {}) } });
  assert.equal(res.status, 201, `create user ${login}: ${res.text}`);
  return { id: res.json.id, login, email, password, siteAdmin: res.json.site_admin };
}

/** The TOTP code for `secret` at the provider's current clock. */
export async function totpAt(secret: string, at: Date): Promise<string> {
  return generate({ secret, epoch: Math.floor(at.getTime() / 1000) });
}

/** Moves the provider's clock to the next 30 s step and returns that step's code. */
export async function nextOtp(t: TestProvider, user: TestUser): Promise<string> {
  assert.ok(user.totpSecret, `${user.login} has no 2FA`);
  t.clock.advance(30_000);
  return totpAt(user.totpSecret, t.clock.now());
}

/** A six-digit code valid for none of the steps the provider accepts now (previous, current, next). */
export async function wrongOtp(t: TestProvider, user: TestUser): Promise<string> {
  assert.ok(user.totpSecret, `${user.login} has no 2FA`);
  const now = t.clock.now().getTime();
  const valid = new Set(await Promise.all([-1, 0, 1].map((step) => totpAt(user.totpSecret!, new Date(now + step * 30_000)))));
  for (let n = 0; ; n++) {
    const code = String(n).padStart(6, '0');
    if (!valid.has(code)) return code;
  }
}

/**
 * Signs in the 2013 way: POST /authorizations with Basic (+ a fresh OTP when the user has 2FA).
 * Returns the authorization (with its `token`).
 */
export async function signIn(t: TestProvider, user: TestUser, scopes: string[] = ['admin:token', 'user'], note?: string): Promise<AuthorizationJson & { token: string }> {
  const otp = user.totpSecret ? await nextOtp(t, user) : undefined;
  const res = await t.api.post<AuthorizationJson>('/authorizations', {
    basic: { login: user.login, password: user.password },
    otp,
    body: { scopes, note: note ?? `test sign-in ${randomBytes(4).toString('hex')}` },
  });
  assert.equal(res.status, 201, `sign in ${user.login}: ${res.text}`);
  assert.ok(res.json.token);
  return res.json as AuthorizationJson & { token: string };
}

/** Enables 2FA through setup + enable, using a sign-in token (fresh sudo window). */
export async function enable2fa(t: TestProvider, user: TestUser, token?: string): Promise<{ secret: string; recoveryCodes: string[] }> {
  const tok = token ?? (await signIn(t, user, ['user'])).token;
  const setup = await t.api.post('/user/two-factor/setup', { token: tok });
  assert.equal(setup.status, 200, `2fa setup: ${setup.text}`);
  const secret: string = setup.json.secret;
  const code = await totpAt(secret, t.clock.now());
  const en = await t.api.post('/user/two-factor/enable', { token: tok, body: { code } });
  assert.equal(en.status, 200, `2fa enable: ${en.text}`);
  user.totpSecret = secret;
  user.recoveryCodes = en.json.recovery_codes;
  return { secret, recoveryCodes: en.json.recovery_codes };
}

/** A classic token via /user/personal-access-tokens (Basic + OTP: fresh proof). */
export async function createClassicToken(
  t: TestProvider,
  user: TestUser,
  body: { name?: string; scopes?: string[]; expires_at?: string | null; expires_in_days?: number; description?: string } = {},
): Promise<TokenJson & { token: string }> {
  const otp = user.totpSecret ? await nextOtp(t, user) : undefined;
  const res = await t.api.post<TokenJson>('/user/personal-access-tokens', {
    basic: { login: user.login, password: user.password },
    otp,
    body: { name: body.name ?? `token ${randomBytes(4).toString('hex')}`, scopes: body.scopes ?? [], ...body },
  });
  assert.equal(res.status, 201, `create token: ${res.text}`);
  return res.json as TokenJson & { token: string };
}
