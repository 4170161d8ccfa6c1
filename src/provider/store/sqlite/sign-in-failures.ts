import type { DatabaseSync } from 'node:sqlite';
import type { AttemptLimits, AttemptOutcome, AttemptReservation, FailureState, SignInFailureStore } from '../sign-in-failures';
import { date, dateOrNull, Row } from './rows';
import { isoTime } from '../../iso-time';
import { statement, oneRow } from './statements';
import { inTransaction } from './transaction';

/** Failures no longer in force: a window ended without a lock, or a lock that has ended. Bound as (window cutoff, now). */
export const PRUNE_FAILURES = 'DELETE FROM sign_in_failures WHERE (locked_until IS NULL AND window_start <= ?) OR locked_until <= ?';

export function toState(r: Row): FailureState {
  return { key: String(r.key), count: Number(r.count), windowStart: date(r.window_start), lockedUntil: dateOrNull(r.locked_until) };
}

export class SqliteSignInFailureStore implements SignInFailureStore {
  constructor(private readonly db: DatabaseSync) {}

  async get(key: string): Promise<FailureState | undefined> {
    const r = oneRow(this.db, 'SELECT * FROM sign_in_failures WHERE key = ?', key) as Row | undefined;
    return r ? toState(r) : undefined;
  }

  async reserveAttempt(key: string, now: Date, limits: AttemptLimits): Promise<AttemptReservation | undefined> {
    const nowIso = isoTime(now);
    // BEGIN IMMEDIATE takes the write lock first, so no other connection (or process) counts between
    // our count and our insert.
    return inTransaction(this.db, () => {
      statement(this.db, 'DELETE FROM sign_in_attempts WHERE key = ? AND reserved_at <= ?').run(key, isoTime(new Date(now.getTime() - limits.reservationTtlMs)));
      const state = oneRow(this.db, 'SELECT * FROM sign_in_failures WHERE key = ?', key) as Row | undefined;
      const s = state ? toState(state) : undefined;
      if (s?.lockedUntil && s.lockedUntil.getTime() > now.getTime()) return undefined;
      const current = s && !s.lockedUntil && s.windowStart.getTime() > now.getTime() - limits.windowMs;
      const failures = current ? s.count : 0;
      const open = Number((oneRow(this.db, 'SELECT COUNT(*) AS n FROM sign_in_attempts WHERE key = ?', key) as Row).n);
      if (failures + open >= limits.threshold) return undefined;
      const r = oneRow(this.db, 'INSERT INTO sign_in_attempts (key, reserved_at) VALUES (?, ?) RETURNING id', key, nowIso) as Row;
      return { key, id: Number(r.id) };
    });
  }

  async settleAttempt(reservation: AttemptReservation, outcome: AttemptOutcome, now: Date, limits: AttemptLimits): Promise<void> {
    inTransaction(this.db, () => {
      statement(this.db, 'DELETE FROM sign_in_attempts WHERE id = ? AND key = ?').run(reservation.id, reservation.key);
      if (outcome === 'success') statement(this.db, 'DELETE FROM sign_in_failures WHERE key = ?').run(reservation.key);
      if (outcome === 'failure') this.countFailure(reservation.key, now, limits);
    });
  }

  /** One failure: a window that began before the cutoff, or a lock that has ended, starts over at 1. */
  private countFailure(key: string, now: Date, limits: AttemptLimits): void {
    const nowIso = isoTime(now);
    const windowCutoff = isoTime(new Date(now.getTime() - limits.windowMs));
    const lockUntil = isoTime(new Date(now.getTime() + limits.lockMs));
    statement(
      this.db,
      `INSERT INTO sign_in_failures (key, count, window_start, locked_until) VALUES (?1, 1, ?2, CASE WHEN 1 >= ?4 THEN ?5 END)
         ON CONFLICT (key) DO UPDATE SET
           count = CASE WHEN window_start <= ?3 OR (locked_until IS NOT NULL AND locked_until <= ?2) THEN 1 ELSE count + 1 END,
           window_start = CASE WHEN window_start <= ?3 OR (locked_until IS NOT NULL AND locked_until <= ?2) THEN ?2 ELSE window_start END,
           locked_until = CASE
             WHEN locked_until IS NOT NULL AND locked_until > ?2 THEN locked_until
             WHEN (CASE WHEN window_start <= ?3 OR (locked_until IS NOT NULL AND locked_until <= ?2) THEN 1 ELSE count + 1 END) >= ?4 THEN ?5
             ELSE NULL END`,
    ).run(key, nowIso, windowCutoff, limits.threshold, lockUntil);
  }

  async clear(key: string): Promise<void> {
    statement(this.db, 'DELETE FROM sign_in_failures WHERE key = ?').run(key);
  }

  async prune(now: Date, limits: Pick<AttemptLimits, 'windowMs' | 'reservationTtlMs'>): Promise<number> {
    return inTransaction(this.db, () => {
      statement(this.db, 'DELETE FROM sign_in_attempts WHERE reserved_at <= ?').run(isoTime(new Date(now.getTime() - limits.reservationTtlMs)));
      const windowCutoff = isoTime(new Date(now.getTime() - limits.windowMs));
      return Number(statement(this.db, PRUNE_FAILURES).run(windowCutoff, isoTime(now)).changes);
    });
  }
}
