// Password (+ two-factor) verification with lockout — used by Basic authentication and by
// POST /user/sudo. A wrong password, an unknown login and a locked account all answer the same
// 401 "Bad credentials"; a missing or wrong code answers 401 with `X-GitHub-OTP: required; app`.
import type { ProviderContext } from '../context';
import { badCredentials, otpRequired } from '../http/errors';
import type { UserRecord } from '../store/users';
import { audit } from '../audit/audit';
import { isLocked, lockoutKeys, recordFailure, recordSuccess } from './lockout';
import { MAX_PASSWORD_LENGTH, verifyAgainstDummy, verifyPassword } from './passwords';
import { verifySecondFactor } from './second-factor';

export interface SignInAttempt {
  /** A login (or email) typed by the caller; or the user, when already known (sudo). */
  login: string;
  user?: UserRecord;
  password: string;
  otp: string | undefined;
  ip: string;
}

export async function findUserByLoginOrEmail(ctx: ProviderContext, login: string): Promise<UserRecord | undefined> {
  if (login.length === 0 || login.length > 320) return undefined;
  return (await ctx.store.users.byLogin(login)) ?? (login.includes('@') ? await ctx.store.users.byEmail(login) : undefined);
}

/** The verified user (fresh proof), or throws 401. */
export async function signIn(ctx: ProviderContext, attempt: SignInAttempt): Promise<UserRecord> {
  const user = attempt.user ?? (await findUserByLoginOrEmail(ctx, attempt.login));
  const keys = lockoutKeys(user, attempt.login, attempt.ip);
  if (await isLocked(ctx, keys)) {
    await audit(ctx, { ip: attempt.ip }, 'user.failed_login', { user, data: { reason: 'locked', login: attempt.login.slice(0, 100) } });
    throw badCredentials();
  }
  const passwordOk =
    user && attempt.password.length <= MAX_PASSWORD_LENGTH
      ? await verifyPassword(attempt.password, user.passwordHash)
      : await verifyAgainstDummy(attempt.password);
  if (!user || !passwordOk) {
    await recordFailure(ctx, keys);
    await audit(ctx, { ip: attempt.ip }, 'user.failed_login', { user, data: { reason: 'password', login: attempt.login.slice(0, 100) } });
    throw badCredentials();
  }
  if (user.twoFactorEnabled) {
    // Asking for the code is the normal first step of the 2013 flow, not a failure.
    if (attempt.otp === undefined || attempt.otp.trim() === '') throw otpRequired();
    const factor = await verifySecondFactor(ctx, user, attempt.otp);
    if (!factor) {
      await recordFailure(ctx, keys);
      await audit(ctx, { ip: attempt.ip }, 'user.failed_login', { user, data: { reason: 'two_factor' } });
      throw otpRequired();
    }
    if (factor === 'recovery') {
      await audit(ctx, { user, ip: attempt.ip }, 'two_factor_authentication.recovery_code_used');
    }
  }
  await recordSuccess(ctx, keys);
  return user;
}
