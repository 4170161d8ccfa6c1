// Helpers for the core's extension-host tests: the extension's test API, an HTTP client for the
// real embedded provider (trusting its CA), users with or without 2FA, TOTP codes.
//
// TOTP against a real clock: the provider accepts the previous, current and next 30 s step, and
// never a step at or before the last one it accepted. A test user therefore enables 2FA with the
// PREVIOUS step's code, which leaves the current and the next step for two later proofs.
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { generate } from 'otplib';
import * as vscode from 'vscode';
import type { TesseraApi } from '../../src/extension/test-api';
import { ApiClient } from '../provider/helpers/api-client';

export const EXTENSION_ID = 'tessera-dev.tessera';

export async function tesseraApi(): Promise<TesseraApi> {
  const ext = vscode.extensions.getExtension<TesseraApi>(EXTENSION_ID);
  assert.ok(ext, `${EXTENSION_ID} is not installed in this extension host`);
  const api = await ext.activate();
  assert.ok(api && typeof api.providerInfo === 'function', 'activate() did not return the Tessera test API');
  return api;
}

/** A client of the embedded provider the extension started (same CA, same origin). */
export async function providerClient(api: TesseraApi): Promise<ApiClient> {
  const info = await api.providerInfo();
  return new ApiClient(info.origin, info.caCertPem);
}

export interface TestAccount {
  login: string;
  email: string;
  password: string;
  id: number;
  totpSecret?: string;
  /** The 30 s steps (epoch / 30) already used for a proof. */
  usedSteps: Set<number>;
}

export function uniqueLogin(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

export async function createAccount(client: ApiClient, prefix: string): Promise<TestAccount> {
  const login = uniqueLogin(prefix);
  const email = `${login}@example.test`;
  const password = `pw-${randomBytes(10).toString('hex')}`;
  const res = await client.post('/users', { body: { login, email, password } });
  assert.equal(res.status, 201, `create ${login}: ${res.status} ${res.text}`);
  return { login, email, password, id: res.json.id, usedSteps: new Set() };
}

function stepOf(ms: number): number {
  return Math.floor(ms / 30_000);
}

export async function codeForStep(secret: string, step: number): Promise<string> {
  return generate({ secret, epoch: step * 30 });
}

/** A code the provider will accept now: the earliest of previous/current/next step not used yet. */
export async function freshCode(account: TestAccount): Promise<string> {
  assert.ok(account.totpSecret, `${account.login} has no 2FA`);
  const now = stepOf(Date.now());
  const last = Math.max(-1, ...account.usedSteps);
  for (const step of [now - 1, now, now + 1]) {
    if (step > last) {
      account.usedSteps.add(step);
      return codeForStep(account.totpSecret, step);
    }
  }
  // All three steps used: wait for the next one.
  await new Promise((r) => setTimeout(r, 30_000 - (Date.now() % 30_000) + 200));
  return freshCode(account);
}

/** Enables 2FA over HTTP with a sign-in token of the user (Basic, so no OTP is needed yet). */
export async function enableTwoFactor(client: ApiClient, account: TestAccount): Promise<string[]> {
  const auth = await client.post('/authorizations', {
    basic: { login: account.login, password: account.password },
    body: { scopes: ['user'], note: `2fa setup ${randomBytes(4).toString('hex')}` },
  });
  assert.equal(auth.status, 201, auth.text);
  const token = auth.json.token as string;
  const setup = await client.post('/user/two-factor/setup', { token });
  assert.equal(setup.status, 200, setup.text);
  account.totpSecret = setup.json.secret as string;
  const step = stepOf(Date.now()) - 1; // the previous step: keeps current and next for later proofs
  account.usedSteps.add(step);
  const en = await client.post('/user/two-factor/enable', { token, body: { code: await codeForStep(account.totpSecret, step) } });
  assert.equal(en.status, 200, en.text);
  return en.json.recovery_codes as string[];
}

export async function waitFor<T>(what: string, fn: () => T | undefined | Promise<T | undefined>, timeoutMs = 15_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v as T;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** The next event of `event` matching `pred`, or a timeout error. */
export function nextEvent<T>(event: vscode.Event<T>, pred: (e: T) => boolean, what: string, timeoutMs = 10_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`no ${what} within ${timeoutMs} ms`));
    }, timeoutMs);
    const sub = event((e) => {
      if (pred(e)) {
        clearTimeout(timer);
        sub.dispose();
        resolve(e);
      }
    });
  });
}
