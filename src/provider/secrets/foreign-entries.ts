// What a folder of Tessera's may hold, so that one given by mistake — a home folder, a project
// folder, `/srv` for `/srv/tessera` — is refused before anything is written into it (or emptied
// out of it, as an interrupted `tessera migrate` empties its repositories folder), instead of
// mixing Tessera's files with a person's or narrowing theirs to owner-only.
//  - a data folder: new, empty, or already Tessera's: holding one of its entries (the database and
//    its -wal/-shm, secret.key or the temporary file it is written through, tls/, repositories/,
//    push-locks/).
//    Other files beside them stay accepted (a copied-in key, the --tls-cert/--tls-key files).
//  - a repositories folder: only Tessera's entries, each of them: `.trash`, and one folder per
//    owner (a lower-case login) holding bare repositories (`NAME.git`), the `.new-…` folder one is
//    made in, and lock files (`….lock`).
import { readdirSync, type Dirent } from 'node:fs';
import * as path from 'node:path';
import { repositoryNameProblem } from '../../shared/repository-names';
import { DATA_KEY_FILE, DATABASE_FILE, PUSH_LOCKS_FOLDER, REPOSITORIES_FOLDER, TLS_FOLDER } from '../data-folder-names';

export type FolderKind = 'data' | 'repositories';

/** What a new file system's root holds before anyone used it. */
const NOT_CONTENT = new Set(['lost+found']);

function isDataFolderEntry(name: string): boolean {
  return name === TLS_FOLDER || name === REPOSITORIES_FOLDER || name === PUSH_LOCKS_FOLDER || name.startsWith(DATABASE_FILE) || name.startsWith(DATA_KEY_FILE);
}

function entriesOf(dir: string): Dirent[] {
  try {
    return readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

/** Whether `entry`, in an owner's folder of the repositories folder, is Tessera's. */
function isOwnerFolderEntry(entry: Dirent): boolean {
  if (entry.name.endsWith('.lock')) return entry.isFile();
  return entry.isDirectory() && (entry.name.endsWith('.git') || entry.name.startsWith('.new-'));
}

/** The first entry of the repositories folder `dir` (relative to it) Tessera did not make. */
function foreignInRepositories(dir: string): string | undefined {
  for (const entry of entriesOf(dir)) {
    if (NOT_CONTENT.has(entry.name)) continue;
    if (entry.name === '.trash' && entry.isDirectory()) continue;
    const owner = entry.isDirectory() && entry.name === entry.name.toLowerCase() && !repositoryNameProblem('owner', entry.name);
    if (!owner) return entry.name;
    const inside = entriesOf(path.join(dir, entry.name)).find((e) => !isOwnerFolderEntry(e));
    if (inside) return `${entry.name}/${inside.name}`;
  }
  return undefined;
}

/**
 * The first entry (sorted; relative to `dir`) that makes `dir` a folder that is not Tessera's,
 * or undefined when it is one (or is empty, or not there). `given`: files the command line names
 * (--tls-cert, --tls-key), which may be kept in a data folder.
 */
export function foreignEntry(dir: string, kind: FolderKind, given: readonly string[] = []): string | undefined {
  if (kind === 'repositories') return foreignInRepositories(dir);
  const content = entriesOf(dir)
    .map((e) => e.name)
    .filter((name) => !NOT_CONTENT.has(name) && !given.includes(path.join(dir, name)));
  if (content.length === 0 || content.some(isDataFolderEntry)) return undefined;
  return content[0];
}
