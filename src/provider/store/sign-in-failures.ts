// Sign-in attempts and failures, counted per account key (`user:<id>`, or `login:<digest>` for a
// login that does not exist). Kept in the store so several provider processes share one count.
//
// An attempt is reserved before its secret is checked and settled after: the failures counted in
// the window plus the reservations still open never exceed the threshold, so a burst of parallel
// guesses gets no more checks than a slow sequence of them. Both operations are atomic on their
// own (a SQLite write transaction; for a server database, one transaction that locks the key's
// failure row, e.g. an upsert then SELECT … FOR UPDATE) and keep no state in the process, so
// they hold across provider processes sharing the store.

export interface FailureState {
  key: string;
  count: number;
  windowStart: Date;
  lockedUntil: Date | null;
}

export interface AttemptLimits {
  /** Failures in the window that lock the key (the threshold-th sets lockedUntil). */
  threshold: number;
  /** A window older than this starts over. */
  windowMs: number;
  /** How long a lock lasts. */
  lockMs: number;
  /** A reservation older than this (left by a process that died mid-check) no longer counts. */
  reservationTtlMs: number;
}

export interface AttemptReservation {
  key: string;
  id: number;
}

/** How a reserved attempt ended: `success` clears the key's failures, `failure` counts one, `released` neither. */
export type AttemptOutcome = 'success' | 'failure' | 'released';

export interface SignInFailureStore {
  /** The state for `key`, if any failure was recorded. */
  get(key: string): Promise<FailureState | undefined>;
  /**
   * Atomically reserves one attempt for `key`: undefined (nothing reserved) while the key is
   * locked, or when its failures in the window plus its open reservations have reached the
   * threshold. An ended lock or window counts as no failures.
   */
  reserveAttempt(key: string, now: Date, limits: AttemptLimits): Promise<AttemptReservation | undefined>;
  /**
   * Atomically ends a reservation (also one that expired meanwhile): a failure counts one (a
   * window older than windowMs, or after a lock has ended, starts over at 1; reaching the
   * threshold sets lockedUntil = now + lockMs); a success clears the key's failures and lock.
   */
  settleAttempt(reservation: AttemptReservation, outcome: AttemptOutcome, now: Date, limits: AttemptLimits): Promise<void>;
  /** Forgets the key's failures and lock (an administrator's unlock). */
  clear(key: string): Promise<void>;
  /**
   * Forgets what no longer counts at `now` (run by the sweeper): failures whose window (`windowMs`)
   * or lock has ended, and reservations older than `reservationTtlMs`. Answers how many keys'
   * failures went. (A count no longer in force counts as none, so forgetting it changes nothing.)
   */
  prune(now: Date, limits: Pick<AttemptLimits, 'windowMs' | 'reservationTtlMs'>): Promise<number>;
}
