// A fixed-window limit on one endpoint per key (e.g. per client address), counted in the store's
// rate-limit counters (store/rate-limits.ts) under `<name>:<key>`, so every provider process on
// the store shares the count and it holds under any concurrency (each hit is one atomic
// statement). Windows are aligned on the clock (a divisor of an hour), so the sweeper's pruning
// of ended API windows also forgets these.
import { HOUR, type Clock } from '../clock';
import type { RateLimitStore } from '../store/rate-limits';

export class RateLimiter {
  constructor(
    private readonly counters: RateLimitStore,
    private readonly clock: Clock,
    /** Names the endpoint in the counter keys (letters and dashes). */
    readonly name: string,
    readonly limit: number,
    readonly windowMs: number,
  ) {
    if (!(windowMs > 0 && HOUR % windowMs === 0)) throw new Error(`rate limiter ${name}: the window must divide an hour`);
  }

  /** Counts one call; returns the seconds to wait when over the limit, 0 when allowed. */
  async hit(key: string): Promise<number> {
    const now = this.clock.now().getTime();
    const windowStart = new Date(Math.floor(now / this.windowMs) * this.windowMs);
    const counted = await this.counters.hit(`${this.name}:${key}`, windowStart, this.limit);
    if (counted.used <= this.limit) return 0;
    return Math.max(1, Math.ceil((counted.windowStart.getTime() + this.windowMs - now) / 1000));
  }
}
