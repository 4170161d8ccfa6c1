// Token look-ups kept in memory between requests: what a token's SHA-256 digest found (the token
// and user records), so a busy client does not pay a database read on every call. Only the look-up
// is cached: every check (kind, revoked, expiry against the clock, last_used_at) still runs on
// every request (auth/token-auth.ts).
//  - Invalidation: the cache is tagged with the store's change version (Store.changeVersion) and
//    emptied as soon as it moves: after any write through this process (revoke, delete,
//    regenerate, narrowed scopes, password or 2FA change, policy, approval, ...) and after any
//    commit by another process sharing the data. A store that cannot tell (undefined) is read.
//  - Bounded: at most `maxEntries` digests, least recently used out first.
//  - Records handed out are frozen: several requests share them.
import type { Store } from '../store/store';
import type { TokenRecord } from '../store/tokens';
import type { UserRecord } from '../store/users';

const PRINCIPAL_CACHE_MAX_ENTRIES = 1024;

export interface TokenWithUser {
  readonly token: TokenRecord;
  readonly user: UserRecord;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value) && !(value instanceof Date)) {
    for (const v of Object.values(value as object)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

export class PrincipalCache {
  private readonly entries = new Map<string, TokenWithUser>();
  private version: number | undefined;

  constructor(
    private readonly store: Pick<Store, 'changeVersion'>,
    readonly maxEntries = PRINCIPAL_CACHE_MAX_ENTRIES,
  ) {}

  /** The token and user `digest` finds: from memory while the store has not changed, else read. */
  async lookUp(digest: string, read: (digest: string) => Promise<TokenWithUser | undefined>): Promise<TokenWithUser | undefined> {
    const version = this.store.changeVersion();
    if (version !== this.version) {
      this.entries.clear();
      this.version = version;
    }
    if (version === undefined) return read(digest);
    const hit = this.entries.get(digest);
    if (hit) {
      this.entries.delete(digest); // most recently used last
      this.entries.set(digest, hit);
      return hit;
    }
    const found = await read(digest);
    if (!found) return undefined;
    const entry = deepFreeze({ token: { ...found.token }, user: { ...found.user } });
    // Kept only when nothing has been seen to change since the read began.
    if (this.version === version) {
      if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
      this.entries.set(digest, entry);
    }
    return entry;
  }

  /** After this process wrote the token's last_used_at: the cached copy follows. */
  touched(digest: string, lastUsedAt: Date): void {
    const entry = this.entries.get(digest);
    if (!entry || (entry.token.lastUsedAt && entry.token.lastUsedAt >= lastUsedAt)) return;
    this.entries.set(digest, { token: deepFreeze({ ...entry.token, lastUsedAt }), user: entry.user });
  }

  get size(): number {
    return this.entries.size;
  }
}
