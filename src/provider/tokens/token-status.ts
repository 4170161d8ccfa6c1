// A token's status as callers see it: a stored `active` token past its expiry is `expired`.
import type { TokenRecord, TokenStatus } from '../store/tokens';

export function effectiveStatus(t: Pick<TokenRecord, 'status' | 'expiresAt'>, now: Date): TokenStatus {
  if ((t.status === 'active' || t.status === 'pending') && t.expiresAt && t.expiresAt.getTime() <= now.getTime()) return 'expired';
  return t.status;
}

export function isExpired(t: Pick<TokenRecord, 'expiresAt'>, now: Date): boolean {
  return !!t.expiresAt && t.expiresAt.getTime() <= now.getTime();
}
