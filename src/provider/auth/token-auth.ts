// Method 1 (`Authorization: token|Bearer <t>`) and method 3 (Basic `<anything>:<token>`): a
// token's shape and checksum are checked before any look-up; the digest is looked up (through the
// principal cache, ./principal-cache.ts) and compared in constant time; revoked → 401 Bad
// credentials; expired → 401 "token expired"; last_used_at is written at most once a minute.
// tokenWorks answers the same question without using the token (last_used_at stays).
import { MINUTE } from '../clock';
import type { ProviderContext } from '../context';
import { MaybePromise, thenMaybe } from '../maybe-promise';
import { badCredentials, HttpError } from '../http/errors';
import { equalInConstantTime } from '../../shared/constant-time';
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

/** The token's owner and record, once every check has passed (at once on a cache hit); nothing is written. */
function checkedToken(ctx: ProviderContext, secret: string): MaybePromise<{ digest: string; found: TokenWithUser }> {
  const kind = parseToken(secret);
  if (!kind) throw badCredentials(); // wrong shape or checksum: no look-up
  const digest = tokenDigest(secret);
  return thenMaybe(ctx.principalCache.lookUp(digest, (d) => ctx.store.tokens.byDigestWithUser(d)), (found) => {
    if (!found) throw badCredentials();
    const { token } = found;
    if (!equalInConstantTime(token.hashedToken, digest) || token.kind !== kind) throw badCredentials();
    if (token.status === 'revoked') throw badCredentials();
    if (token.status === 'expired' || (token.expiresAt && token.expiresAt.getTime() <= ctx.clock.now().getTime())) {
      throw new TokenExpiredError(token.note, token.expiresAt);
    }
    return { digest, found };
  });
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

/** The token's principal; bad credentials reject with a 401. */
export async function authenticateToken(ctx: ProviderContext, secret: string): Promise<Principal> {
  return tokenPrincipal(ctx, secret);
}

/**
 * authenticateToken's answer, at once (or its 401 thrown) when the look-up is a cache hit and
 * last_used_at needs no write (authenticate.ts, on every request).
 */
export function tokenPrincipal(ctx: ProviderContext, secret: string): MaybePromise<Principal> {
  return thenMaybe(checkedToken(ctx, secret), ({ digest, found }) =>
    thenMaybe(recordTokenUse(ctx, found.token, digest), (token): Principal => ({ user: found.user, token, method: 'token', freshProof: false })),
  );
}

/**
 * The one place a token's use is recorded: a request it authenticated (any token kind, API or
 * git) writes its last_used_at, at most once a minute; the token as it is now (at once when no
 * write is due). A token only checked (tokenWorks, POST /credentials/check) is not used.
 * `digest`: the token's principal-cache key, whose copy follows.
 */
export function recordTokenUse(ctx: ProviderContext, token: TokenRecord, digest?: string): MaybePromise<TokenRecord> {
  const now = ctx.clock.now();
  if (token.lastUsedAt && now.getTime() - token.lastUsedAt.getTime() < LAST_USED_WRITE_INTERVAL_MS) return token;
  return writeLastUsed(ctx, token, now, digest);
}

async function writeLastUsed(ctx: ProviderContext, token: TokenRecord, now: Date, digest: string | undefined): Promise<TokenRecord> {
  if (!(await ctx.store.tokens.touchLastUsed(token.id, now, LAST_USED_WRITE_INTERVAL_MS))) return token;
  if (digest) ctx.principalCache.touched(digest, now);
  return { ...token, lastUsedAt: now };
}
