// TOTP (RFC 6238) with otplib: 30-second steps, the previous, current and next step accepted,
// and (with the store's compare-and-set) never a step at or before the last one accepted.
import { generateSecret, generateURI, verify } from 'otplib';

const TOTP_PERIOD_SECONDS = 30;

export function newTotpSecret(): string {
  return generateSecret({ length: 20 });
}

export function otpauthUri(secret: string, login: string, issuer = 'Tessera'): string {
  return generateURI({ issuer, label: login, secret });
}

export function isTotpShaped(code: string): boolean {
  return /^[0-9]{6}$/.test(code);
}

/**
 * The time step `code` is valid for at `now` (±1 step), when it is after `afterTimeStep`;
 * undefined otherwise. Callers must still record the step atomically (TwoFactorStore.acceptTimeStep).
 */
export async function matchTotp(secret: string, code: string, now: Date, afterTimeStep: number | null): Promise<number | undefined> {
  if (!isTotpShaped(code)) return undefined;
  try {
    const result = await verify({
      secret,
      token: code,
      epoch: Math.floor(now.getTime() / 1000),
      epochTolerance: TOTP_PERIOD_SECONDS,
      ...(afterTimeStep !== null ? { afterTimeStep } : {}),
    });
    return result.valid && 'timeStep' in result ? result.timeStep : undefined;
  } catch {
    return undefined;
  }
}
