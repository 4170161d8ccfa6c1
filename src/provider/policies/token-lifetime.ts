// Token lifetime caps (an org's `max_lifetime_days`): checked when a token is made, regenerated or
// given a new expiry (422 naming `expires_at`), and at use (a token whose lifetime exceeds a
// since-tightened policy is refused on the org's resources). A lifetime is counted from when the
// token's current secret/expiry was issued to its expiry; a cap of N days allows an expiry up to
// the end of the (UTC) day N days later, so a date picked N days ahead always fits.
import { DAY } from '../clock';
import type { ProviderContext } from '../context';
import { invalidField } from '../http/errors';
import type { TokenRecord } from '../store/tokens';
import { isoTime } from '../iso-time';

function endOfUtcDay(d: Date): Date {
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), 23, 59, 59, 999));
}

/** The latest expiry a token issued at `issuedAt` may have under a cap of `days`. */
export function latestExpiry(issuedAt: Date, days: number): Date {
  return endOfUtcDay(new Date(issuedAt.getTime() + days * DAY));
}

/** 422 `expires_at` when `expiresAt` (null = never) is past the cap for a token issued `now`. */
export function assertExpiryWithinCap(expiresAt: Date | null, now: Date, days: number, whose: string): void {
  if (expiresAt === null) throw invalidField('expires_at', `is required: ${whose} allows tokens of at most ${days} days`, 'missing_field');
  const latest = latestExpiry(now, days);
  if (expiresAt.getTime() > latest.getTime()) {
    throw invalidField('expires_at', `must be at most ${days} days from now (${isoTime(latest).slice(0, 10)}): the maximum lifetime ${whose} allows`);
  }
}

/** When the token's current lifetime started (its last regeneration or new expiry, else its creation). */
async function lifetimeStart(ctx: ProviderContext, t: TokenRecord): Promise<Date> {
  return (await ctx.store.fineGrainedTokens.issuedAt(t.id)) ?? t.createdAt;
}

/** The token's lifetime in whole days (rounded up); Infinity when it never expires. */
export async function lifetimeDays(ctx: ProviderContext, t: TokenRecord): Promise<number> {
  if (!t.expiresAt) return Infinity;
  return Math.ceil((t.expiresAt.getTime() - (await lifetimeStart(ctx, t)).getTime()) / DAY);
}

/** true when the token's lifetime is longer than a cap of `days`. */
export async function exceedsLifetime(ctx: ProviderContext, t: TokenRecord, days: number): Promise<boolean> {
  if (!t.expiresAt) return true;
  return t.expiresAt.getTime() > latestExpiry(await lifetimeStart(ctx, t), days).getTime();
}
