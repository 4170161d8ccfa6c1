// Test users, signed up through the real API (POST /users).
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { UserJson } from '../../src/shared/api-types';
import type { ProviderHandle } from './provider-handle';
import { uniqueName } from './unique-name';

export interface TestUser {
  id: number;
  login: string;
  email: string;
  password: string;
  siteAdmin: boolean;
  /** Set by enableTwoFactor. */
  totpSecret?: string;
  recoveryCodes?: string[];
  /** The latest 30 s TOTP step used for a proof: the provider refuses it and every earlier one. */
  lastTotpStep?: number;
}

interface NewUserFields {
  login?: string;
  email?: string;
  password?: string;
  name?: string;
}

export async function createUser(p: ProviderHandle, fields: NewUserFields = {}): Promise<TestUser> {
  const login = fields.login ?? uniqueName();
  const email = fields.email ?? `${login}@example.test`;
  const password = fields.password ?? `pw-${randomBytes(8).toString('hex')}`;
  const res = await p.api.post<UserJson>('/users', {
    body: { login, email, password, ...(fields.name ? { name: fields.name } : {}) },
    ...(p.api.signUpToken ? { token: p.api.signUpToken } : {}),
  });
  assert.equal(res.status, 201, `create user ${login}: ${res.status} ${res.text}`);
  return { id: res.json.id, login, email, password, siteAdmin: res.json.site_admin };
}
