// Sign-in lockout, per account: after 10 failed password, code or account-token attempts within
// an hour the account is locked for 10 minutes, whatever path the attempts came by. Every check
// of such a secret runs inside checkUnderLockout, which reserves the attempt before the check, so
// parallel guesses cannot get more checks than sequential ones. An unknown login is counted like a
// real one (keyed by the login typed), so a lock never tells whether the login exists; the lock is
// never per client address, so no one can lock everyone out from one address.
import { HOUR, MINUTE } from '../clock';
import type { ProviderContext } from '../context';
import type { HttpError } from '../http/errors';
import type { AttemptLimits, AttemptOutcome } from '../store/sign-in-failures';
import type { UserRecord } from '../store/users';

export const LOCKOUT: AttemptLimits = { threshold: 10, windowMs: HOUR, lockMs: 10 * MINUTE, reservationTtlMs: 10 * MINUTE };

/** The account an attempt counts against: the user, or the login (or email) typed when there is none. */
export function accountKey(user: UserRecord | undefined, typedLogin: string): string {
  return user ? `user:${user.id}` : `login:${typedLogin.toLowerCase().slice(0, 256)}`;
}

/** What checking the secrets found: the answer, and how the attempt counts. */
export type Checked<T> = { outcome: AttemptOutcome } & ({ value: T } | { error: HttpError });

/** Returned, with nothing checked, when the account is locked or has as many attempts in flight as failures it may still make. */
export const REFUSED = Symbol('sign-in refused');

/**
 * Runs `check` as one reserved attempt against `key`, and settles the attempt with the outcome it
 * reports (an exception settles it as neither success nor failure). REFUSED when no attempt
 * could be reserved; otherwise the checked value, or the checked error thrown.
 */
export async function checkUnderLockout<T>(ctx: ProviderContext, key: string, check: () => Promise<Checked<T>>): Promise<T | typeof REFUSED> {
  const failures = ctx.store.signInFailures;
  const reservation = await failures.reserveAttempt(key, ctx.clock.now(), LOCKOUT);
  if (!reservation) return REFUSED;
  let outcome: AttemptOutcome = 'released';
  try {
    const checked = await check();
    outcome = checked.outcome;
    if ('error' in checked) throw checked.error;
    return checked.value;
  } finally {
    await failures.settleAttempt(reservation, outcome, ctx.clock.now(), LOCKOUT);
  }
}
