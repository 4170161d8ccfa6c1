import type { AttemptLimits, AttemptOutcome, AttemptReservation, FailureState, SignInFailureStore } from '../sign-in-failures';
import { PRUNE_FAILURES, toState } from '../sqlite/sign-in-failures';
import type { PgDb } from './database';

export class PgSignInFailureStore implements SignInFailureStore {
  constructor(private readonly db: PgDb) {}

  async get(key: string): Promise<FailureState | undefined> {
    const r = await this.db.row('SELECT * FROM sign_in_failures WHERE key = $1', [key]);
    return r ? toState(r) : undefined;
  }

  /**
   * Both reservation operations run in one transaction holding the key's advisory lock, so no
   * other replica counts between our count and our insert.
   */
  private locked<T>(key: string, fn: (tx: PgDb) => Promise<T>): Promise<T> {
    return this.db.transaction(async (tx) => {
      await tx.rows(`SELECT pg_advisory_xact_lock(hashtext('tessera.sign-in:' || $1))`, [key]);
      return fn(tx);
    }, { readCommitted: true });
  }

  async reserveAttempt(key: string, now: Date, limits: AttemptLimits): Promise<AttemptReservation | undefined> {
    return this.locked(key, async (tx) => {
      await tx.write('DELETE FROM sign_in_attempts WHERE key = $1 AND reserved_at <= $2', [key, new Date(now.getTime() - limits.reservationTtlMs)]);
      const r = await tx.row('SELECT * FROM sign_in_failures WHERE key = $1', [key]);
      const s = r ? toState(r) : undefined;
      if (s?.lockedUntil && s.lockedUntil.getTime() > now.getTime()) return undefined;
      const current = s && !s.lockedUntil && s.windowStart.getTime() > now.getTime() - limits.windowMs;
      const failures = current ? s.count : 0;
      const open = Number((await tx.row('SELECT COUNT(*) AS n FROM sign_in_attempts WHERE key = $1', [key]))!.n);
      if (failures + open >= limits.threshold) return undefined;
      const ins = await tx.write('INSERT INTO sign_in_attempts (key, reserved_at) VALUES ($1, $2) RETURNING id', [key, now]);
      return { key, id: Number(ins.rows[0].id) };
    });
  }

  async settleAttempt(reservation: AttemptReservation, outcome: AttemptOutcome, now: Date, limits: AttemptLimits): Promise<void> {
    await this.locked(reservation.key, async (tx) => {
      await tx.write('DELETE FROM sign_in_attempts WHERE id = $1 AND key = $2', [reservation.id, reservation.key]);
      if (outcome === 'success') await tx.write('DELETE FROM sign_in_failures WHERE key = $1', [reservation.key]);
      if (outcome === 'failure') await this.countFailure(tx, reservation.key, now, limits);
    });
  }

  /** One failure: a window that began before the cutoff, or a lock that has ended, starts over at 1. */
  private async countFailure(tx: PgDb, key: string, now: Date, limits: AttemptLimits): Promise<void> {
    const windowCutoff = new Date(now.getTime() - limits.windowMs);
    const lockUntil = new Date(now.getTime() + limits.lockMs);
    await tx.write(
      `INSERT INTO sign_in_failures AS f (key, count, window_start, locked_until)
         VALUES ($1, 1, $2, CASE WHEN 1 >= $4 THEN $5::timestamptz END)
       ON CONFLICT (key) DO UPDATE SET
         count = CASE WHEN f.window_start <= $3 OR (f.locked_until IS NOT NULL AND f.locked_until <= $2) THEN 1 ELSE f.count + 1 END,
         window_start = CASE WHEN f.window_start <= $3 OR (f.locked_until IS NOT NULL AND f.locked_until <= $2) THEN $2 ELSE f.window_start END,
         locked_until = CASE
           WHEN f.locked_until IS NOT NULL AND f.locked_until > $2 THEN f.locked_until
           WHEN (CASE WHEN f.window_start <= $3 OR (f.locked_until IS NOT NULL AND f.locked_until <= $2) THEN 1 ELSE f.count + 1 END) >= $4 THEN $5::timestamptz
           ELSE NULL END`,
      [key, now, windowCutoff, limits.threshold, lockUntil],
    );
  }

  async clear(key: string): Promise<void> {
    await this.db.write('DELETE FROM sign_in_failures WHERE key = $1', [key]);
  }

  async prune(now: Date, limits: Pick<AttemptLimits, 'windowMs' | 'reservationTtlMs'>): Promise<number> {
    return this.db.transaction(async (tx) => {
      await tx.write('DELETE FROM sign_in_attempts WHERE reserved_at <= $1', [new Date(now.getTime() - limits.reservationTtlMs)]);
      return tx.changes(PRUNE_FAILURES.replace('?', '$1').replace('?', '$2'), [new Date(now.getTime() - limits.windowMs), now]);
    }, { readCommitted: true });
  }
}
