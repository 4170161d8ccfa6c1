// Sign-in lockout, per account: after 10 failed password, code or account-token attempts within
// an hour the account is locked for 10 minutes, whatever path the attempts came by. Every check
// of such a secret runs inside checkUnderLockout, which reserves the attempt before the check, so
// parallel guesses cannot get more checks than sequential ones. An unknown login is counted like a
// real one (keyed by a digest of the login typed, never the text: a password typed into the login
// field must not be kept), so a lock never tells whether the login exists; the lock is never per
// client address, so no one can lock everyone out from one address. What was typed as a login is
// audited only when it names a user.
import { createHash } from 'node:crypto';
import { audit } from '../audit/audit';
import { HOUR, MINUTE } from '../clock';
import type { ProviderContext } from '../context';
import { badCredentials, HttpError } from '../http/errors';
import type { AttemptLimits, AttemptOutcome } from '../store/sign-in-failures';
import type { UserRecord } from '../store/users';

const LOCKOUT: AttemptLimits = { threshold: 10, windowMs: HOUR, lockMs: 10 * MINUTE, reservationTtlMs: 10 * MINUTE };

/**
 * Forgets the sign-in counts no longer in force (run by the sweeper), for every use of the store's
 * counts: the longest window (an hour, here and for device code guesses) and reservation life.
 */
export function pruneSignInFailures(ctx: ProviderContext): Promise<number> {
  return ctx.store.signInFailures.prune(ctx.clock.now(), { windowMs: HOUR, reservationTtlMs: 10 * MINUTE });
}

/** Who an attempt is for: the user when the login (or email) typed names one. */
interface AttemptBy {
  user: UserRecord | undefined;
  login: string;
  ip: string;
}

/** What checking the secrets found: the answer, and how the attempt counts (a failure says which secret failed). */
export type Checked<T> =
  | { outcome: 'success' | 'released'; value: T }
  | { outcome: 'released'; error: HttpError }
  | { outcome: 'failure'; failed: 'password' | 'two_factor' | 'account_token'; error: HttpError };

/** The account an attempt counts against: the user, or the login typed when there is none. */
function accountKey(by: Pick<AttemptBy, 'user' | 'login'>): string {
  if (by.user) return `user:${by.user.id}`;
  return `login:${createHash('sha256').update(`tessera sign-in login\0${by.login.toLowerCase()}`).digest('hex')}`;
}

/**
 * Runs `check` as one attempt reserved against the account, and settles the attempt with the
 * outcome it reports (an exception releases it). When no attempt can be reserved (the account is
 * locked, or has as many attempts in flight as failures it may still make), nothing is checked and
 * the answer is 401 "Bad credentials", as for a wrong password. Failures and refusals are audited.
 */
export async function checkUnderLockout<T>(ctx: ProviderContext, by: AttemptBy, check: () => Promise<Checked<T>>): Promise<T> {
  const failures = ctx.store.signInFailures;
  const data = by.user ? { login: by.login.slice(0, 100) } : {};
  const reservation = await failures.reserveAttempt(accountKey(by), ctx.clock.now(), LOCKOUT);
  if (!reservation) {
    await audit(ctx, { ip: by.ip }, 'user.failed_login', { user: by.user, data: { reason: 'refused', ...data } });
    throw badCredentials();
  }
  let outcome: AttemptOutcome = 'released';
  try {
    const checked = await check();
    outcome = checked.outcome;
    if ('value' in checked) return checked.value;
    if (checked.outcome === 'failure') {
      await audit(ctx, { ip: by.ip }, 'user.failed_login', { user: by.user, data: { reason: checked.failed, ...data } });
    }
    throw checked.error;
  } finally {
    await failures.settleAttempt(reservation, outcome, ctx.clock.now(), LOCKOUT);
  }
}
