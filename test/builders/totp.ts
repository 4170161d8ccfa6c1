// TOTP codes for test users that the provider will (or will not) accept. The provider accepts the
// previous, current and next 30 s step of its clock, and never a step at or before the last one it
// accepted.
//
// On a movable clock each fresh code moves the clock one step on, so codes never wait. On real
// time (the extension's embedded provider) a fresh code is the earliest acceptable step not used
// yet, and waits for the next step only when all three are used.
import * as assert from 'node:assert/strict';
import { generate } from 'otplib';
import type { ProviderHandle } from './provider-handle';
import type { TestUser } from './users';

const STEP_MS = 30_000;

export function stepOf(at: Date): number {
  return Math.floor(at.getTime() / STEP_MS);
}

export function providerNow(p: ProviderHandle): Date {
  return p.clock ? p.clock.now() : new Date();
}

/** The TOTP code for `secret` at `at`. */
export async function totpAt(secret: string, at: Date): Promise<string> {
  return generate({ secret, epoch: Math.floor(at.getTime() / 1000) });
}

export function codeForStep(secret: string, step: number): Promise<string> {
  return totpAt(secret, new Date(step * STEP_MS));
}

/** A code the provider accepts now and has not accepted before (the user's next proof). */
export async function freshOtp(p: ProviderHandle, user: TestUser): Promise<string> {
  const secret = user.totpSecret;
  assert.ok(secret, `${user.login} has no 2FA`);
  if (p.clock) {
    p.clock.advance(STEP_MS);
    user.lastTotpStep = stepOf(p.clock.now());
    return codeForStep(secret, user.lastTotpStep);
  }
  for (;;) {
    const now = stepOf(new Date());
    const step = [now - 1, now, now + 1].find((s) => s > (user.lastTotpStep ?? -Infinity));
    if (step !== undefined) {
      user.lastTotpStep = step;
      return codeForStep(secret, step);
    }
    await new Promise((r) => setTimeout(r, STEP_MS - (Date.now() % STEP_MS) + 200));
  }
}

/** A six-digit code valid for none of the steps around the provider's now (two either side). */
export async function wrongOtp(p: ProviderHandle, user: TestUser): Promise<string> {
  const secret = user.totpSecret;
  assert.ok(secret, `${user.login} has no 2FA`);
  const now = stepOf(providerNow(p));
  const valid = new Set(await Promise.all([-2, -1, 0, 1, 2].map((d) => codeForStep(secret, now + d))));
  for (let n = 0; ; n++) {
    const code = String(n).padStart(6, '0');
    if (!valid.has(code)) return code;
  }
}
