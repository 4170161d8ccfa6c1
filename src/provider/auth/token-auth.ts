// Method 1 (`Authorization: token|Bearer <t>`) and method 3 (Basic `<anything>:<token>`): a
// token's shape and checksum are checked before any database look-up; the digest is looked up
// and compared in constant time; revoked → 401 Bad credentials; expired → 401 "token expired".
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
import { hasValidChecksum } from '../../shared/token-format';
import { presentToken, type PresentedToken } from './connection-token';
import { principalCacheFor, type PrincipalCache } from './principal-cache';
import type { Principal } from './principal';

export const LAST_USED_WRITE_INTERVAL_MS = MINUTE;
export const TOKEN_EXPIRED_MESSAGE = 'token expired';

/**
 * The token's principal. Synchronous when nothing has to be waited for — the look-up came from the
 * principal cache and last_used_at is fresh, i.e. almost every request of a busy client — so the
 * authorization hook adds no promise turns; a Promise otherwise. Bad credentials throw (or
 * reject) a 401 HttpError. With the connection the request came on, a token that connection
 * presented last is not hashed again (auth/connection-token.ts).
 */
export function authenticateToken(ctx: ProviderContext, secret: string, connection?: object): Principal | Promise<Principal> {
  const presented = connection ? ctx.connectionTokens.presented(connection, secret) : presentToken(secret);
  if (!presented) throw badCredentials(); // wrong shape: no look-up
  const cache = cacheInUse(ctx);
  const cached = cache?.entries.get(presented.digest);
  // A digest the cache holds is a stored token's, whose checksum was right when it was made: the
  // CRC32 is computed only for a token about to be looked up.
  if (cached) return checkToken(ctx, presented, cached, cache);
  if (!hasValidChecksum(secret)) throw badCredentials(); // wrong checksum: no look-up
  return lookUpAndCheck(ctx, presented, cache);
}

/** The principal cache with the generation it was synced to; undefined when it may not be used now. */
interface CacheInUse {
  entries: PrincipalCache;
  generation: number;
}

function cacheInUse(ctx: ProviderContext): CacheInUse | undefined {
  const entries = principalCacheFor(ctx.store);
  const generation = entries?.sync();
  return entries && generation !== undefined ? { entries, generation } : undefined;
}

async function lookUpAndCheck(ctx: ProviderContext, presented: PresentedToken, cache: CacheInUse | undefined): Promise<Principal> {
  const found = await ctx.store.tokens.byDigestWithUser(presented.digest);
  if (!found?.token) throw badCredentials();
  const entry = cache ? cache.entries.put(cache.generation, presented.digest, found) : { ...found, hashedToken: undefined };
  return checkToken(ctx, presented, entry, cache);
}

type Verdict = 'bad' | 'expired' | 'touch' | 'ok';

/** Every check, on every request, whatever the look-up came from: what the token's answer is now. */
function verdictOf(
  presented: PresentedToken,
  found: { token: TokenRecord; user: UserRecord; hashedToken: Buffer | undefined },
  now: Date,
): Verdict {
  const { token, user } = found;
  if (!user || !timingSafeEqual(found.hashedToken ?? Buffer.from(token.hashedToken, 'hex'), presented.digestBytes) || token.kind !== presented.kind) {
    return 'bad';
  }
  if (token.status === 'revoked') return 'bad';
  if (token.status === 'expired' || (token.expiresAt && token.expiresAt.getTime() <= now.getTime())) return 'expired';
  if (!token.lastUsedAt || now.getTime() - token.lastUsedAt.getTime() >= LAST_USED_WRITE_INTERVAL_MS) return 'touch';
  return 'ok';
}

function checkToken(
  ctx: ProviderContext,
  presented: PresentedToken,
  found: { token: TokenRecord; user: UserRecord; hashedToken: Buffer | undefined },
  cache: CacheInUse | undefined,
): Principal | Promise<Principal> {
  const now = ctx.clock.now();
  switch (verdictOf(presented, found, now)) {
    case 'bad':
      throw badCredentials();
    case 'expired':
      throw new HttpError(401, TOKEN_EXPIRED_MESSAGE);
    case 'touch':
      return touch(ctx, presented.digest, found.token, found.user, now, cache);
    case 'ok':
      return { user: found.user, token: found.token, method: 'token', freshProof: false };
  }
}

/**
 * The principal authenticateToken would hand out at once, without side effects: only for a token
 * the principal cache holds that passes every check with nothing to write (last_used_at fresh).
 * undefined in every other case — a look-up or a write is due, or the token is bad or expired —
 * and then nothing has been done: the caller takes the regular path, which answers it. The token
 * comes as presented (auth/connection-token.ts): its kind by shape and its digest, already made.
 */
export function peekToken(ctx: ProviderContext, presented: PresentedToken): Principal | undefined {
  const cached = cacheInUse(ctx)?.entries.get(presented.digest);
  if (!cached || verdictOf(presented, cached, ctx.clock.now()) !== 'ok') return undefined;
  return { user: cached.user, token: cached.token, method: 'token', freshProof: false };
}

/** last_used_at, written at most once a minute per token. */
async function touch(ctx: ProviderContext, digest: string, token: TokenRecord, user: UserRecord, now: Date, cache: CacheInUse | undefined): Promise<Principal> {
  if (await ctx.store.tokens.touchLastUsed(token.id, now, LAST_USED_WRITE_INTERVAL_MS)) {
    if (cache) token = cache.entries.touched(digest, token, now); // shared, frozen records
    else token.lastUsedAt = now;
  }
  return { user, token, method: 'token', freshProof: false };
}
