// When a team server's store may send the database a new statement or a COMMIT: while it holds the
// database's serving lock (serving-lock.ts), and until the store starts closing. A replica whose
// lock connection ended serves without the lock until it has taken it again, and one that stops
// closes its store last: meanwhile a `tessera migrate` or `tessera reset-two-factor --db` may hold
// the lock alone, and whatever the replica wrote would land beside it (a secret sealed with the
// data key a reset forgot). So from the loss until the lock is held again, and from the start of
// the close, every statement and every COMMIT not yet sent fails busy (NotServingError: 503 with
// Retry-After) instead, and the transaction it belonged to is rolled back. A statement already sent
// when the loss is heard (the lock connection's end reaches this process after the server let the
// lock go) still runs: that window is the server's, not this process's, to close.

/** The store sends nothing now: the serving lock is not held, or the store is closing. Busy (503 with Retry-After). */
export class NotServingError extends Error {}

export class StatementGate {
  private lockLost: string | undefined;
  private lostForGood = false;
  private closing = false;
  /** Counts the losses: a transaction commits only in the period it began in (a reset may have run between). */
  private losses = 0;
  private held: Promise<void> = Promise.resolve();
  private wake: (() => void) | undefined;

  /** `waitMs`: how long a new statement waits for the lock held again before it fails busy. */
  constructor(private readonly waitMs: number) {}

  /** The serving lock's connection ended (`cause`): shut until `servingLockHeld()`. */
  servingLockLost(cause: string): void {
    this.lockLost = cause;
    this.losses++;
    if (!this.wake) this.held = new Promise<void>((resolve) => (this.wake = resolve));
  }

  /** The serving lock is held again, on a new connection. */
  servingLockHeld(): void {
    this.lockLost = undefined;
    this.release();
  }

  /** A migration or a reset took the lock meanwhile: shut for good. */
  servingLockLostForGood(): void {
    this.lostForGood = true;
    this.release();
  }

  /** The store has started closing: shut for good. */
  storeClosing(): void {
    this.closing = true;
    this.release();
  }

  /** The period a transaction begins in (see `check`). */
  get period(): number {
    return this.losses;
  }

  /**
   * Before a statement outside a transaction, or a BEGIN: while the lock is being taken again,
   * waits for it (at most waitMs: a lost connection is taken again at once); then as `check()`.
   */
  async ready(): Promise<void> {
    if (this.lockLost !== undefined && !this.lostForGood && !this.closing) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([this.held, new Promise<void>((resolve) => (timer = setTimeout(resolve, this.waitMs)))]);
      clearTimeout(timer);
    }
    this.check();
  }

  /**
   * Throws NotServingError unless a statement (or COMMIT) may be sent now; `since`: the period its
   * transaction began in, refused when the lock was lost since (even if held again).
   */
  check(since?: number): void {
    if (this.closing) throw new NotServingError('the database store is closing: nothing more is sent to the database');
    if (this.lockLost !== undefined || this.lostForGood) {
      throw new NotServingError(`the database's serving lock is not held (its connection ended: ${this.lockLost ?? 'taken by another since'}): nothing is sent to the database`);
    }
    if (since !== undefined && since !== this.losses) throw new NotServingError("the database's serving lock was lost while this transaction was open: rolled back");
  }

  private release(): void {
    this.wake?.();
    this.wake = undefined;
  }
}
