// The change streams of one running provider (routes/events.ts): who is listening, and when to tell
// them. While any stream is open, a timer looks every `tickMs` at
//  - the store's change version (Store.changeVersion: any committed write, by this process, another
//    process on the same SQLite file, or another replica through PostgreSQL's NOTIFY), and
//  - per listening user, the latest last use of their tokens (TokenStore.latestUse: usage is
//    bookkeeping the change version leaves out on purpose),
// and sends `changed` to the streams concerned. When the version moved, or while the store cannot
// tell (the version is undefined: a replica whose listening connection is lost, for one), each
// stream's own token is read again: a deleted, revoked, expired or regenerated token (its secret
// replaced), or one that may no longer open a stream (narrowed scopes), ends its stream. At most `maxPerUser` streams
// per user. No timer runs while nobody listens.
import type { Clock } from '../clock';
import { HttpError } from '../http/errors';
import type { Store } from '../store/store';
import type { TokenRecord } from '../store/tokens';

interface ChangeFeedOptions {
  tickMs: number;
  heartbeatMs: number;
  maxPerUser: number;
}

export const DEFAULT_CHANGE_FEED_OPTIONS: Readonly<ChangeFeedOptions> = { tickMs: 500, heartbeatMs: 15_000, maxPerUser: 16 };

/** One open stream, as the route gives it to the feed. */
export interface ChangeListener {
  readonly userId: number;
  readonly tokenId: number;
  /** The digest of the secret the stream was opened with: a regeneration (a new secret) ends the stream. */
  readonly tokenDigest: string;
  /** Whether the token as it is now may still hold the stream (e.g. its scopes were narrowed); read again when the store changes. */
  admits(token: TokenRecord): boolean;
  /** When the stream's token expires (ms since the epoch; undefined = never). */
  expiresAt: number | undefined;
  changed(): void;
  heartbeat(): void;
  /** The feed ends the stream (its token stopped working, or the provider is closing). */
  end(): void;
}

export class ChangeFeed {
  private readonly listeners = new Set<ChangeListener>();
  private readonly lastUse = new Map<number, number>();
  private readonly opts: ChangeFeedOptions;
  private timer: NodeJS.Timeout | undefined;
  private version: number | undefined;
  private lastHeartbeat = 0;
  private ticking = false;
  private closed = false;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly log: (message: string) => void,
    opts: Partial<ChangeFeedOptions> = {},
  ) {
    this.opts = { ...DEFAULT_CHANGE_FEED_OPTIONS, ...opts };
  }

  /** Refuses (429) a stream beyond the user's cap; the caller then calls add(). */
  checkCapacity(userId: number): void {
    if (this.closed) throw new HttpError(503, 'The provider is shutting down');
    let open = 0;
    for (const l of this.listeners) if (l.userId === userId) open++;
    if (open >= this.opts.maxPerUser) {
      throw new HttpError(429, `Too many open change streams for this user (at most ${this.opts.maxPerUser}); close one first`);
    }
  }

  /**
   * Starts telling `listener`; resolves with what stops it (idempotent). The cap is checked and the
   * stream counted before anything is awaited, so parallel openings cannot pass it together.
   */
  async add(listener: ChangeListener): Promise<() => void> {
    this.checkCapacity(listener.userId);
    this.listeners.add(listener);
    const stop = () => this.remove(listener);
    if (!this.timer) {
      this.version = this.store.changeVersion();
      this.lastHeartbeat = this.clockMs();
      this.timer = setInterval(() => void this.tick(), this.opts.tickMs);
      this.timer.unref();
    }
    try {
      if (!this.lastUse.has(listener.userId)) {
        const latest = await this.latestUse(listener.userId);
        if (this.listeners.has(listener) && !this.lastUse.has(listener.userId)) this.lastUse.set(listener.userId, latest);
      }
    } catch (err) {
      stop();
      throw err;
    }
    return stop;
  }

  get size(): number {
    return this.listeners.size;
  }

  private remove(listener: ChangeListener): void {
    if (!this.listeners.delete(listener)) return;
    if (![...this.listeners].some((l) => l.userId === listener.userId)) this.lastUse.delete(listener.userId);
    if (!this.listeners.size && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  // Wall time, not the provider's clock (which tests move): heartbeats are about the connection.
  private clockMs(): number {
    return Date.now();
  }

  private async latestUse(userId: number): Promise<number> {
    return (await this.store.tokens.latestUse(userId))?.getTime() ?? 0;
  }

  private async tick(): Promise<void> {
    if (this.ticking) return; // a slow database: the next tick looks again
    this.ticking = true;
    try {
      const version = this.store.changeVersion();
      const moved = version !== undefined && version !== this.version;
      if (version !== undefined) this.version = version;
      const notify = new Set<number>();
      for (const userId of [...this.lastUse.keys()]) {
        const latest = await this.latestUse(userId);
        if (latest !== this.lastUse.get(userId) && this.lastUse.has(userId)) {
          this.lastUse.set(userId, latest);
          notify.add(userId);
        }
      }
      // Undefined: the store cannot tell whether anything changed (PostgreSQL: not listening, or
      // its listening connection unconfirmed), so the tokens are read again on every tick until it can.
      if (moved || version === undefined) await this.dropDeadTokens();
      const now = this.clock.now().getTime();
      for (const l of [...this.listeners]) {
        if (l.expiresAt !== undefined && l.expiresAt <= now) this.end(l);
        else if (moved || notify.has(l.userId)) l.changed();
      }
      if (this.clockMs() - this.lastHeartbeat >= this.opts.heartbeatMs) {
        this.lastHeartbeat = this.clockMs();
        for (const l of this.listeners) l.heartbeat();
      }
    } catch (err) {
      this.log(`change streams: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      this.ticking = false;
    }
  }

  /** Ends the streams whose token is gone, revoked, expired, regenerated or no longer admitted. */
  private async dropDeadTokens(): Promise<void> {
    const ids = [...new Set([...this.listeners].map((l) => l.tokenId))];
    const live = new Map((await this.store.tokens.byIds(ids)).map((t) => [t.id, t]));
    const now = this.clock.now().getTime();
    for (const l of [...this.listeners]) {
      const t = live.get(l.tokenId);
      const works =
        !!t &&
        t.status !== 'revoked' &&
        t.status !== 'expired' &&
        t.status !== 'denied' &&
        (!t.expiresAt || t.expiresAt.getTime() > now) &&
        t.hashedToken === l.tokenDigest &&
        l.admits(t);
      if (!works) this.end(l);
      else l.expiresAt = t.expiresAt?.getTime();
    }
  }

  private end(l: ChangeListener): void {
    this.remove(l);
    l.end();
  }

  /** Ends every stream (the provider is closing). */
  close(): void {
    this.closed = true;
    for (const l of [...this.listeners]) this.end(l);
  }
}
