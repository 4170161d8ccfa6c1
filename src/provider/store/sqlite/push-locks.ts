// The repositories' push locks of a SQLite store, this process's (SQLite has no lock a push could
// hold for minutes without holding back every writer of the file): pushes into one repository
// share it; a rename or delete takes it alone, waiting at most `waitMs` for the pushes under way
// (PushUnderWayError after that), and holds new pushes back until it has ended. Processes sharing
// one data folder do not see each other's (docs/store.md).
import { PushUnderWayError } from '../errors';

interface RepositoryPushes {
  pushes: number;
  /** Set while a rename or delete holds the lock alone: what pushes arriving meanwhile wait for. */
  exclusive: Promise<void> | undefined;
  /** Wakes the rename or delete waiting for the pushes to end. */
  drained: (() => void) | undefined;
}

export class PushLocks {
  private readonly held = new Map<number, RepositoryPushes>();

  constructor(private readonly waitMs: number) {}

  private of(id: number): RepositoryPushes {
    let r = this.held.get(id);
    if (!r) this.held.set(id, (r = { pushes: 0, exclusive: undefined, drained: undefined }));
    return r;
  }

  private forget(id: number, r: RepositoryPushes): void {
    if (!r.pushes && !r.exclusive && this.held.get(id) === r) this.held.delete(id);
  }

  /** Runs `fn` as one of the pushes into repository `id`, once no rename or delete holds it. */
  async shared<T>(id: number, fn: () => Promise<T>): Promise<T> {
    let r = this.of(id);
    while (r.exclusive) {
      await r.exclusive;
      r = this.of(id);
    }
    r.pushes++;
    try {
      return await fn();
    } finally {
      r.pushes--;
      if (!r.pushes) r.drained?.();
      this.forget(id, r);
    }
  }

  /** Runs `fn` alone on repository `id` once its pushes (and any other holder alone) have ended. */
  async exclusive<T>(id: number, fn: () => Promise<T>): Promise<T> {
    let r = this.of(id);
    while (r.exclusive) {
      await r.exclusive;
      r = this.of(id);
    }
    let done!: () => void;
    r.exclusive = new Promise<void>((resolve) => (done = resolve));
    try {
      if (r.pushes) {
        const drained = new Promise<boolean>((resolve) => {
          const timer = setTimeout(() => resolve(false), this.waitMs);
          r.drained = () => {
            clearTimeout(timer);
            resolve(true);
          };
        });
        const ended = await drained;
        r.drained = undefined;
        if (!ended) throw new PushUnderWayError(id);
      }
      return await fn();
    } finally {
      r.exclusive = undefined;
      done();
      this.forget(id, r);
    }
  }
}
