import type { DatabaseSync, StatementSync } from 'node:sqlite';
import type { RateLimitCount, RateLimitStore } from '../rate-limits';
import type { SqliteChangeVersion } from './change-version';

export class SqliteRateLimitStore implements RateLimitStore {
  private readonly hitStmt: StatementSync;
  private readonly refundStmt: StatementSync;
  private readonly peekStmt: StatementSync;

  constructor(
    private readonly db: DatabaseSync,
    private readonly changes: SqliteChangeVersion,
  ) {
    // One statement, so concurrent requests (even from several processes) all count and never
    // more than limit + 1 is stored. A window older than the caller's starts over; a newer one
    // (another process's clock ran ahead) is kept and counted in.
    this.hitStmt = db.prepare(
      `INSERT INTO rate_limits (key, window_start, used) VALUES (?1, ?2, 1)
       ON CONFLICT (key) DO UPDATE SET
         used = CASE WHEN window_start >= ?2 THEN used + (used <= ?3) ELSE 1 END,
         window_start = MAX(window_start, ?2)
       RETURNING used, window_start`,
    );
    this.refundStmt = db.prepare('UPDATE rate_limits SET used = used - 1 WHERE key = ? AND window_start = ? AND used > 0');
    this.peekStmt = db.prepare('SELECT used FROM rate_limits WHERE key = ? AND window_start >= ?');
  }

  async hit(key: string, windowStart: Date, limit: number): Promise<RateLimitCount> {
    const r = this.hitStmt.get(key, windowStart.getTime(), limit) as { used: number; window_start: number };
    this.written(1);
    return { used: Number(r.used), windowStart: new Date(Number(r.window_start)) };
  }

  async refund(key: string, windowStart: Date): Promise<void> {
    this.written(Number(this.refundStmt.run(key, windowStart.getTime()).changes));
  }

  async peek(key: string, windowStart: Date): Promise<number> {
    const r = this.peekStmt.get(key, windowStart.getTime()) as { used: number } | undefined;
    return r ? Number(r.used) : 0;
  }

  async prune(before: Date): Promise<number> {
    const pruned = Number(this.db.prepare('DELETE FROM rate_limits WHERE window_start < ?').run(before.getTime()).changes);
    this.written(pruned);
    return pruned;
  }

  /**
   * Counters are written on nearly every API request and no cache holds them: not a change
   * (Store.changeVersion), or every count would drop every cached principal.
   */
  private written(rows: number): void {
    if (!this.db.isTransaction) this.changes.ignore(rows);
  }
}
