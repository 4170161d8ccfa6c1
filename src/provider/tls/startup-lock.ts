// The lock that serializes making the local CA between processes starting on one data folder
// (several VS Code windows at once, replicas started together): `tls/.lock`, made whole (written
// under a temporary name, then linked into place, which fails while another process holds it) and
// removed when done. It records its holder — host, boot, pid and that process's start time — so
// that a lock left by a process killed while holding it (`kill -9` of a starting `tessera serve`)
// is taken over at once when that process provably no longer runs, instead of holding up the next
// start. A holder that cannot be checked from here (another host sharing the folder, or a lock
// written by an older version, which recorded only a pid) is waited for, saying so at once, and
// its lock taken over once it is LOCK_STALE_MS old, as before.
//
// Taking over never removes the lock first (a third starter could then make a new one, and two
// would hold it): the dead holder's lock is replaced by a rename over it, by one process at a time
// (`.lock.takeover`, held for a few system calls, made the same way), and only while the lock is
// still the one judged dead. Two starters that find the same dead lock: one takes it, the other
// waits for that one.
import * as crypto from 'node:crypto';
import { readFileSync } from 'node:fs';
import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import type { Logger } from '../logger';
import { PRIVATE_FILE_MODE } from '../secrets/private-files';

/** A lock whose holder cannot be checked is taken over once it is this old (its holder's work takes well under a second). */
const LOCK_STALE_MS = 30_000;
/** How long a start waits for a live holder before it gives up. */
const LOCK_WAIT_MS = 60_000;

interface Holder {
  host: string;
  /** Linux's boot id: a lock from before a reboot has no live holder. */
  boot?: string;
  pid: number;
  /** The holder's start time (Linux: clock ticks after boot), so a reused pid is not taken for it. */
  start?: string;
  nonce: string;
}

function readProc(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** Linux: the state and start time of process `pid`, from /proc/PID/stat; undefined elsewhere or when it cannot be read. */
function processStat(pid: number): { state: string; start: string } | undefined {
  if (process.platform !== 'linux') return undefined;
  const stat = readProc(`/proc/${pid}/stat`);
  if (stat === undefined) return undefined;
  // "PID (COMMAND) STATE PPID …": the command may hold spaces and parentheses; field 22 is the start time.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { state: fields[0], start: fields[19] };
}

function bootId(): string | undefined {
  return process.platform === 'linux' ? readProc('/proc/sys/kernel/random/boot_id')?.trim() : undefined;
}

function thisHolder(): Holder {
  const boot = bootId();
  const start = processStat(process.pid)?.start;
  return { host: os.hostname(), ...(boot ? { boot } : {}), pid: process.pid, ...(start ? { start } : {}), nonce: crypto.randomBytes(8).toString('hex') };
}

function parseHolder(text: string): Holder | undefined {
  try {
    const h = JSON.parse(text) as Holder;
    return typeof h === 'object' && h !== null && typeof h.host === 'string' && Number.isSafeInteger(h.pid) && h.pid > 0 ? h : undefined;
  } catch {
    return undefined;
  }
}

/** 'dead' only when provably so; 'unknown' when it cannot be checked from here. */
function holderState(h: Holder | undefined): 'alive' | 'dead' | 'unknown' {
  if (!h || h.host !== os.hostname()) return 'unknown';
  const boot = bootId();
  if (h.boot && boot && h.boot !== boot) return 'dead';
  try {
    process.kill(h.pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return 'dead';
    // EPERM: a process of another user has that pid, which a holder of this folder is not
    // (unless it ran as root): fall through to its start time.
  }
  if (!h.start) return 'unknown';
  const stat = processStat(h.pid);
  if (!stat) return 'unknown';
  // A zombie (killed, not yet reaped by its parent) still has its pid and start time.
  if (stat.state === 'Z' || stat.state === 'X' || stat.start !== h.start) return 'dead';
  return 'alive';
}

function describeHolder(text: string, h: Holder | undefined): string {
  if (!h) return /^\d+$/.test(text.trim()) ? `process ${text.trim()} (a lock of an older Tessera, which names no host)` : 'a process it does not name';
  return h.host === os.hostname() ? `process ${h.pid}` : `process ${h.pid} on ${h.host}`;
}

async function readText(file: string): Promise<string | undefined> {
  try {
    return await fsp.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** Writes `content` to a new temporary file next to `file` (0600) and returns its name. */
async function writeTemporary(file: string, content: string): Promise<string> {
  const tmp = `${file}.${crypto.randomBytes(6).toString('hex')}.tmp`;
  const handle = await fsp.open(tmp, 'wx', PRIVATE_FILE_MODE);
  try {
    await handle.writeFile(content, 'utf8');
  } finally {
    await handle.close();
  }
  return tmp;
}

/** Makes `file` holding `content`, whole; false when it exists. */
async function createWhole(file: string, content: string): Promise<boolean> {
  const tmp = await writeTemporary(file, content);
  try {
    await fsp.link(tmp, file);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  } finally {
    await fsp.rm(tmp, { force: true });
  }
}

/** Removes `file` if it still holds `content`. */
async function removeIfStill(file: string, content: string): Promise<void> {
  if ((await readText(file)) === content) await fsp.rm(file, { force: true });
}

/** Whether a lock whose holder is in `state`, last changed at `mtimeMs`, may be taken over now. */
function mayTakeOver(state: 'alive' | 'dead' | 'unknown', mtimeMs: number): boolean {
  return state === 'dead' || (state === 'unknown' && Date.now() - mtimeMs > LOCK_STALE_MS);
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
