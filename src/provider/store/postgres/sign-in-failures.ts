import type { FailureState, SignInFailureStore } from '../sign-in-failures';
import { toState } from '../sqlite/sign-in-failures';
import type { PgDb } from './database';

export class PgSignInFailureStore implements SignInFailureStore {
  constructor(private readonly db: PgDb) {}

  async get(key: string): Promise<FailureState | undefined> {
    const r = await this.db.row('SELECT * FROM sign_in_failures WHERE key = $1', [key]);
    return r ? toState(r) : undefined;
  }

  async recordFailure(key: string, now: Date, opts: { windowMs: number; threshold: number; lockMs: number }): Promise<FailureState> {
    const windowCutoff = new Date(now.getTime() - opts.windowMs);
    const lockUntil = new Date(now.getTime() + opts.lockMs);
    // One statement (the conflicting row is locked and re-read), so concurrent failures — from
    // any replica — all count. A window that began before the cutoff, or a lock that has ended,
    // starts over at 1.
    const r = await this.db.write(
      `INSERT INTO sign_in_failures AS f (key, count, window_start, locked_until)
         VALUES ($1, 1, $2, CASE WHEN 1 >= $4 THEN $5::timestamptz END)
       ON CONFLICT (key) DO UPDATE SET
         count = CASE WHEN f.window_start <= $3 OR (f.locked_until IS NOT NULL AND f.locked_until <= $2) THEN 1 ELSE f.count + 1 END,
         window_start = CASE WHEN f.window_start <= $3 OR (f.locked_until IS NOT NULL AND f.locked_until <= $2) THEN $2 ELSE f.window_start END,
         locked_until = CASE
           WHEN f.locked_until IS NOT NULL AND f.locked_until > $2 THEN f.locked_until
           WHEN (CASE WHEN f.window_start <= $3 OR (f.locked_until IS NOT NULL AND f.locked_until <= $2) THEN 1 ELSE f.count + 1 END) >= $4 THEN $5::timestamptz
           ELSE NULL END
       RETURNING *`,
      [key, now, windowCutoff, opts.threshold, lockUntil],
    );
    return toState(r.rows[0]);
  }

  async clear(key: string): Promise<void> {
    await this.db.write('DELETE FROM sign_in_failures WHERE key = $1', [key]);
  }
}
