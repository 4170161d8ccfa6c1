import type { DatabaseSync } from 'node:sqlite';
import type { RateLimitCount, RateLimitStore } from '../rate-limits';
import type { SqliteChangeVersion } from './change-version';
import { date, Row } from './rows';
import { isoTime } from '../../iso-time';
import { statement, oneRow } from './statements';

// One statement, so concurrent requests (even from several processes) all count, each unit is
// given out once and never more than limit + 1 is stored: below the limit up to ?4 units (never
// past the limit), at the limit one more marks it spent. A window older than the caller's starts
// over; a newer one (another process's clock ran ahead) is kept and counted in. ISO timestamps
// compare as text. (Every right-hand side reads the row as it was.)
const FRESH_USED = 'CASE WHEN ?3 >= 1 THEN MIN(?4, ?3) ELSE 1 END';
const FRESH_GRANTED = 'CASE WHEN ?3 >= 1 THEN MIN(?4, ?3) ELSE 0 END';
const HIT = `INSERT INTO rate_limits (key, window_start, used, granted) VALUES (?1, ?2, ${FRESH_USED}, ${FRESH_GRANTED})
  ON CONFLICT (key) DO UPDATE SET
    used = CASE WHEN window_start < ?2 THEN ${FRESH_USED}
      WHEN used < ?3 THEN MIN(used + ?4, ?3) WHEN used = ?3 THEN used + 1 ELSE used END,
    granted = CASE WHEN window_start < ?2 THEN ${FRESH_GRANTED} WHEN used < ?3 THEN MIN(used + ?4, ?3) - used ELSE 0 END,
    window_start = MAX(window_start, ?2)
  RETURNING used, granted, window_start`;

export class SqliteRateLimitStore implements RateLimitStore {
  constructor(
    private readonly db: DatabaseSync,
    private readonly changes: SqliteChangeVersion,
  ) {}

  async hit(key: string, windowStart: Date, limit: number, units = 1): Promise<RateLimitCount> {
    const r = oneRow(this.db, HIT, key, isoTime(windowStart), limit, Math.max(1, Math.floor(units))) as Row;
    this.written(1);
    return { used: Number(r.used), windowStart: date(r.window_start), granted: Number(r.granted) };
  }

  async refund(key: string, windowStart: Date): Promise<void> {
    const r = statement(this.db, 'UPDATE rate_limits SET used = used - 1 WHERE key = ? AND window_start = ? AND used > 0').run(key, isoTime(windowStart));
    this.written(Number(r.changes));
  }

  async peek(key: string, windowStart: Date): Promise<number> {
    const r = oneRow(this.db, 'SELECT used FROM rate_limits WHERE key = ? AND window_start >= ?', key, isoTime(windowStart)) as Row | undefined;
    return r ? Number(r.used) : 0;
  }

  async prune(before: Date): Promise<number> {
    const pruned = Number(statement(this.db, 'DELETE FROM rate_limits WHERE window_start < ?').run(isoTime(before)).changes);
    this.written(pruned);
    return pruned;
  }

  /**
   * Counters are written on nearly every API request and no cache holds them: not a change
   * (Store.changeVersion), or every request would empty the principal cache.
   */
  private written(rows: number): void {
    if (!this.db.isTransaction) this.changes.ignore(rows);
  }
}
