// One SQLite connection serves every request of the process, and node:sqlite runs each statement
// synchronously. A transaction that awaits between its statements (Store.transaction) would let
// statements of other requests run inside it — committed or rolled back with it, and seeing its
// uncommitted rows. The gate prevents that: one transaction at a time (an async mutex, first come
// first served), and while one is open every call on the store from outside it waits until it
// has ended. Calls made with the store from inside the transaction's own async flow are a bug
// (they would wait for themselves): they fail at once, naming the transaction's store to use.
import { AsyncLocalStorage } from 'node:async_hooks';

type Waiter = { transaction: false; run: () => void } | { transaction: true; take: () => void };

export class WriteGate {
  /** The release function of the open transaction (undefined: none open). */
  private holder: (() => void) | undefined;
  /** First come, first served: calls queued before a transaction run before it, later ones after it. */
  private readonly queue: Waiter[] = [];
  private readonly flow = new AsyncLocalStorage<() => void>();

  /** Takes the gate (after the transactions and calls queued before); resolves to its release. */
  acquire(): Promise<() => void> {
    this.assertNotInside();
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      this.holder = undefined;
      this.drain();
    };
    if (!this.holder) {
      this.holder = release;
      return Promise.resolve(release);
    }
    return new Promise((resolve) =>
      this.queue.push({
        transaction: true,
        take: () => {
          this.holder = release;
          resolve(release);
        },
      }),
    );
  }

  /** Runs `fn` as the async flow of the transaction `release` belongs to (so calls on the outer store from it are caught). */
  runInside<T>(release: () => void, fn: () => Promise<T>): Promise<T> {
    return this.flow.run(release, fn);
  }

  /**
   * Runs `call` now when no transaction is open, else once the transactions ahead of it have
   * ended. A store method runs its statements synchronously when called, so nothing of another
   * transaction can come between them.
   */
  call<T>(call: () => Promise<T>): Promise<T> {
    if (!this.holder) return call();
    this.assertNotInside();
    return new Promise<T>((resolve, reject) => {
      this.queue.push({
        transaction: false,
        run: () => {
          try {
            call().then(resolve, reject);
          } catch (err) {
            reject(err);
          }
        },
      });
    });
  }

  private drain(): void {
    while (!this.holder && this.queue.length) {
      const next = this.queue.shift()!;
      if (next.transaction) {
        next.take();
      } else {
        next.run();
      }
    }
  }

  private assertNotInside(): void {
    if (this.holder && this.flow.getStore() === this.holder) {
      throw new Error("the store was used inside its own transaction: use the transaction's store (the `tx` argument)");
    }
  }
}

/**
 * `target` with every async method waiting for the gate to be open before it runs. Synchronous
 * methods run on `target` as they are. When no transaction is open the call goes straight to `target`.
 * `ran`, when given, is told once a call's statements have run (its synchronous part) and again
 * when it settles.
 */
export function gated<T extends object>(target: T, gate: WriteGate, ran?: () => void): T {
  const out = Object.create(target) as Record<string, unknown>;
  for (const name of methodNames(target)) {
    const method = (target as Record<string, unknown>)[name] as (...args: unknown[]) => unknown;
    if (method.constructor.name !== 'AsyncFunction') out[name] = method.bind(target);
    else if (!ran) out[name] = (...args: unknown[]) => gate.call(() => method.apply(target, args) as Promise<unknown>);
    else {
      out[name] = (...args: unknown[]) =>
        gate.call(() => {
          const result = method.apply(target, args) as Promise<unknown>;
          ran();
          result.then(ran, ran);
          return result;
        });
    }
  }
  return out as T;
}

/** `target` with every async method refusing to run once `isLive()` is false (a finished transaction's store). */
export function scoped<T extends object>(target: T, isLive: () => boolean): T {
  const out = Object.create(target) as Record<string, unknown>;
  for (const name of methodNames(target)) {
    const method = (target as Record<string, unknown>)[name] as (...args: unknown[]) => unknown;
    if (method.constructor.name !== 'AsyncFunction') {
      out[name] = method.bind(target);
      continue;
    }
    out[name] = (...args: unknown[]) => {
      if (!isLive()) return Promise.reject(new Error('the transaction has ended: its store can no longer be used'));
      return method.apply(target, args);
    };
  }
  return out as T;
}

function methodNames(target: object): string[] {
  const names = new Set<string>();
  for (let p = Object.getPrototypeOf(target) as object | null; p && p !== Object.prototype; p = Object.getPrototypeOf(p) as object | null) {
    for (const name of Object.getOwnPropertyNames(p)) {
      if (name !== 'constructor' && typeof (target as Record<string, unknown>)[name] === 'function') names.add(name);
    }
  }
  return [...names];
}
