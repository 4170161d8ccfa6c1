// Reads kept in memory between requests while the store has not changed (the token look-ups of
// auth/principal-cache.ts, accounts and their repository counts in read-cache.ts):
//  - Invalidation: tagged with the store's change version (Store.changeVersion) and emptied as soon
//    as it moves: after any write through this process and after any commit by another process
//    sharing the data. A store that cannot tell (undefined: its LISTEN connection is lost or has
//    not answered a recent check) is read and nothing is kept; a read begun under an older version
//    is handed out but not kept.
//  - Only reads through the store the cache was made for: a transaction's view of it (which sees
//    its own uncommitted writes) reads past the cache.
//  - Bounded: at most `maxEntries` keys, least recently used out first. Nothing is kept for a read
//    that found nothing.
//  - Values handed out are frozen (deeply, Dates aside): several requests share them.
import type { Store } from './store';

export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value) && !(value instanceof Date)) {
    for (const v of Object.values(value as object)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

export class StoreVersionCache<V> {
  private readonly entries = new Map<string, V>();
  private version: number | undefined;

  constructor(
    private readonly store: Pick<Store, 'changeVersion'>,
    readonly maxEntries: number,
  ) {}

  /** What `read` finds for `key`: from memory while the store has not changed, else read (and kept, frozen). */
  async get(key: string, read: () => Promise<V | undefined>, through: unknown = this.store): Promise<V | undefined> {
    if (through !== this.store) return read();
    const version = this.current();
    if (version === undefined) return read();
    const hit = this.entries.get(key);
    if (hit !== undefined) {
      this.touch(key, hit);
      return hit;
    }
    const value = await read();
    if (value === undefined) return undefined;
    const entry = deepFreeze(value);
    this.keep(key, entry, version);
    return entry;
  }

  /**
   * The values of `keys` that exist, by key: those kept from memory, the others read together by
   * `readMissing` (given the missing keys; answering the values it found, by key) and kept.
   */
  async getMany(keys: readonly string[], readMissing: (missing: string[]) => Promise<Map<string, V>>, through: unknown = this.store): Promise<Map<string, V>> {
    if (through !== this.store) return readMissing([...new Set(keys)]);
    const version = this.current();
    if (version === undefined) return readMissing([...new Set(keys)]);
    const out = new Map<string, V>();
    const missing: string[] = [];
    for (const key of new Set(keys)) {
      const hit = this.entries.get(key);
      if (hit === undefined) {
        missing.push(key);
        continue;
      }
      this.touch(key, hit);
      out.set(key, hit);
    }
    if (!missing.length) return out;
    for (const [key, value] of await readMissing(missing)) {
      const entry = deepFreeze(value);
      out.set(key, entry);
      this.keep(key, entry, version);
    }
    return out;
  }

  /** Marks `key` most recently used (the Map's last). */
  private touch(key: string, entry: V): void {
    this.entries.delete(key);
    this.entries.set(key, entry);
  }

  /** Keeps `entry`, read under `version`, only when nothing has been seen to change since the read began. */
  private keep(key: string, entry: V, version: number): void {
    if (this.version !== version) return;
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(key, entry);
  }

  /** Replaces the kept entry of `key` (if any) with `update(entry)`: a write this process made that the cache follows. */
  replace(key: string, update: (entry: V) => V | undefined): void {
    const entry = this.entries.get(key);
    if (entry === undefined) return;
    const next = update(entry);
    if (next !== undefined) this.entries.set(key, deepFreeze(next));
  }

  get size(): number {
    return this.entries.size;
  }

  /** The store's version now, emptying the cache if it moved. */
  private current(): number | undefined {
    const version = this.store.changeVersion();
    if (version !== this.version) {
      this.entries.clear();
      this.version = version;
    }
    return version;
  }
}
