// Lock files held across the processes sharing a data folder (tls/startup-lock.ts, the SQLite push
// locks): each is made whole — written under a temporary name, then linked into place, which fails
// while it exists — and records its holder: host, boot, pid and that process's start time, so that a
// lock left by a killed process is known for one as soon as that process provably no longer runs
// (Linux, same host). A holder that cannot be checked from here (another host sharing the folder,
// a system without /proc, or a lock written by an older version, which recorded only a pid) is
// 'unknown': each lock says how old such a lock must be before it is taken for abandoned.
import * as crypto from 'node:crypto';
import { promises as fsp, readFileSync } from 'node:fs';
import * as os from 'node:os';
import { PRIVATE_FILE_MODE } from './secrets/private-files';

export interface LockHolder {
  host: string;
  /** Linux's boot id: a lock from before a reboot has no live holder. */
  boot?: string;
  pid: number;
  /** The holder's start time (Linux: clock ticks after boot), so a reused pid is not taken for it. */
  start?: string;
  nonce: string;
}

export type HolderState = 'alive' | 'dead' | 'unknown';

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

/** This process as a lock's holder, with a nonce of its own (each lock taken is told apart). */
export function thisHolder(): LockHolder {
  const boot = bootId();
  const start = processStat(process.pid)?.start;
  return { host: os.hostname(), ...(boot ? { boot } : {}), pid: process.pid, ...(start ? { start } : {}), nonce: crypto.randomBytes(8).toString('hex') };
}

export function parseHolder(text: string): LockHolder | undefined {
  try {
    const h = JSON.parse(text) as LockHolder;
    return typeof h === 'object' && h !== null && typeof h.host === 'string' && Number.isSafeInteger(h.pid) && h.pid > 0 ? h : undefined;
  } catch {
    return undefined;
  }
}

/** 'dead' only when provably so; 'unknown' when it cannot be checked from here. */
export function holderState(h: LockHolder | undefined): HolderState {
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

/** Whether a lock whose holder is in `state`, last changed at `mtimeMs`, is abandoned: dead, or unknown and older than `staleMs`. */
export function isAbandoned(state: HolderState, mtimeMs: number, staleMs: number): boolean {
  return state === 'dead' || (state === 'unknown' && Date.now() - mtimeMs > staleMs);
}

/** Who holds a lock whose file holds `text` (parsed: `h`), for a message. */
export function describeHolder(text: string, h: LockHolder | undefined): string {
  if (!h) return /^\d+$/.test(text.trim()) ? `process ${text.trim()} (a lock of an older Tessera, which names no host)` : 'a process it does not name';
  return h.host === os.hostname() ? `process ${h.pid}` : `process ${h.pid} on ${h.host}`;
}

/** `file`'s text; undefined when it is not there. */
export async function readText(file: string): Promise<string | undefined> {
  try {
    return await fsp.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** Writes `content` to a new temporary file next to `file` (0600) and returns its name (`file`.HEX.tmp). */
export async function writeTemporary(file: string, content: string): Promise<string> {
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
export async function createWhole(file: string, content: string): Promise<boolean> {
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
export async function removeIfStill(file: string, content: string): Promise<void> {
  if ((await readText(file)) === content) await fsp.rm(file, { force: true });
}
