// TOTP codes for test users that the provider will (or will not) accept. The provider accepts the
// previous, current and next 30 s step of its clock, and never a step at or before the last one it
// accepted.
//
// On a movable clock each fresh code moves the clock one step on, so codes never wait. On real
// time (the extension's embedded provider) a fresh code is the earliest acceptable step not used
// yet that the provider still accepts PROOF_TIME_MS from now (the previous step only early in the
// current one: the code goes through prompts and a password check before the provider reads it),
// and waits for the next step only when none is left.
import * as assert from 'node:assert/strict';
import { generate } from 'otplib';
import type { ProviderHandle } from './provider-handle';
import type { TestUser } from './users';

const STEP_MS = 30_000;
/**
 * How long a code chosen on real time stays acceptable at least: a code of the previous step made
 * in the last second of the current one reached the provider in the next step, which refuses it.
 */
export const PROOF_TIME_MS = 15_000;

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

/**
 * On real time (`nowMs`): the earliest step after `after` that the provider accepts now and still
 * accepts PROOF_TIME_MS later (it accepts step s while its own step is s - 1 to s + 1); undefined
 * when every such step was used (the next one comes with the next step).
 */
export function stepForProof(nowMs: number, after: number | undefined): number | undefined {
  const now = Math.floor(nowMs / STEP_MS);
  return [now - 1, now, now + 1].find((s) => s > (after ?? -Infinity) && (s + 2) * STEP_MS - nowMs > PROOF_TIME_MS);
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
    const step = stepForProof(Date.now(), user.lastTotpStep);
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
