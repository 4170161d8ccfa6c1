// The repositories' push locks of a SQLite store, across every process sharing its data folder
// (SQLite has no lock a push could hold for minutes without holding back every writer of the
// file): lock files in `push-locks/` of the data folder (0700; each file 0600, made whole and
// recording its holder, ../../lock-holder.ts). Pushes into one repository share its lock; a rename
// or delete takes it alone, waiting at most `waitMs` for the pushes under way (PushUnderWayError
// after that), and holds new pushes back until it has ended.
//
// Each taker makes a file of its own, `ID.push.NONCE` or `ID.move.NONCE` (a rename or delete moves
// the bare repository), then looks for the other kind: a push that finds a move's file removes its
// own and waits for it to end, then tries again; a move waits for the pushes' files to be gone.
// Since each looks only after its own file is in place, of a push and a move taking the lock at
// once at least one sees the other, and only the push steps back: never both run, never both wait
// for each other. Moves do not exclude one another here: what they do runs in a write transaction.
// A file whose holder no longer runs (killed: a crash, `kill -9`) is removed by whoever finds it,
// at once when that is provable (Linux, same host), else once it is STALE_MS old: its holder
// touches it every HEARTBEAT_MS while it holds it.
import * as crypto from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { createWhole, holderState, isAbandoned, parseHolder, readText, thisHolder } from '../../lock-holder';
import { ensurePrivateDirSync } from '../../secrets/private-files';
import { PushUnderWayError } from '../errors';

/** A lock file whose holder cannot be checked from here is taken for abandoned once it is this old. */
const STALE_MS = 30_000;
/** How often a holder touches its lock file (well within STALE_MS). */
const HEARTBEAT_MS = 10_000;

type Kind = 'push' | 'move';

const pause = () => new Promise((resolve) => setTimeout(resolve, 25 + crypto.randomInt(50)));

export class PushLocks {
  /** `dir`: the folder of the lock files (made when first needed). */
  constructor(
    private readonly dir: string,
    private readonly waitMs: number,
  ) {}

  /** Runs `fn` as one of the pushes into repository `id`, once no rename or delete holds it. */
  async shared<T>(id: number, fn: () => Promise<T>): Promise<T> {
    for (;;) {
      const release = await this.take(id, 'push');
      if (!(await this.anyHeld(id, 'move'))) return this.holding(release, fn);
      await release();
      while (await this.anyHeld(id, 'move')) await pause();
    }
  }

  /** Runs `fn` alone on repository `id` once its pushes have ended. */
  async exclusive<T>(id: number, fn: () => Promise<T>): Promise<T> {
    const deadline = Date.now() + this.waitMs;
    const release = await this.take(id, 'move');
    return this.holding(release, async () => {
      while (await this.anyHeld(id, 'push')) {
        if (Date.now() >= deadline) throw new PushUnderWayError(id);
        await pause();
      }
      return fn();
    });
  }

  private async holding<T>(release: () => Promise<void>, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } finally {
      await release();
    }
  }

  /** Makes this taker's lock file; resolves to what removes it. */
  private async take(id: number, kind: Kind): Promise<() => Promise<void>> {
    const me = thisHolder();
    const file = path.join(this.dir, `${id}.${kind}.${me.nonce}`);
    const text = JSON.stringify(me);
    try {
      await createWhole(file, text);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      ensurePrivateDirSync(this.dir);
      await createWhole(file, text);
    }
    const heartbeat = setInterval(() => {
      const now = new Date();
      fsp.utimes(file, now, now).catch(() => undefined);
    }, HEARTBEAT_MS);
    heartbeat.unref();
    return async () => {
      clearInterval(heartbeat);
      await fsp.rm(file, { force: true });
    };
  }

  /** Whether a live taker holds a lock file of `kind` on repository `id`; abandoned ones found are removed. */
  private async anyHeld(id: number, kind: Kind): Promise<boolean> {
    const pattern = new RegExp(`^${id}\\.${kind}\\.[0-9a-f]{16}$`);
    let names: string[];
    try {
      names = (await fsp.readdir(this.dir)).filter((n) => pattern.test(n));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw err;
    }
    let held = false;
    for (const name of names) {
      const file = path.join(this.dir, name);
      const [text, stat] = await Promise.all([readText(file), fsp.stat(file).catch(() => undefined)]);
      if (text === undefined || !stat) continue; // released meanwhile
      // Each file's name is its holder's alone: removing an abandoned one races with no new holder.
      if (isAbandoned(holderState(parseHolder(text)), stat.mtimeMs, STALE_MS)) await fsp.rm(file, { force: true });
      else held = true;
    }
    return held;
  }
}
