// Sign-in lockout: after 10 failed password or code attempts within an hour, the account — and,
// separately, the client address — is locked for 10 minutes. An unknown login is counted like a
// real one (keyed by the login typed), so a lock never tells whether the login exists.
import { HOUR, MINUTE } from '../clock';
import type { ProviderContext } from '../context';
import type { UserRecord } from '../store/users';

export const LOCKOUT = { threshold: 10, windowMs: HOUR, lockMs: 10 * MINUTE };

export interface LockoutKeys {
  account: string;
  address: string;
}

export function lockoutKeys(user: UserRecord | undefined, typedLogin: string, ip: string): LockoutKeys {
  return {
    account: user ? `user:${user.id}` : `login:${typedLogin.toLowerCase().slice(0, 256)}`,
    address: `ip:${ip}`,
  };
}

export async function isLocked(ctx: ProviderContext, keys: LockoutKeys): Promise<boolean> {
  const now = ctx.clock.now().getTime();
  for (const key of [keys.account, keys.address]) {
    const s = await ctx.store.signInFailures.get(key);
    if (s?.lockedUntil && s.lockedUntil.getTime() > now) return true;
  }
  return false;
}

export async function recordFailure(ctx: ProviderContext, keys: LockoutKeys): Promise<void> {
  const now = ctx.clock.now();
  await ctx.store.signInFailures.recordFailure(keys.account, now, LOCKOUT);
  await ctx.store.signInFailures.recordFailure(keys.address, now, LOCKOUT);
}

/** A successful sign-in clears the account's count (the address keeps its own). */
export async function recordSuccess(ctx: ProviderContext, keys: LockoutKeys): Promise<void> {
  await ctx.store.signInFailures.clear(keys.account);
}
