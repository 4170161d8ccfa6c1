// Two-factor sign-in for the calling user: its status, setup (a new secret), enabling it with a
// current code (ten single-use recovery codes), new recovery codes, disabling it. Each change that
// is audited commits together with its audit event.
import { AUDIT_ACTIONS } from '../audit/audit-log';
import { audit } from '../audit/audit';
import { auditSourceOf, Caller } from '../authz/caller';
import type { ProviderContext } from '../context';
import { HttpError, invalidField } from '../http/errors';
import type { UserRecord } from '../store/users';
import { withTransaction } from '../transaction';
import { newRecoveryCodes, recoveryCodeDigest } from './recovery-codes';
import { matchTotp, newTotpSecret } from './totp';

interface TwoFactorStatus {
  enabled: boolean;
  setupPending: boolean;
  recoveryCodesRemaining: number;
}

function notEnabled(): HttpError {
  return new HttpError(422, 'Two-factor authentication is not enabled', {
    errors: [{ field: 'two_factor_authentication', code: 'unprocessable', message: 'is not enabled' }],
  });
}

export async function twoFactorStatus(ctx: ProviderContext, user: UserRecord): Promise<TwoFactorStatus> {
  const tf = await ctx.store.twoFactor.get(user.id);
  return {
    enabled: !!tf?.enabled,
    setupPending: !!tf && !tf.enabled,
    recoveryCodesRemaining: tf?.enabled ? await ctx.store.twoFactor.remainingRecoveryCodes(user.id) : 0,
  };
}

/** Starts (or restarts) enrollment; returns the new secret. */
export async function beginTwoFactorSetup(ctx: ProviderContext, user: UserRecord): Promise<string> {
  const secret = newTotpSecret();
  if (!(await ctx.store.twoFactor.beginSetup(user.id, secret, ctx.clock.now()))) {
    throw invalidField('two_factor_authentication', 'is already enabled: disable it first to enroll a new authenticator', 'already_exists');
  }
  return secret;
}

/** Confirms the pending setup with a current code; returns the recovery codes. */
export async function enableTwoFactor(ctx: ProviderContext, caller: Caller, code: string): Promise<string[]> {
  const { user } = caller.principal;
  const tf = await ctx.store.twoFactor.get(user.id);
  if (tf?.enabled) throw invalidField('two_factor_authentication', 'is already enabled', 'already_exists');
  if (!tf) throw invalidField('code', 'has no pending setup to confirm: call POST /user/two-factor/setup first', 'unprocessable');
  const step = await matchTotp(tf.secret, code.trim(), ctx.clock.now(), null);
  if (step === undefined) throw invalidField('code', 'is not a current code for the secret from setup');
  const codes = newRecoveryCodes();
  const digests = codes.map(recoveryCodeDigest);
  await withTransaction(ctx, async (tx) => {
    if (!(await tx.store.twoFactor.enable(user.id, tf.secret, step, digests, ctx.clock.now()))) {
      if ((await tx.store.twoFactor.get(user.id))?.enabled) throw invalidField('two_factor_authentication', 'is already enabled', 'already_exists');
      throw invalidField('code', 'is not a code for the current setup: setup was begun again meanwhile, confirm with a code for its new secret');
    }
    await audit(tx, auditSourceOf(caller), AUDIT_ACTIONS.twoFactorEnabled, { tokenId: caller.principal.token?.id });
  });
  return codes;
}

/** Replaces the recovery codes; returns the new ones. */
export async function regenerateRecoveryCodes(ctx: ProviderContext, caller: Caller): Promise<string[]> {
  const codes = newRecoveryCodes();
  const digests = codes.map(recoveryCodeDigest);
  await withTransaction(ctx, async (tx) => {
    if (!(await tx.store.twoFactor.replaceRecoveryCodes(caller.principal.user.id, digests))) throw notEnabled();
    await audit(tx, auditSourceOf(caller), AUDIT_ACTIONS.twoFactorRecoveryCodesRegenerated, { tokenId: caller.principal.token?.id });
  });
  return codes;
}

export async function disableTwoFactor(ctx: ProviderContext, caller: Caller): Promise<void> {
  await withTransaction(ctx, async (tx) => {
    if (!(await tx.store.twoFactor.disable(caller.principal.user.id))) throw notEnabled();
    await audit(tx, auditSourceOf(caller), AUDIT_ACTIONS.twoFactorDisabled, { tokenId: caller.principal.token?.id });
  });
}
