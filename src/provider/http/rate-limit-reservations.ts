// The API rate limit's counts (http/api-rate-limit.ts), taken from the store a block at a time.
// Counting every request with its own write to the store would make a database write of every
// read. Instead, while a key's window has plenty left, this process reserves a block of
// counts in one atomic store hit (store/rate-limits.ts `units`) and hands them out to that key's
// next requests; a request that finds none left reserves the next block. Near the limit the
// block shrinks to a single count, so the last requests of a window are counted one by one, as
// without blocks.
//
// The limit holds under any concurrency and across processes: a count is given out once, by the
// store, and only within the limit. What a block costs: the counts another process reserved and
// has not used yet show as used there (X-RateLimit-Used at one replica can run ahead of the
// requests made by up to a block per other replica), and a process that stops forfeits its
// unused counts for the rest of the window. A single process reports exact counts.
import type { RateLimitStore } from '../store/rate-limits';

/**
 * At most this many counts are reserved at once: a busy caller's requests cost one store write per
 * this many (BLOCK_SHARE keeps blocks small under a low limit: at GitHub's 5000 an hour, at most 78).
 */
const MAX_BLOCK = 256;
/** A block is at most this fraction of what is left of the limit (so the last requests count one by one). */
const BLOCK_SHARE = 64;
/** Keys with counts kept in memory; beyond this the oldest key's unused counts are forfeited. */
const MAX_KEYS = 10_000;

/** A request's count: `used` within the limit when allowed, limit + 1 (or more) when not. */
export interface TakenCount {
  used: number;
  windowStart: Date;
}

interface Pool {
  windowStartMs: number;
  /** Counts reserved and not given out, as ranges [first, last], lowest first. */
  free: [number, number][];
  /** The store's count after this process's latest reservation. */
  storeUsed: number;
  /** A reservation of a block under way: requests that find no free count wait for it. */
  pending?: Promise<unknown>;
}

export class RateLimitReservations {
  private readonly pools = new Map<string, Pool>();

  constructor(private readonly store: RateLimitStore) {}

  /**
   * Counts one request for `key` in the window starting at `windowStart`: at once (no promise)
   * from a block this process holds, else once the store has given a count.
   */
  take(key: string, windowStart: Date, limit: number): TakenCount | Promise<TakenCount> {
    const pool = this.poolOf(key, windowStart);
    const used = pool && takeFree(pool);
    if (used !== undefined) return { used, windowStart };
    if (pool?.pending) return pool.pending.catch(() => undefined).then(() => this.take(key, windowStart, limit));
    return this.reserve(key, windowStart, limit, pool);
  }

  /** Gives back the count a request took (its answer does not count, e.g. a 304). */
  async giveBack(key: string, windowStart: Date, used: number): Promise<void> {
    const pool = this.poolOf(key, windowStart);
    if (!pool) {
      await this.store.refund(key, windowStart);
      return;
    }
    pool.free.unshift([used, used]);
  }

  /** The count of `key` in the window without counting: the store's, less what this process holds unused. */
  async peek(key: string, windowStart: Date): Promise<number> {
    const stored = await this.store.peek(key, windowStart);
    const pool = this.poolOf(key, windowStart);
    return pool ? Math.max(0, stored - freeCount(pool)) : stored;
  }

  /** Forgets the blocks of windows that started before `before` (their counts have ended). */
  forgetBefore(before: Date): void {
    for (const [key, pool] of this.pools) if (pool.windowStartMs < before.getTime()) this.pools.delete(key);
  }

  private poolOf(key: string, windowStart: Date): Pool | undefined {
    const pool = this.pools.get(key);
    return pool && pool.windowStartMs === windowStart.getTime() ? pool : undefined;
  }

  private async reserve(key: string, windowStart: Date, limit: number, known: Pool | undefined): Promise<TakenCount> {
    // The first request of a window (in this process) reserves one: nothing is known of the count yet.
    const units = known ? Math.max(1, Math.min(MAX_BLOCK, Math.floor((limit - known.storeUsed) / BLOCK_SHARE))) : 1;
    const pool = known ?? this.newPool(key, windowStart);
    const hit = this.store.hit(key, windowStart, limit, units);
    // A single count has nothing to share: others need not wait for it.
    if (units > 1) pool.pending = hit;
    try {
      const counted = await hit;
      if (counted.granted === 0) return { used: counted.used, windowStart: counted.windowStart };
      const first = counted.used - counted.granted + 1;
      // A newer window than the caller's (another process's clock ran ahead) is not pooled.
      if (counted.windowStart.getTime() === pool.windowStartMs && this.pools.get(key) === pool) {
        pool.storeUsed = Math.max(pool.storeUsed, counted.used);
        if (counted.granted > 1) insertRange(pool.free, [first + 1, counted.used]);
      }
      return { used: first, windowStart: counted.windowStart };
    } finally {
      if (pool.pending === hit) pool.pending = undefined;
    }
  }

  private newPool(key: string, windowStart: Date): Pool {
    this.pools.delete(key);
    if (this.pools.size >= MAX_KEYS) this.pools.delete(this.pools.keys().next().value as string);
    const pool: Pool = { windowStartMs: windowStart.getTime(), free: [], storeUsed: 0 };
    this.pools.set(key, pool);
    return pool;
  }
}

function takeFree(pool: Pool): number | undefined {
  const range = pool.free[0];
  if (!range) return undefined;
  const used = range[0];
  if (range[0] === range[1]) pool.free.shift();
  else range[0]++;
  return used;
}

function freeCount(pool: Pool): number {
  return pool.free.reduce((n, [first, last]) => n + last - first + 1, 0);
}

function insertRange(free: [number, number][], range: [number, number]): void {
  const at = free.findIndex(([first]) => first > range[0]);
  if (at < 0) free.push(range);
  else free.splice(at, 0, range);
}
