import type { RateLimitCount, RateLimitStore } from '../rate-limits';
import type { PgDb } from './database';

// One statement (an upsert locks the key's row), so parallel hits from every replica all count,
// each unit is given out once and never more than limit + 1 is stored. See the SQLite store for
// the rules.
const FRESH_USED = 'CASE WHEN $3::int >= 1 THEN LEAST($4::int, $3::int) ELSE 1 END';
const FRESH_GRANTED = 'CASE WHEN $3::int >= 1 THEN LEAST($4::int, $3::int) ELSE 0 END';
const HIT = `INSERT INTO rate_limits AS r (key, window_start, used, granted) VALUES ($1, $2, ${FRESH_USED}, ${FRESH_GRANTED})
  ON CONFLICT (key) DO UPDATE SET
    used = CASE WHEN r.window_start < $2 THEN ${FRESH_USED}
      WHEN r.used < $3 THEN LEAST(r.used + $4, $3) WHEN r.used = $3 THEN r.used + 1 ELSE r.used END,
    granted = CASE WHEN r.window_start < $2 THEN ${FRESH_GRANTED} WHEN r.used < $3 THEN LEAST(r.used + $4, $3) - r.used ELSE 0 END,
    window_start = GREATEST(r.window_start, $2)
  RETURNING used, granted, window_start`;

/**
 * Counter writes are bookkeeping no cache holds (Store.changeVersion): they do not count as this
 * store's writes, and the rate_limits table has no change trigger. A hit or a refund is never sent
 * again after a lost connection (it may have counted already); pruning may run twice.
 */
export class PgRateLimitStore implements RateLimitStore {
  constructor(private readonly db: PgDb) {}

  async hit(key: string, windowStart: Date, limit: number, units = 1): Promise<RateLimitCount> {
    const [r] = await this.db.bookkeeping(HIT, [key, windowStart, limit, Math.max(1, Math.floor(units))]);
    return { used: Number(r.used), windowStart: new Date(r.window_start as Date), granted: Number(r.granted) };
  }

  async refund(key: string, windowStart: Date): Promise<void> {
    await this.db.bookkeeping('UPDATE rate_limits SET used = used - 1 WHERE key = $1 AND window_start = $2 AND used > 0 RETURNING used', [key, windowStart]);
  }

  async peek(key: string, windowStart: Date): Promise<number> {
    const r = await this.db.row('SELECT used FROM rate_limits WHERE key = $1 AND window_start >= $2', [key, windowStart]);
    return r ? Number(r.used) : 0;
  }

  async prune(before: Date): Promise<number> {
    return (await this.db.rows('DELETE FROM rate_limits WHERE window_start < $1 RETURNING key', [before])).length;
  }
}
