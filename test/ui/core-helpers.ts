// Helpers for the core's tests that talk to the real embedded provider from outside VS Code:
// the provider's origin and CA (in the workbench profile's global storage), users, 2FA, TOTP.
// No 'vscode' import: used by the UI tests (Node) and the extension-host tests alike.
//
// TOTP against a real clock: the provider accepts the previous, current and next 30 s step, and
// never a step at or before the last one it accepted. A test user therefore enables 2FA with the
// PREVIOUS step's code, which leaves the current and the next step for two later proofs.
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { generate } from 'otplib';
import { ApiClient } from '../provider/helpers/api-client';

export interface TestAccount {
  login: string;
  email: string;
  password: string;
  id: number;
  totpSecret?: string;
  recoveryCodes?: string[];
  /** The 30 s steps (epoch / 30) already used for a proof. */
  usedSteps: Set<number>;
}

export function uniqueLogin(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

/** The embedded provider's CA as Tessera keeps it in a VS Code user-data folder. */
export function embeddedCaPath(userDataDir: string): string {
  return path.join(userDataDir, 'User', 'globalStorage', 'tessera-dev.tessera', 'provider', 'tls', 'ca.pem');
}

/** Waits until the embedded provider of a workbench answers its health check; a client for it. */
export async function waitForEmbeddedProvider(userDataDir: string, port: number, timeoutMs = 60_000): Promise<ApiClient> {
  const caPath = embeddedCaPath(userDataDir);
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    if (fs.existsSync(caPath)) {
      const client = new ApiClient(`https://127.0.0.1:${port}`, fs.readFileSync(caPath, 'utf8'));
      try {
        const h = await client.get('/-/health');
        if (h.status === 200 && h.json?.service === 'tessera') return client;
        last = `health ${h.status}`;
      } catch (e) {
        last = e instanceof Error ? e.message : String(e);
      }
      await client.close();
    } else last = `no CA at ${caPath}`;
    if (Date.now() > deadline) throw new Error(`the embedded provider on port ${port} did not come up: ${last}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

export async function createAccount(client: ApiClient, prefix: string): Promise<TestAccount> {
  const login = uniqueLogin(prefix);
  const email = `${login}@example.test`;
  const password = `pw-${randomBytes(10).toString('hex')}`;
  const res = await client.post('/users', { body: { login, email, password } });
  assert.equal(res.status, 201, `create ${login}: ${res.status} ${res.text}`);
  return { login, email, password, id: res.json.id, usedSteps: new Set() };
}

export function stepOf(ms: number): number {
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
  await new Promise((r) => setTimeout(r, 30_000 - (Date.now() % 30_000) + 200));
  return freshCode(account);
}

/** A 6-digit code that is NOT valid now (for the wrong-code path). */
export async function wrongCode(account: TestAccount): Promise<string> {
  assert.ok(account.totpSecret);
  const now = stepOf(Date.now());
  const valid = new Set(await Promise.all([now - 2, now - 1, now, now + 1, now + 2].map((s) => codeForStep(account.totpSecret!, s))));
  for (let i = 0; ; i++) {
    const c = String((123456 + i * 111111) % 1_000_000).padStart(6, '0');
    if (!valid.has(c)) return c;
  }
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
  account.recoveryCodes = en.json.recovery_codes as string[];
  return account.recoveryCodes;
}
