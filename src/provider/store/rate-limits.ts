// API request counters for rate limiting, one fixed window per key (`user:<id>`, `token:<id>`,
// `ip:<addr>`, and the same prefixed `graphql:` for GraphQL's bucket). Kept in the store so several provider processes share one count per key. Every
// method is one atomic statement: parallel hits (from any process) all count, and never more
// than limit + 1 is stored. Counter writes are bookkeeping, not a change any cache must see:
// they do not move Store.changeVersion (nor, with PostgreSQL, raise a change notification).

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
   * an older window starts over at 1; a count already past `limit` stays at limit + 1; a newer
   * window (another process's clock ran ahead) is kept and counted in.
   */
  hit(key: string, windowStart: Date, limit: number): Promise<RateLimitCount>;
  /** Takes back one counted request (an answer that does not count, e.g. 304) of that window; never below 0. */
  refund(key: string, windowStart: Date): Promise<void>;
  /** The requests counted for `key` in the window starting at `windowStart` or a newer one (0 when none). */
  peek(key: string, windowStart: Date): Promise<number>;
  /** Forgets every count of a window that started before `before`; returns how many. */
  prune(before: Date): Promise<number>;
}
