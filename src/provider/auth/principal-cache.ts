// Token look-ups kept in memory between requests: the token and user records a token's SHA-256
// digest found, so a busy client does not pay a database read (plus record building) on every
// call. Only the look-up is cached — the checks (digest comparison, kind, revoked, expiry against
// the clock, last_used_at) still run on every request (auth/token-auth.ts).
//
// Invalidation is all-or-nothing and conservative: the cache is tagged with the store's change
// generation (store/change-generation.ts) and emptied as soon as it moves, i.e. after ANY write
// through this process's connection (revoke, delete, regenerate, password or 2FA change, policy,
// approval, ... — whatever the table, whoever wrote it) and after any commit by another provider
// process sharing the database. Stores without that capability are never cached. Bounded: at most
// MAX_ENTRIES digests (oldest first out). Records handed out are frozen, since several requests
// share them.
import type { ChangeGeneration } from '../store/change-generation';
import { hasChangeGeneration } from '../store/change-generation';
import type { Store } from '../store/store';
import type { TokenRecord } from '../store/tokens';
import type { UserRecord } from '../store/users';

export const PRINCIPAL_CACHE_MAX_ENTRIES = 1024;

export interface CachedTokenUser {
  readonly token: TokenRecord;
  readonly user: UserRecord;
  /** The stored digest as bytes (for the constant-time comparison). */
  readonly hashedToken: Buffer;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value) && !(value instanceof Date)) {
    for (const v of Object.values(value as object)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

export class PrincipalCache {
  private readonly entries = new Map<string, CachedTokenUser>();
  private generation: number | undefined;

  constructor(
    private readonly source: ChangeGeneration,
    readonly maxEntries = PRINCIPAL_CACHE_MAX_ENTRIES,
  ) {}

  /**
   * The store's generation now, emptying the cache when it moved. undefined = the store cannot
   * tell: use neither get() nor put() for this request.
   */
  sync(): number | undefined {
    const g = this.source.changeGeneration();
    if (g !== this.generation) {
      this.entries.clear();
      this.generation = g;
    }
    return g;
  }

  get(digest: string): CachedTokenUser | undefined {
    return this.entries.get(digest);
  }

  /**
   * Remembers what a look-up made at `generation` found (frozen copies). Ignored when the
   * generation has moved since — what was read may already be stale.
   */
  put(generation: number, digest: string, found: { token: TokenRecord; user: UserRecord }): CachedTokenUser {
    const entry: CachedTokenUser = {
      token: deepFreeze({ ...found.token }),
      user: deepFreeze({ ...found.user }),
      hashedToken: Buffer.from(found.token.hashedToken, 'hex'),
    };
    if (generation === this.generation) {
      if (this.entries.size >= this.maxEntries && !this.entries.has(digest)) {
        this.entries.delete(this.entries.keys().next().value as string);
      }
      this.entries.set(digest, entry);
    }
    return entry;
  }

  /**
   * After this process wrote the token's last_used_at: the cached copy follows, if the token is
   * still cached — also when another look-up of the same token replaced the entry meanwhile (two
   * requests that missed the cache together), or the cached copy would stay due for ever and every
   * later request would try to write last_used_at again. Only last_used_at is taken over: the rest
   * of the entry is at least as new as `token`.
   */
  touched(digest: string, token: TokenRecord, lastUsedAt: Date): TokenRecord {
    const next = deepFreeze({ ...token, lastUsedAt });
    const entry = this.entries.get(digest);
    if (entry && entry.token.id === token.id && !(entry.token.lastUsedAt && entry.token.lastUsedAt >= lastUsedAt)) {
      this.entries.set(digest, { ...entry, token: entry.token === token ? next : deepFreeze({ ...entry.token, lastUsedAt }) });
    }
    return next;
  }

  get size(): number {
    return this.entries.size;
  }
}

// One cache per store (so several providers in one process stay apart); null = no capability.
const caches = new WeakMap<Store, PrincipalCache | null>();

export function principalCacheFor(store: Store): PrincipalCache | undefined {
  let cache = caches.get(store);
  if (cache === undefined) {
    cache = hasChangeGeneration(store.tokens) ? new PrincipalCache(store.tokens) : null;
    caches.set(store, cache);
  }
  return cache ?? undefined;
}
