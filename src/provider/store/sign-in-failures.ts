// Failed sign-in attempts, counted per key (an account, `user:<id>` or `login:<name>`, and a
// client address, `ip:<addr>`). Kept in the store so several provider processes share lockouts.

export interface FailureState {
  key: string;
  count: number;
  windowStart: Date;
  lockedUntil: Date | null;
}

export interface SignInFailureStore {
  /** The state for `key`, if any failure was recorded. */
  get(key: string): Promise<FailureState | undefined>;
  /**
   * Atomically counts one failure for `key`: a window older than `windowMs` starts over at 1;
   * reaching `threshold` sets lockedUntil = now + lockMs. Returns the new state.
   */
  recordFailure(key: string, now: Date, opts: { windowMs: number; threshold: number; lockMs: number }): Promise<FailureState>;
  clear(key: string): Promise<void>;
}
