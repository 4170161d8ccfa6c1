// Method 1 (`Authorization: token|Bearer <t>`) and method 3 (Basic `<anything>:<token>`): a
// token's shape and checksum are checked before any look-up; the digest is looked up (through the
// principal cache, ./principal-cache.ts) and compared in constant time; revoked → 401 Bad
// credentials; expired → 401 "token expired"; last_used_at is written at most once a minute.
// tokenWorks answers the same question without using the token (last_used_at stays).
import { timingSafeEqual } from 'node:crypto';
import { MINUTE } from '../clock';
import type { ProviderContext } from '../context';
import { badCredentials, HttpError } from '../http/errors';
import { parseToken, tokenDigest } from '../../shared/token-format';
import type { Principal } from './principal';
import type { TokenWithUser } from './principal-cache';
import type { TokenRecord } from '../store/tokens';

export const LAST_USED_WRITE_INTERVAL_MS = MINUTE;
const TOKEN_EXPIRED_MESSAGE = 'token expired';

/** 401 "token expired", knowing which token (its owner sent its secret): git's message names it. */
export class TokenExpiredError extends HttpError {
  constructor(
    readonly tokenName: string,
    readonly expiredAt: Date | null,
  ) {
    super(401, TOKEN_EXPIRED_MESSAGE);
  }
}

/** The token's owner and record, once every check has passed; nothing is written. */
async function checkedToken(ctx: ProviderContext, secret: string): Promise<{ digest: string; found: TokenWithUser }> {
  const kind = parseToken(secret);
  if (!kind) throw badCredentials(); // wrong shape or checksum: no look-up
  const digest = tokenDigest(secret);
  const found = await ctx.principalCache.lookUp(digest, (d) => ctx.store.tokens.byDigestWithUser(d));
  if (!found) throw badCredentials();
  const { token } = found;
  if (!timingSafeEqual(Buffer.from(token.hashedToken, 'hex'), Buffer.from(digest, 'hex')) || token.kind !== kind) throw badCredentials();
  if (token.status === 'revoked') throw badCredentials();
  if (token.status === 'expired' || (token.expiresAt && token.expiresAt.getTime() <= ctx.clock.now().getTime())) {
    throw new TokenExpiredError(token.note, token.expiresAt);
  }
  return { digest, found };
}

/** Whether `secret` is a token that would authenticate a request now; it is not used (last_used_at stays). */
export async function tokenWorks(ctx: ProviderContext, secret: string): Promise<boolean> {
  try {
    await checkedToken(ctx, secret);
    return true;
  } catch (err) {
    if (err instanceof HttpError && err.status === 401) return false;
    throw err;
  }
}

export async function authenticateToken(ctx: ProviderContext, secret: string): Promise<Principal> {
  const { digest, found } = await checkedToken(ctx, secret);
  const token = await recordTokenUse(ctx, found.token, digest);
  return { user: found.user, token, method: 'token', freshProof: false };
}

/**
 * The one place a token's use is recorded: a request it authenticated (any token kind, API or
 * git) writes its last_used_at, at most once a minute; the token as it is now. A token only
 * checked (tokenWorks, POST /credentials/check) is not used. `digest`: the token's principal-cache
 * key, whose copy follows.
 */
export async function recordTokenUse(ctx: ProviderContext, token: TokenRecord, digest?: string): Promise<TokenRecord> {
  const now = ctx.clock.now();
  if (token.lastUsedAt && now.getTime() - token.lastUsedAt.getTime() < LAST_USED_WRITE_INTERVAL_MS) return token;
  if (!(await ctx.store.tokens.touchLastUsed(token.id, now, LAST_USED_WRITE_INTERVAL_MS))) return token;
  if (digest) ctx.principalCache.touched(digest, now);
  return { ...token, lastUsedAt: now };
}
