// `tessera serve --data DIR`: every start makes the whole data folder its owner's only (folders
// 0700, files without group and other access: secrets/private-files.ts securePrivateTree). A
// folder that already holds files of something else — `--data ~`, `--data .`, `/srv` for
// `/srv/tessera` — would have every file under it narrowed, so it is refused (nothing is touched)
// unless it is a Tessera data folder already (secrets/foreign-entries.ts), as the start refuses
// it; here before anything else, as an argument (exit 2, naming --data).
import { refuseUnsafeFolder } from './secrets/private-files';

/**
 * Throws an Error naming --data when `dataDir` is refused as a data folder. `given`: files the
 * command line names (--tls-cert, --tls-key), which may be kept in the data folder.
 */
export function refuseForeignDataFolder(dataDir: string, given: readonly string[] = []): void {
  try {
    refuseUnsafeFolder(dataDir, 'the data folder', given);
  } catch (err) {
    throw new Error(`--data: ${(err as Error).message}`);
  }
}
