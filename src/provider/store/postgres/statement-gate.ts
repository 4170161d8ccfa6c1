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
  private closing = false;

  /** The serving lock's connection ended (`cause`): shut until `lockHeld()` (for good, should it never be). */
  servingLockLost(cause: string): void {
    this.lockLost = cause;
  }

  /** The serving lock is held again, on a new connection. */
  servingLockHeld(): void {
    this.lockLost = undefined;
  }

  /** The store has started closing: shut for good. */
  storeClosing(): void {
    this.closing = true;
  }

  /** Throws NotServingError unless a statement (or COMMIT) may be sent now. */
  check(): void {
    if (this.closing) throw new NotServingError('the database store is closing: nothing more is sent to the database');
    if (this.lockLost !== undefined) {
      throw new NotServingError(`the database's serving lock is not held (its connection ended: ${this.lockLost}): nothing is sent to the database until it is held again`);
    }
  }
}
