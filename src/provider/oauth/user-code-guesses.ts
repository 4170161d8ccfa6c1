// Typing user codes is attempt-limited per user: a code that names no live device authorization
// counts as a wrong guess, and after 10 wrong guesses within an hour the user's look-ups and
// approvals are refused for 15 minutes (429). Each look-up is reserved in the shared sign-in
// attempt store before the code is checked, so parallel guesses get no more checks than a slow
// sequence of them, across provider processes too. A right code does not clear the count: anyone
// can start device codes of their own, so a right code proves nothing about the wrong ones.
import { HOUR, MINUTE } from '../clock';
import type { ProviderContext } from '../context';
import { HttpError } from '../http/errors';
import type { AttemptLimits, AttemptOutcome } from '../store/sign-in-failures';
import type { UserRecord } from '../store/users';

const USER_CODE_GUESSES: AttemptLimits = { threshold: 10, windowMs: HOUR, lockMs: 15 * MINUTE, reservationTtlMs: MINUTE };

const TOO_MANY_GUESSES_MESSAGE = 'Too many wrong device codes.';

function keyOf(user: UserRecord): string {
  return `device-code:user:${user.id}`;
}

/**
 * Runs `check` as one reserved guess by `user`: its result counts as a wrong guess when it is
 * 'wrong', as nothing otherwise. 429 when no guess can be reserved.
 */
export async function guessUserCode<T>(ctx: ProviderContext, user: UserRecord, check: () => Promise<{ wrong: true } | { wrong: false; value: T }>): Promise<T | undefined> {
  const failures = ctx.store.signInFailures;
  const reservation = await failures.reserveAttempt(keyOf(user), ctx.clock.now(), USER_CODE_GUESSES);
  if (!reservation) {
    const state = await failures.get(keyOf(user));
    const waitS = state?.lockedUntil ? Math.max(1, Math.ceil((state.lockedUntil.getTime() - ctx.clock.now().getTime()) / 1000)) : 60;
    throw new HttpError(429, TOO_MANY_GUESSES_MESSAGE, { headers: { 'Retry-After': String(waitS) } });
  }
  let outcome: AttemptOutcome = 'released';
  try {
    const result = await check();
    if (result.wrong) {
      outcome = 'failure';
      return undefined;
    }
    return result.value;
  } finally {
    await failures.settleAttempt(reservation, outcome, ctx.clock.now(), USER_CODE_GUESSES);
  }
}
