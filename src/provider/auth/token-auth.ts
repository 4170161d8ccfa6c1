// Method 1 (`Authorization: token|Bearer <t>`) and method 3 (Basic `<anything>:<token>`): a
// token's checksum is checked before any database look-up; the digest is looked up and compared
// in constant time; revoked → 401 Bad credentials; expired → 401 "token expired".
//
// The look-up itself (token + user records by digest) may come from the principal cache
// (./principal-cache.ts), which is emptied by any change to the store, in this process or
// another; every check below still runs on every request.
import { timingSafeEqual } from 'node:crypto';
import { MINUTE } from '../clock';
import type { ProviderContext } from '../context';
import { badCredentials, HttpError } from '../http/errors';
import type { TokenRecord } from '../store/tokens';
import type { UserRecord } from '../store/users';
import { parseToken, tokenDigest } from '../../shared/token-format';
import { principalCacheFor } from './principal-cache';
import type { Principal } from './principal';

export const LAST_USED_WRITE_INTERVAL_MS = MINUTE;
export const TOKEN_EXPIRED_MESSAGE = 'token expired';

export async function authenticateToken(ctx: ProviderContext, secret: string): Promise<Principal> {
  const kind = parseToken(secret);
  if (!kind) throw badCredentials(); // wrong shape or checksum: no look-up
  const digest = tokenDigest(secret);
  const cache = principalCacheFor(ctx.store);
  const generation = cache?.sync();
  let token: TokenRecord | undefined;
  let user: UserRecord | undefined;
  let stored: Buffer | undefined;
  const cached = generation !== undefined ? cache!.get(digest) : undefined;
  if (cached) {
    ({ token, user, hashedToken: stored } = cached);
  } else {
    const found = await ctx.store.tokens.byDigestWithUser(digest);
    if (found?.token) {
      if (generation !== undefined) ({ token, user, hashedToken: stored } = cache!.put(generation, digest, found));
      else ({ token, user } = found);
    }
  }
  if (!token || !user || !timingSafeEqual(stored ?? Buffer.from(token.hashedToken, 'hex'), Buffer.from(digest, 'hex')) || token.kind !== kind) {
    throw badCredentials();
  }
  if (token.status === 'revoked') throw badCredentials();
  const now = ctx.clock.now();
  if (token.status === 'expired' || (token.expiresAt && token.expiresAt.getTime() <= now.getTime())) {
    throw new HttpError(401, TOKEN_EXPIRED_MESSAGE);
  }
  if (!token.lastUsedAt || now.getTime() - token.lastUsedAt.getTime() >= LAST_USED_WRITE_INTERVAL_MS) {
    if (await ctx.store.tokens.touchLastUsed(token.id, now, LAST_USED_WRITE_INTERVAL_MS)) {
      if (generation !== undefined) token = cache!.touched(digest, token, now); // shared, frozen records
      else token.lastUsedAt = now;
    }
  }
  return { user, token, method: 'token', freshProof: false };
}
