// Method 1 (`Authorization: token|Bearer <t>`) and method 3 (Basic `<anything>:<token>`): a
// token's shape and checksum are checked before any look-up; the digest is looked up (through the
// principal cache, ./principal-cache.ts) and compared in constant time; revoked → 401 Bad
// credentials; expired → 401 "token expired"; last_used_at is written at most once a minute.
import { timingSafeEqual } from 'node:crypto';
import { MINUTE } from '../clock';
import type { ProviderContext } from '../context';
import { badCredentials, HttpError } from '../http/errors';
import { parseToken, tokenDigest } from '../../shared/token-format';
import type { Principal } from './principal';

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

export async function authenticateToken(ctx: ProviderContext, secret: string): Promise<Principal> {
  const kind = parseToken(secret);
  if (!kind) throw badCredentials(); // wrong shape or checksum: no look-up
  const digest = tokenDigest(secret);
  const found = await ctx.principalCache.lookUp(digest, (d) => ctx.store.tokens.byDigestWithUser(d));
  if (!found) throw badCredentials();
  let { token } = found;
  const { user } = found;
  if (!timingSafeEqual(Buffer.from(token.hashedToken, 'hex'), Buffer.from(digest, 'hex')) || token.kind !== kind) throw badCredentials();
  if (token.status === 'revoked') throw badCredentials();
  const now = ctx.clock.now();
  if (token.status === 'expired' || (token.expiresAt && token.expiresAt.getTime() <= now.getTime())) {
    throw new TokenExpiredError(token.note, token.expiresAt);
  }
  if (!token.lastUsedAt || now.getTime() - token.lastUsedAt.getTime() >= LAST_USED_WRITE_INTERVAL_MS) {
    if (await ctx.store.tokens.touchLastUsed(token.id, now, LAST_USED_WRITE_INTERVAL_MS)) {
      ctx.principalCache.touched(digest, now);
      token = { ...token, lastUsedAt: now };
    }
  }
  return { user, token, method: 'token', freshProof: false };
}
