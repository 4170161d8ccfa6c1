// Checks a second factor: a TOTP code (replay-proof) or a single-use recovery code.
import type { ProviderContext } from '../context';
import type { UserRecord } from '../store/users';
import { isRecoveryCodeShaped, recoveryCodeDigest } from './recovery-codes';
import { isTotpShaped, matchTotp } from './totp';

export async function verifySecondFactor(ctx: ProviderContext, user: UserRecord, code: string): Promise<'totp' | 'recovery' | undefined> {
  const tf = await ctx.store.twoFactor.get(user.id);
  if (!tf?.enabled) return undefined;
  const trimmed = code.trim();
  if (isTotpShaped(trimmed)) {
    const step = await matchTotp(tf.secret, trimmed, ctx.clock.now(), tf.lastTimeStep);
    if (step === undefined) return undefined;
    return (await ctx.store.twoFactor.acceptTimeStep(user.id, step)) ? 'totp' : undefined;
  }
  if (isRecoveryCodeShaped(trimmed)) {
    return (await ctx.store.twoFactor.useRecoveryCode(user.id, recoveryCodeDigest(trimmed), ctx.clock.now())) ? 'recovery' : undefined;
  }
  return undefined;
}
