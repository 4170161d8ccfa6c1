// Sign-in lockout, per account: after 10 failed password, code or account-token attempts within
// an hour the account is locked for 10 minutes, whatever path the attempts came by. Every check
// of such a secret runs inside checkUnderLockout, which reserves the attempt before the check, so
// parallel guesses cannot get more checks than sequential ones. An unknown login is counted like a
// real one (keyed by a digest of the login typed, never the text: a password typed into the login
// field must not be kept), so a lock never tells whether the login exists. What was typed as a
// login is audited only when it names a user. Each attempt is also reserved against the client
// address, with a much higher limit (100 failures an hour): the account limit alone lets one
// address spend 10 scrypt verifications on every login it makes up, and queue that work ahead of
// everyone's sign-in.
import { createHash } from 'node:crypto';
import { audit } from '../audit/audit';
import { HOUR, MINUTE } from '../clock';
import type { ProviderContext } from '../context';
import { badCredentials, HttpError } from '../http/errors';
import type { AttemptLimits, AttemptOutcome } from '../store/sign-in-failures';
import type { UserRecord } from '../store/users';

const LOCKOUT: AttemptLimits = { threshold: 10, windowMs: HOUR, lockMs: 10 * MINUTE, reservationTtlMs: 10 * MINUTE };
/** The client address's limit: high enough for the users behind one NAT or proxy, low enough to bound its scrypt work. */
const ADDRESS_LIMIT: AttemptLimits = { threshold: 100, windowMs: HOUR, lockMs: 10 * MINUTE, reservationTtlMs: 10 * MINUTE };

/** One audited refusal per account or address per lock period (auditRefusal). */
const REFUSAL_AUDIT: AttemptLimits = { threshold: 1, windowMs: LOCKOUT.lockMs, lockMs: LOCKOUT.lockMs, reservationTtlMs: LOCKOUT.lockMs };

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

/**
 * Records a refused attempt at most once per lock period (10 minutes) of what refused it, the
 * account or the client address: a flood of attempts at a locked account (or from a locked
 * address) is one audit entry, not one each. "Once" is itself an attempt reserved in the store
 * (threshold 1, counted as a failure once recorded, so it stays locked for the period): atomic
 * across requests and provider processes, like every other count here.
 */
async function auditRefusal(ctx: ProviderContext, refusedBy: string, record: () => Promise<void>): Promise<void> {
  const failures = ctx.store.signInFailures;
  const once = await failures.reserveAttempt(`refusal-audited:${refusedBy}`, ctx.clock.now(), REFUSAL_AUDIT);
  if (!once) return;
  let outcome: AttemptOutcome = 'released';
  try {
    await record();
    outcome = 'failure';
  } finally {
    await failures.settleAttempt(once, outcome, ctx.clock.now(), REFUSAL_AUDIT);
  }
}

/** The account an attempt counts against: the user, or the login typed when there is none. */
function accountKey(by: Pick<AttemptBy, 'user' | 'login'>): string {
  if (by.user) return `user:${by.user.id}`;
  return `login:${createHash('sha256').update(`tessera sign-in login\0${by.login.toLowerCase()}`).digest('hex')}`;
}

/**
 * Runs `check` as one attempt reserved against the account and against the client address, and
 * settles both with the outcome it reports (an exception releases them; a success clears the
 * account's failures, never the address's: a sign-in of one's own must not buy more guesses).
 * When no attempt can be reserved (the account or the address is locked, or has as many attempts
 * in flight as failures it may still make), nothing is checked and the answer is 401 "Bad
 * credentials", as for a wrong password. Failures are audited, refusals once per lock period.
 */
export async function checkUnderLockout<T>(ctx: ProviderContext, by: AttemptBy, check: () => Promise<Checked<T>>): Promise<T> {
  const failures = ctx.store.signInFailures;
  const data = by.user ? { login: by.login.slice(0, 100) } : {};
  const reservation = await failures.reserveAttempt(accountKey(by), ctx.clock.now(), LOCKOUT);
  const fromAddress = reservation && (await failures.reserveAttempt(`address:${by.ip}`, ctx.clock.now(), ADDRESS_LIMIT));
  if (!reservation || !fromAddress) {
    if (reservation) await failures.settleAttempt(reservation, 'released', ctx.clock.now(), LOCKOUT);
    await auditRefusal(ctx, reservation ? `address:${by.ip}` : accountKey(by), () =>
      audit(ctx, { ip: by.ip }, 'user.failed_login', { user: by.user, data: { reason: 'refused', ...data } }),
    );
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
    await failures.settleAttempt(fromAddress, outcome === 'failure' ? 'failure' : 'released', ctx.clock.now(), ADDRESS_LIMIT);
  }
}
