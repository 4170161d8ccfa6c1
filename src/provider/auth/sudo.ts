// Sudo mode: creating, regenerating or widening a token (and disabling 2FA) needs proof of
// password + 2FA within the last two hours. A request with Basic (+ OTP) carries that proof
// itself; a token carries it while its sudo window (tokens.sudo_until) is open — from sign-in
// (POST /authorizations) or POST /user/sudo.
import { HOUR } from '../clock';
import type { Clock } from '../clock';
import { forbidden, HttpError } from '../http/errors';
import type { Principal } from './principal';

export const SUDO_WINDOW_MS = 2 * HOUR;
export const SUDO_HEADER = 'X-Tessera-Sudo';
export const SUDO_REQUIRED_MESSAGE =
  'Sudo mode required: confirm your password (and two-factor code) with POST /user/sudo, or send Basic credentials with X-GitHub-OTP';

export function hasSudo(principal: Principal, clock: Clock): boolean {
  if (principal.freshProof) return true;
  const until = principal.token?.sudoUntil;
  return !!until && until.getTime() > clock.now().getTime();
}

function sudoRequired(): HttpError {
  return forbidden(SUDO_REQUIRED_MESSAGE, { [SUDO_HEADER]: 'required' });
}

/** For routes where only some requests need sudo (e.g. a PATCH that widens scopes). */
export function assertSudo(principal: Principal, clock: Clock): void {
  if (!hasSudo(principal, clock)) throw sudoRequired();
}
