// `tessera serve --data DIR`: every start makes the whole data folder its owner's only (folders
// 0700, files without group and other access: secrets/private-files.ts securePrivateTree). A
// folder that already holds files of something else — `--data ~`, `--data .`, `/srv` for
// `/srv/tessera` — would have every file under it narrowed, so it is refused (nothing is touched)
// unless it is a Tessera data folder already: new, empty, or holding one of Tessera's own entries.
import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import { DATA_KEY_FILE } from './secrets/data-key';
import { DATABASE_FILE } from './store/sqlite/database';

/**
 * Whether `entry` is one a data folder Tessera used (or was prepared for: a copied secret.key)
 * holds: its folders, the database and its -wal/-shm, the key (or the temporary file it is
 * written through while another provider starts on the same folder).
 */
function isTesseraEntry(entry: string): boolean {
  return entry === 'tls' || entry === 'repositories' || entry.startsWith(DATABASE_FILE) || entry.startsWith(DATA_KEY_FILE);
}
/** What a new file system's root holds before anyone used it. */
const NOT_CONTENT = new Set(['lost+found']);

/**
 * Throws an Error naming --data when `dataDir` holds other files and none of Tessera's. `given`:
 * files the command line names (--tls-cert, --tls-key), which may be kept in the data folder.
 */
export function refuseForeignDataFolder(dataDir: string, given: readonly string[] = []): void {
  let entries: string[];
  try {
    entries = readdirSync(dataDir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return; // made at the start
    throw new Error(`--data: ${dataDir}: ${(err as Error).message}`);
  }
  const content = entries.filter((e) => !NOT_CONTENT.has(e) && !given.includes(path.join(dataDir, e)));
  if (content.length === 0 || content.some(isTesseraEntry)) return;
  const shown = content.sort().slice(0, 3).join(', ') + (content.length > 3 ? ', …' : '');
  throw new Error(
    `--data: ${dataDir} holds files that are not Tessera's (${shown}). Every start makes everything in the data folder ` +
      `its owner's only (folders 0700, files 0600), so give a new or empty folder, e.g. ${dataDir.replace(/\/+$/, '')}/tessera.`,
  );
}
