// API request counters for rate limiting, one fixed window per key (`user:<id>`, `token:<id>`,
// `ip:<addr>`). Kept in the store so several provider processes share one count per key.

export interface RateLimitCount {
  /**
   * Requests counted in the window, this one included. One more than the limit means this request
   * was over the limit (and the count stays there: refused requests do not add up).
   */
  used: number;
  /** The window the count belongs to (the newest one any process has counted in). */
  windowStart: Date;
}

export interface RateLimitStore {
  /**
   * Atomically counts one request for `key` in the window starting at `windowStart`: a count from
   * an older window starts over at 1; a count already past `limit` stays at limit + 1.
   */
  hit(key: string, windowStart: Date, limit: number): Promise<RateLimitCount>;
  /** Takes back one counted request (an answer that does not count, e.g. 304) of that window. */
  refund(key: string, windowStart: Date): Promise<void>;
  /** The requests counted for `key` in the window starting at `windowStart` (0 when none). */
  peek(key: string, windowStart: Date): Promise<number>;
  /** Forgets every count of a window that started before `before`; returns how many. */
  prune(before: Date): Promise<number>;
}
