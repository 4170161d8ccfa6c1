// Reopening a token's sudo window: the caller's password (and second factor) checked as at
// sign-in, then the window and its audit event committed together.
import type { SudoRequest } from '../../shared/api-types';
import { AUDIT_ACTIONS } from '../audit/audit-log';
import { audit } from '../audit/audit';
import type { ProviderContext } from '../context';
import { HttpError } from '../http/errors';
import { withTransaction } from '../transaction';
import type { Principal } from './principal';
import { signIn } from './sign-in';
import { SUDO_WINDOW_MS } from './sudo';

/** Opens the calling token's sudo window (the caller at client address `ip`); returns when it closes. */
export async function openSudoWindow(ctx: ProviderContext, principal: Principal, ip: string, proof: SudoRequest): Promise<Date> {
  const token = principal.token!;
  try {
    await signIn(ctx, { login: principal.user.login, user: principal.user, password: proof.password, otp: proof.otp, ip });
  } catch (err) {
    // The token itself is fine: answer 403 (not 401, which would mean "sign in again"),
    // keeping X-GitHub-OTP when a code is what's missing.
    if (err instanceof HttpError && err.status === 401) {
      const otp = err.headers['X-GitHub-OTP'];
      throw new HttpError(403, otp ? err.message : 'Bad credentials: the password is wrong, or there were too many attempts', {
        headers: otp ? { 'X-GitHub-OTP': otp } : {},
      });
    }
    throw err;
  }
  const until = new Date(ctx.clock.now().getTime() + SUDO_WINDOW_MS);
  await withTransaction(ctx, async (tx) => {
    await tx.store.tokens.setSudoUntil(token.id, until);
    await audit(tx, { user: principal.user, ip }, AUDIT_ACTIONS.userSudo, { tokenId: token.id });
  });
  return until;
}
