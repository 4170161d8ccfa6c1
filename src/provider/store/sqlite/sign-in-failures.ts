import type { DatabaseSync } from 'node:sqlite';
import type { FailureState, SignInFailureStore } from '../sign-in-failures';
import { date, dateOrNull, iso, Row } from './rows';
import { statement } from './statements';

function toState(r: Row): FailureState {
  return { key: String(r.key), count: Number(r.count), windowStart: date(r.window_start), lockedUntil: dateOrNull(r.locked_until) };
}

export class SqliteSignInFailureStore implements SignInFailureStore {
  constructor(private readonly db: DatabaseSync) {}

  async get(key: string): Promise<FailureState | undefined> {
    const r = statement(this.db, 'SELECT * FROM sign_in_failures WHERE key = ?').get(key) as Row | undefined;
    return r ? toState(r) : undefined;
  }

  async recordFailure(key: string, now: Date, opts: { windowMs: number; threshold: number; lockMs: number }): Promise<FailureState> {
    const nowIso = iso(now);
    const windowCutoff = iso(new Date(now.getTime() - opts.windowMs));
    const lockUntil = iso(new Date(now.getTime() + opts.lockMs));
    // One statement, so concurrent failures (even from several processes) all count.
    // A window that began before the cutoff, or a lock that has ended, starts over at 1.
    const r = statement(this.db,
        `INSERT INTO sign_in_failures (key, count, window_start, locked_until) VALUES (?1, 1, ?2, CASE WHEN 1 >= ?4 THEN ?5 END)
         ON CONFLICT (key) DO UPDATE SET
           count = CASE WHEN window_start <= ?3 OR (locked_until IS NOT NULL AND locked_until <= ?2) THEN 1 ELSE count + 1 END,
           window_start = CASE WHEN window_start <= ?3 OR (locked_until IS NOT NULL AND locked_until <= ?2) THEN ?2 ELSE window_start END,
           locked_until = CASE
             WHEN locked_until IS NOT NULL AND locked_until > ?2 THEN locked_until
             WHEN (CASE WHEN window_start <= ?3 OR (locked_until IS NOT NULL AND locked_until <= ?2) THEN 1 ELSE count + 1 END) >= ?4 THEN ?5
             ELSE NULL END
         RETURNING *`,
      )
      .get(key, nowIso, windowCutoff, opts.threshold, lockUntil) as Row;
    return toState(r);
  }

  async clear(key: string): Promise<void> {
    statement(this.db, 'DELETE FROM sign_in_failures WHERE key = ?').run(key);
  }
}
