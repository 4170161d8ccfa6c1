// Everything in the provider's data folder is for its owner only: folders 0700, files 0600.
// The provider creates its files with these modes and chmod-s them after creation (the umask can
// only narrow a mode, and a restored copy may have widened it), and every start walks the folder
// and takes group and other access away from whatever is there (a read-only git object stays
// read-only: 0444 becomes 0400). A folder someone else could have put files in is refused instead:
// one another user owns or may write to, or one holding another user's entry. Every folder of
// secrets or repositories a command is given gets that refusal (refuseUnsafeFolder): the data
// folder, --repos, and the folders of `tessera migrate` and `tessera reset-two-factor`; so is one
// that holds files Tessera did not make (./foreign-entries.ts): nothing is written into it.
import { chmodSync, closeSync, mkdirSync, openSync, promises as fsp, rmdirSync, statSync, type Stats } from 'node:fs';
import * as path from 'node:path';
import { foreignEntry, type FolderKind } from './foreign-entries';

export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

function privateModeOf(isDirectory: boolean, mode: number): number {
  return isDirectory ? PRIVATE_DIR_MODE : mode & 0o700;
}

/**
 * Creates `dir` (and missing parents) 0700, and makes `dir` itself 0700 if it was there. Returns
 * the first folder it made (`dir` or a parent), undefined when `dir` was there.
 */
export function ensurePrivateDirSync(dir: string): string | undefined {
  const made = mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  chmodSync(dir, PRIVATE_DIR_MODE);
  return made;
}

/**
 * Undoes ensurePrivateDirSync(dir) that made the folders from `made` down to `dir`: removes each,
 * from `dir` up, as long as it is empty (never a folder something was written to).
 */
export function removeEmptyMadeDirsSync(dir: string, made: string | undefined): void {
  if (made === undefined) return;
  for (let d = dir; d.length >= made.length; d = path.dirname(d)) {
    try {
      rmdirSync(d);
    } catch {
      return; // not empty (or already gone): what is above it stays too
    }
  }
}

/** Creates `file` empty with mode 0600 unless it exists, and makes it 0600 either way. */
export function ensurePrivateFileSync(file: string): void {
  closeSync(openSync(file, 'a', PRIVATE_FILE_MODE));
  chmodSync(file, PRIVATE_FILE_MODE);
}

/** Narrows `file`'s mode to 0600 when it exists. */
export function narrowIfPresentSync(file: string): void {
  try {
    chmodSync(file, PRIVATE_FILE_MODE);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

/** This process's user (undefined where there are no user ids: Windows). */
const OWN_UID = process.getuid?.();

/** Throws when `what` (a folder of the provider's, or an entry in it) belongs to another user. */
function refuseOtherOwner(stat: Stats, what: string): void {
  if (OWN_UID === undefined || stat.uid === OWN_UID) return;
  throw new Error(
    `${what} belongs to another user (uid ${stat.uid}), who could read it or replace what the provider keeps there; ` +
      'give a folder of your own, holding only your own files',
  );
}

/** The folders a command is given, as its messages name them. */
export type FolderRole = 'the data folder' | 'the team data folder' | 'the repositories folder';

const KIND_OF: Record<FolderRole, FolderKind> = {
  'the data folder': 'data',
  'the team data folder': 'data',
  'the repositories folder': 'repositories',
};

/** What a refused folder of each kind is for, and what to give instead. */
const FOREIGN_ADVICE: Record<FolderKind, (dir: string) => string> = {
  data: (dir) => `Every start makes everything in the data folder its owner's only (folders 0700, files 0600), so give a new or empty folder, e.g. ${dir.replace(/\/+$/, '')}/tessera.`,
  repositories: (dir) => `Tessera keeps only its bare repositories there (and empties it when a migration is undone), so give a new or empty folder, e.g. ${dir.replace(/\/+$/, '')}/tessera-repositories.`,
};

/**
 * Refuses a folder of secrets or repositories (`dir`, named `role`) that is there already and
 * that another user owns or may write to: they could have put files in it for the provider to use
 * (a database, a CA key they know, a bare repository with hooks, a symbolic link), which narrowing
 * its mode afterwards would not take back. Refuses too, naming the first such entry, one that holds
 * files Tessera did not make (a home or project folder given by mistake: foreign-entries.ts);
 * `given`: files the command line names, which a data folder may hold. Nothing is changed; a
 * folder not there yet passes (it is made 0700).
 */
export function refuseUnsafeFolder(dir: string, role: FolderRole, given: readonly string[] = []): void {
  let stat: Stats;
  try {
    stat = statSync(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  refuseOtherOwner(stat, `${role} ${dir}`);
  if (OWN_UID !== undefined && stat.mode & 0o022) {
    throw new Error(
      `${role} ${dir} is writable by other users (mode ${(stat.mode & 0o777).toString(8)}), who could have put files in it: ` +
        `check what it holds, then make it yours only (chmod 700 ${dir})`,
    );
  }
  if (!stat.isDirectory()) return; // not a folder: what uses it says so
  const kind = KIND_OF[role];
  const foreign = foreignEntry(dir, kind, given);
  if (foreign !== undefined) throw new Error(`${role} ${dir} holds files that are not Tessera's (${foreign}). ${FOREIGN_ADVICE[kind](dir)}`);
}

/**
 * Makes `root` 0700 (creating it) and narrows everything below it: folders to 0700, files to
 * their owner's permissions only. Refused, changing nothing, when `root` is another user's or
 * writable by group or others; the walk stops, refusing, at an entry below it (a symbolic link
 * too) that is another user's; refused too when it holds files that are not Tessera's (`given`:
 * as refuseUnsafeFolder's). Symbolic links are neither followed nor changed; entries that vanish during the walk
 * (another process at work) are skipped. Returns the first folder it made (as ensurePrivateDirSync).
 */
export async function securePrivateTree(root: string, given: readonly string[] = []): Promise<string | undefined> {
  refuseUnsafeFolder(root, 'the data folder', given);
  const made = ensurePrivateDirSync(root);
  refuseOtherOwner(statSync(root), `the data folder ${root}`); // made by another user meanwhile
  const pending = [root];
  while (pending.length) {
    const dir = pending.pop()!;
    let entries: import('node:fs').Dirent[];
    try {
      entries = await fsp.readdir(dir, { withFileTypes: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw err;
    }
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      try {
        const stat = await fsp.lstat(full);
        refuseOtherOwner(stat, `${path.relative(root, full)} in the data folder ${root}`);
        if (!stat.isDirectory() && !stat.isFile()) continue;
        const wanted = privateModeOf(stat.isDirectory(), stat.mode);
        if ((stat.mode & 0o777) !== wanted) await fsp.chmod(full, wanted);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
        throw err;
      }
      if (entry.isDirectory()) pending.push(full);
    }
  }
  return made;
}
