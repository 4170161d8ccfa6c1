// The lock that serializes making the local CA between processes starting on one data folder
// (several VS Code windows at once, replicas started together): `tls/.lock`, made whole (written
// under a temporary name, then linked into place, which fails while another process holds it) and
// removed when done. It records its holder (../lock-holder.ts) — host, boot, pid and that
// process's start time — so that a lock left by a process killed while holding it (`kill -9` of a
// starting `tessera serve`) is taken over at once when that process provably no longer runs,
// instead of holding up the next start. A holder that cannot be checked from here (another host
// sharing the folder, or a lock written by an older version, which recorded only a pid) is waited
// for, saying so at once, and its lock taken over once it is LOCK_STALE_MS old, as before.
//
// Taking over never removes the lock first (a third starter could then make a new one, and two
// would hold it): the dead holder's lock is replaced by a rename over it, by one process at a time
// (`.lock.takeover`, held for a few system calls, made the same way), and only while the lock is
// still the one judged dead. Two starters that find the same dead lock: one takes it, the other
// waits for that one.
import * as crypto from 'node:crypto';
import { promises as fsp } from 'node:fs';
import type { Logger } from '../logger';
import { createWhole, describeHolder, holderState, isAbandoned, parseHolder, readText, removeIfStill, thisHolder, writeTemporary, type HolderState } from '../lock-holder';

/** A lock whose holder cannot be checked is taken over once it is this old (its holder's work takes well under a second). */
const LOCK_STALE_MS = 30_000;
/** How long a start waits for a live holder before it gives up. */
const LOCK_WAIT_MS = 60_000;

/** Whether a lock whose holder is in `state`, last changed at `mtimeMs`, may be taken over now. */
function mayTakeOver(state: HolderState, mtimeMs: number): boolean {
  return isAbandoned(state, mtimeMs, LOCK_STALE_MS);
}

/**
 * Replaces the lock, which held `seen` (judged dead), with `mine`; false when another process
 * took it over or it changed meanwhile.
 */
async function takeOver(lock: string, seen: string, mine: string): Promise<boolean> {
  const guard = `${lock}.takeover`;
  if (!(await createWhole(guard, mine))) {
    // Another process is taking it over — or was killed doing so (within a few system calls).
    const text = await readText(guard);
    const stat = await fsp.stat(guard).catch(() => undefined);
    if (text !== undefined && stat && mayTakeOver(holderState(parseHolder(text)), stat.mtimeMs)) await removeIfStill(guard, text);
    return false;
  }
  try {
    if ((await readText(lock)) !== seen) return false;
    const tmp = await writeTemporary(lock, mine);
    try {
      await fsp.rename(tmp, lock);
    } catch (err) {
      await fsp.rm(tmp, { force: true });
      throw err;
    }
    return true;
  } finally {
    await removeIfStill(guard, mine);
  }
}

/**
 * Runs `fn` holding `lock` (a file path) against other processes and other calls in this one.
 * `log` hears, at once, what a start waits for, and which dead holder's lock it took over.
 */
export async function withStartupLock<T>(lock: string, purpose: string, fn: () => Promise<T>, log: Logger = () => undefined): Promise<T> {
  const me = thisHolder();
  const mine = JSON.stringify(me);
  const deadline = Date.now() + LOCK_WAIT_MS;
  let told: string | undefined;
  for (;;) {
    if (await createWhole(lock, mine)) break;
    const text = await readText(lock);
    const stat = await fsp.stat(lock).catch(() => undefined);
    if (text === undefined || !stat) continue; // released meanwhile
    const holder = parseHolder(text);
    const state = holderState(holder);
    if (mayTakeOver(state, stat.mtimeMs)) {
      if (await takeOver(lock, text, mine)) {
        log(
          'info',
          state === 'dead'
            ? `took over ${lock}: ${describeHolder(text, holder)}, which held it, no longer runs (it was killed while ${purpose})`
            : `took over ${lock}, left ${Math.round((Date.now() - stat.mtimeMs) / 1000)} s ago by ${describeHolder(text, holder)}, which cannot be checked from here`,
        );
        break;
      }
      continue;
    }
    if (told !== text) {
      told = text;
      log(
        state === 'alive' ? 'info' : 'warn',
        state === 'alive'
          ? `waiting for ${lock}: ${describeHolder(text, holder)} holds it while ${purpose} (another start on this data folder)`
          : `waiting for ${lock}, left by ${describeHolder(text, holder)}, which cannot be checked from here: it may be a Tessera ` +
              `that was killed while ${purpose}. It is taken over once it is ${LOCK_STALE_MS / 1000} s old; remove it if nothing is starting on this data folder.`,
      );
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${lock}: ${describeHolder(text, holder)} still holds it`);
    await new Promise((resolve) => setTimeout(resolve, 50 + crypto.randomInt(100)));
  }
  try {
    return await fn();
  } finally {
    await removeIfStill(lock, mine);
  }
}
