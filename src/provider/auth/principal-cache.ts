// Token look-ups kept in memory between requests: what a token's SHA-256 digest found (the token
// and user records), so a busy client does not pay a database read on every call. Only the look-up
// is cached: every check (kind, revoked, expiry against the clock, last_used_at) still runs on
// every request (auth/token-auth.ts).
//  - Kept in a StoreVersionCache (store/store-version-cache.ts): tagged with the store's change
//    version (Store.changeVersion) and emptied as soon as it moves: after any write through this process (revoke, delete,
//    regenerate, narrowed scopes, password or 2FA change, policy, approval, ...) and after any
//    commit by another process sharing the data. A store that cannot tell (undefined) is read.
//  - Bounded: at most `maxEntries` digests, one not used lately out first (second chance).
//  - Records handed out are frozen: several requests share them.
import type { MaybePromise } from '../maybe-promise';
import type { Store } from '../store/store';
import { StoreVersionCache } from '../store/store-version-cache';
import type { TokenRecord } from '../store/tokens';
import type { UserRecord } from '../store/users';

const PRINCIPAL_CACHE_MAX_ENTRIES = 1024;

export interface TokenWithUser {
  readonly token: TokenRecord;
  readonly user: UserRecord;
}

export class PrincipalCache {
  private readonly cache: StoreVersionCache<TokenWithUser>;

  constructor(store: Pick<Store, 'changeVersion'>, maxEntries = PRINCIPAL_CACHE_MAX_ENTRIES) {
    this.cache = new StoreVersionCache(store, maxEntries);
  }

  /** The token and user `digest` finds: from memory (at once) while the store has not changed, else read. */
  lookUp(digest: string, read: (digest: string) => Promise<TokenWithUser | undefined>): MaybePromise<TokenWithUser | undefined> {
    const kept = this.cache.kept(digest);
    if (kept !== undefined) return kept;
    // (Copies: the records kept are frozen, not the ones the store handed out.)
    return this.cache.get(digest, async () => {
      const found = await read(digest);
      return found && { token: { ...found.token }, user: { ...found.user } };
    });
  }

  /** After this process wrote the token's last_used_at: the cached copy follows. */
  touched(digest: string, lastUsedAt: Date): void {
    this.cache.replace(digest, (entry) =>
      entry.token.lastUsedAt && entry.token.lastUsedAt >= lastUsedAt ? undefined : { token: { ...entry.token, lastUsedAt }, user: entry.user });
  }

  get size(): number {
    return this.cache.size;
  }
}
