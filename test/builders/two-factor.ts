// Enabling two-factor for a test user through the real API (setup + enable).
import * as assert from 'node:assert/strict';
import type { ProviderHandle } from './provider-handle';
import { signIn } from './sessions';
import { codeForStep, providerNow, stepForProof, stepOf } from './totp';
import type { TestUser } from './users';

/**
 * Enables 2FA through setup + enable with a token of the user (default: a new sign-in token with
 * scope `user`, which opens a sudo window), and records the secret and recovery codes on `user`.
 *
 * The enabling code is of the provider's current step on a movable clock (later codes move the
 * clock on), and on real time of the earliest step the provider will still accept when it reads
 * the code (stepForProof): the PREVIOUS step unless the current one is ending, which leaves the
 * current and the next step for two later proofs before a fresh code has to wait.
 */
export async function enableTwoFactor(p: ProviderHandle, user: TestUser, token?: string): Promise<{ secret: string; recoveryCodes: string[] }> {
  const tok = token ?? (await signIn(p, user, ['user'])).token;
  const setup = await p.api.post('/user/two-factor/setup', { token: tok });
  assert.equal(setup.status, 200, `2fa setup: ${setup.text}`);
  const secret: string = setup.json.secret;
  const step = p.clock ? stepOf(providerNow(p)) : stepForProof(Date.now(), undefined)!;
  const en = await p.api.post('/user/two-factor/enable', { token: tok, body: { code: await codeForStep(secret, step) } });
  assert.equal(en.status, 200, `2fa enable: ${en.text}`);
  user.totpSecret = secret;
  user.recoveryCodes = en.json.recovery_codes;
  user.lastTotpStep = step;
  return { secret, recoveryCodes: en.json.recovery_codes };
}
