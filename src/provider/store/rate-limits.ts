// API request counters for rate limiting, one fixed window per key (`user:<id>`, `token:<id>`,
// `ip:<addr>`, and the same prefixed `graphql:` for GraphQL's bucket). Kept in the store so several provider processes share one count per key. Every
// method is one atomic statement: parallel hits (from any process) all count, each unit is given
// out once, and never more than limit + 1 is stored. Counter writes are bookkeeping, not a change any cache must see:
// they do not move Store.changeVersion (nor, with PostgreSQL, raise a change notification).

export interface RateLimitCount {
  /**
   * Requests counted in the window, this one included. One more than the limit means this request
   * was over the limit (and the count stays there: refused requests do not add up).
   */
  used: number;
  /** The window the count belongs to (the newest one any process has counted in). */
  windowStart: Date;
  /**
   * How many of the units asked for were given out within the limit: they are the counts
   * `used - granted + 1` ... `used`. 0: over the limit.
   */
  granted: number;
}

export interface RateLimitStore {
  /**
   * Atomically counts `units` requests (default 1) for `key` in the window starting at
   * `windowStart`, as many of them as the limit leaves (a block reserved at once, see
   * http/rate-limit-reservations.ts): a count from an older window starts over; a count at the
   * limit goes to limit + 1 and stays there (nothing granted); a newer window (another process's
   * clock ran ahead) is kept and counted in.
   */
  hit(key: string, windowStart: Date, limit: number, units?: number): Promise<RateLimitCount>;
  /** Takes back one counted request (an answer that does not count, e.g. 304) of that window; never below 0. */
  refund(key: string, windowStart: Date): Promise<void>;
  /** The requests counted for `key` in the window starting at `windowStart` or a newer one (0 when none). */
  peek(key: string, windowStart: Date): Promise<number>;
  /** Forgets every count of a window that started before `before`; returns how many. */
  prune(before: Date): Promise<number>;
}
