// Reads kept in memory between requests while the store has not changed (the token look-ups of
// auth/principal-cache.ts, accounts and their repository counts in read-cache.ts):
//  - Invalidation: tagged with the store's change version (Store.changeVersion) and emptied as soon
//    as it moves: after any write through this process and after any commit by another process
//    sharing the data. A store that cannot tell (undefined: its LISTEN connection is lost or has
//    not answered a recent check) is read and nothing is kept; a read begun under an older version
//    is handed out but not kept.
//  - Only reads through the store the cache was made for: a transaction's view of it (which sees
//    its own uncommitted writes) reads past the cache.
//  - Bounded: at most `maxEntries` keys; when full, the oldest key not used since it was last
//    passed over goes (second chance: a hit only marks its entry, the order is changed at the
//    eviction, so a hit costs a field write, not a Map delete and insert). Nothing is kept for a
//    read that found nothing.
//  - Values handed out are frozen (deeply, Dates aside): several requests share them.
import type { Store } from './store';

export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value) && !(value instanceof Date)) {
    for (const v of Object.values(value as object)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/** A kept value, marked when used (a hit) since the eviction scan last passed it. */
interface Slot<V> {
  readonly value: V;
  used: boolean;
}

export class StoreVersionCache<V> {
  private readonly entries = new Map<string, Slot<V>>();
  private version: number | undefined;

  constructor(
    private readonly store: Pick<Store, 'changeVersion'>,
    readonly maxEntries: number,
  ) {}

  /** The value kept for `key` while the store has not changed (marked used), else undefined: get's hit, at once. */
  kept(key: string): V | undefined {
    if (this.current() === undefined) return undefined;
    const hit = this.entries.get(key);
    if (hit === undefined) return undefined;
    hit.used = true;
    return hit.value;
  }

  /** What `read` finds for `key`: from memory while the store has not changed, else read (and kept, frozen). */
  async get(key: string, read: () => Promise<V | undefined>, through: unknown = this.store): Promise<V | undefined> {
    if (through !== this.store) return read();
    const version = this.current();
    if (version === undefined) return read();
    const hit = this.entries.get(key);
    if (hit !== undefined) {
      hit.used = true;
      return hit.value;
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
      hit.used = true;
      out.set(key, hit.value);
    }
    if (!missing.length) return out;
    for (const [key, value] of await readMissing(missing)) {
      const entry = deepFreeze(value);
      out.set(key, entry);
      this.keep(key, entry, version);
    }
    return out;
  }

  /** Keeps `entry`, read under `version`, only when nothing has been seen to change since the read began. */
  private keep(key: string, entry: V, version: number): void {
    if (this.version !== version) return;
    if (!this.entries.has(key) && this.entries.size >= this.maxEntries) this.evictOne();
    this.entries.set(key, { value: entry, used: false });
  }

  /** Drops the oldest key not used since it was last passed over; a used one passed over goes to the back, unmarked. */
  private evictOne(): void {
    for (const [key, slot] of this.entries) {
      this.entries.delete(key);
      if (!slot.used) return;
      slot.used = false;
      this.entries.set(key, slot);
    }
  }

  /** Replaces the kept entry of `key` (if any) with `update(entry)`: a write this process made that the cache follows. */
  replace(key: string, update: (entry: V) => V | undefined): void {
    const slot = this.entries.get(key);
    if (slot === undefined) return;
    const next = update(slot.value);
    if (next !== undefined) this.entries.set(key, { value: deepFreeze(next), used: slot.used });
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
