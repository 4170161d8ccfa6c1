import type { RateLimitCount, RateLimitStore } from '../rate-limits';
import type { PgDb } from './database';

// One statement (an upsert locks the key's row), so parallel hits from every replica all count
// and never more than limit + 1 is stored. See the SQLite store for the window rules.
const HIT = `INSERT INTO rate_limits AS r (key, window_start, used) VALUES ($1, $2, 1)
  ON CONFLICT (key) DO UPDATE SET
    used = CASE WHEN r.window_start >= $2 THEN r.used + (CASE WHEN r.used <= $3 THEN 1 ELSE 0 END) ELSE 1 END,
    window_start = GREATEST(r.window_start, $2)
  RETURNING used, window_start`;

/**
 * Counter writes are bookkeeping no cache holds (Store.changeVersion): they run as reads, so they
 * do not count as this store's writes, and the rate_limits table has no change trigger.
 */
export class PgRateLimitStore implements RateLimitStore {
  constructor(private readonly db: PgDb) {}

  async hit(key: string, windowStart: Date, limit: number): Promise<RateLimitCount> {
    const [r] = await this.db.rows(HIT, [key, windowStart, limit]);
    return { used: Number(r.used), windowStart: new Date(r.window_start as Date) };
  }

  async refund(key: string, windowStart: Date): Promise<void> {
    await this.db.rows('UPDATE rate_limits SET used = used - 1 WHERE key = $1 AND window_start = $2 AND used > 0 RETURNING used', [key, windowStart]);
  }

  async peek(key: string, windowStart: Date): Promise<number> {
    const r = await this.db.row('SELECT used FROM rate_limits WHERE key = $1 AND window_start >= $2', [key, windowStart]);
    return r ? Number(r.used) : 0;
  }

  async prune(before: Date): Promise<number> {
    return (await this.db.rows('DELETE FROM rate_limits WHERE window_start < $1 RETURNING key', [before])).length;
  }
}
