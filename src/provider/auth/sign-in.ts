// Password (+ two-factor) verification with lockout — used by Basic authentication and by
// POST /user/sudo. A wrong password, an unknown login and a locked account all answer the same
// 401 "Bad credentials"; a missing or wrong code answers 401 with `X-GitHub-OTP: required; app`.
// Each attempt is reserved against the account before anything is checked (auth/lockout.ts).
// A password stored with weaker scrypt parameters than the provider's is stored again at the
// current ones when it signs in successfully (the only time the provider has the password).
import type { ProviderContext } from '../context';
import { badCredentials, otpRequired } from '../http/errors';
import type { UserRecord } from '../store/users';
import { audit } from '../audit/audit';
import { Checked, checkUnderLockout } from './lockout';
import { MAX_PASSWORD_LENGTH } from './passwords';
import { verifySecondFactor } from './second-factor';

interface SignInAttempt {
  /** A login (or email) typed by the caller; or the user, when already known (sudo). */
  login: string;
  user?: UserRecord;
  password: string;
  otp: string | undefined;
  ip: string;
}

async function findUserByLoginOrEmail(ctx: ProviderContext, login: string): Promise<UserRecord | undefined> {
  if (login.length === 0 || login.length > 320) return undefined;
  return (await ctx.store.users.byLogin(login)) ?? (login.includes('@') ? await ctx.store.users.byEmail(login) : undefined);
}

/** The verified user (fresh proof), or throws 401. */
export async function signIn(ctx: ProviderContext, attempt: SignInAttempt): Promise<UserRecord> {
  const user = attempt.user ?? (await findUserByLoginOrEmail(ctx, attempt.login));
  return checkUnderLockout(ctx, { user, login: attempt.login, ip: attempt.ip }, () => checkSecrets(ctx, user, attempt));
}

async function checkSecrets(ctx: ProviderContext, user: UserRecord | undefined, attempt: SignInAttempt): Promise<Checked<UserRecord>> {
  const passwordOk =
    user && attempt.password.length <= MAX_PASSWORD_LENGTH
      ? await ctx.passwords.verify(attempt.password, user.passwordHash)
      : await ctx.passwords.verifyUnknown(attempt.password);
  if (!user || !passwordOk) return { outcome: 'failure', failed: 'password', error: badCredentials() };
  if (user.twoFactorEnabled) {
    // Asking for the code is the normal first step of the 2013 flow: neither a failure nor a
    // success (which would reset the count of wrong codes).
    if (attempt.otp === undefined || attempt.otp.trim() === '') return { outcome: 'released', error: otpRequired() };
    const factor = await verifySecondFactor(ctx, user, attempt.otp);
    if (!factor) return { outcome: 'failure', failed: 'two_factor', error: otpRequired() };
    if (factor === 'recovery') {
      await audit(ctx, { user, ip: attempt.ip }, 'two_factor_authentication.recovery_code_used');
    }
  }
  await strengthenPasswordHash(ctx, user, attempt.password);
  return { outcome: 'success', value: user };
}

async function strengthenPasswordHash(ctx: ProviderContext, user: UserRecord, password: string): Promise<void> {
  if (!ctx.passwords.needsRehash(user.passwordHash)) return;
  try {
    // Only while the stored hash is still the one just verified; the profile's updated_at is left alone.
    await ctx.store.users.replacePasswordHash(user.id, user.passwordHash, await ctx.passwords.hash(password));
  } catch (err) {
    // The old hash still verifies: the next sign-in tries again.
    ctx.log('warn', `sign-in of user ${user.id}: the password could not be stored at the current scrypt parameters (${(err as Error).message})`);
  }
}
