// The provider's data key: 32 random bytes that encrypt the reversible secrets in the database
// (secrets/secret-box.ts) and are kept outside it. The standalone provider keeps it in
// `secret.key` (0600) in its data folder; the extension keeps it in VS Code's secret storage and
// hands the provider a source for it.
//
// The database remembers which key it belongs to (the key's id, never the key). A key is made
// only for a database that has none yet; a database that has one and a source that lacks it (or
// holds another) stops the start with a message, because a new key would make every stored
// two-factor secret unreadable. Several processes starting together serialize on the database's
// write lock: the first makes the key and saves it before it commits the id, the others then
// read that key from the source.
import * as crypto from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import type { DatabaseSync } from 'node:sqlite';
import { PRIVATE_FILE_MODE } from './private-files';
import { DATA_KEY_BYTES, SecretBox } from './secret-box';
import { isoTime } from '../iso-time';

export { DATA_KEY_FILE } from '../data-folder-names';
import { DATA_KEY_FILE } from '../data-folder-names';
import { writeStatement } from '../store/sqlite/shared-read';

/** Where a data key is kept. */
export interface DataKeySource {
  /** For messages, e.g. "the file /srv/tessera/secret.key". */
  readonly where: string;
  /** The key, or undefined when there is none yet. Throws when the place cannot be read. */
  load(): Promise<Uint8Array | undefined>;
  /** Keeps a new key durably (it is used right after). Throws when the place cannot be written. */
  save(key: Uint8Array): Promise<void>;
}

/**
 * The `code` of every DataKeyError: what a caller outside this bundle (the extension, which loads
 * the provider as a separate bundle, so `instanceof` does not work) tests to tell a data key
 * problem from any other failure to start.
 */
export const DATA_KEY_ERROR_CODE = 'TESSERA_DATA_KEY';

export class DataKeyError extends Error {
  readonly code = DATA_KEY_ERROR_CODE;
  constructor(message: string) {
    super(message);
    this.name = 'DataKeyError';
  }
}

/** The standalone provider's source: `${dataDir}/secret.key`, base64, mode 0600. */
export function keyFileSource(dataDir: string): DataKeySource {
  return keyFileAt(path.join(dataDir, DATA_KEY_FILE));
}

/** A key file of the same format as secret.key (the key in base64 on one line) at any path. */
export function keyFileAt(file: string): DataKeySource {
  return {
    where: `the file ${file}`,
    async load() {
      let text: string;
      try {
        text = await fsp.readFile(file, 'utf8');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw err;
      }
      const key = Buffer.from(text.trim(), 'base64');
      if (key.length !== DATA_KEY_BYTES) throw new DataKeyError(`${file} is not a Tessera data key (${DATA_KEY_BYTES} bytes in base64)`);
      return key;
    },
    async save(key) {
      // Written whole and synced under a temporary name, then linked into place (which fails if a
      // key is already there), so no reader ever sees half a key and no key is ever replaced.
      const tmp = `${file}.${crypto.randomBytes(6).toString('hex')}.tmp`;
      const handle = await fsp.open(tmp, 'wx', PRIVATE_FILE_MODE);
      try {
        await handle.chmod(PRIVATE_FILE_MODE);
        await handle.writeFile(`${Buffer.from(key).toString('base64')}\n`, 'utf8');
        await handle.sync();
      } finally {
        await handle.close();
      }
      try {
        await fsp.link(tmp, file);
      } finally {
        await fsp.rm(tmp, { force: true });
      }
      const dir = await fsp.open(path.dirname(file), 'r');
      try {
        await dir.sync();
      } finally {
        await dir.close();
      }
    },
  };
}

/** A database's record of which data key it belongs to, read and written under its write lock. */
export interface DataKeyLedger {
  /**
   * Runs `fn` holding the lock that serializes key creation across processes: what `fn` wrote
   * commits when it resolves, and is rolled back when it rejects.
   */
  locked<T>(fn: (held: HeldDataKeyLedger) => Promise<T>): Promise<T>;
}

interface HeldDataKeyLedger {
  /** The id of the key the database belongs to, if any. */
  keyId(): Promise<string | undefined>;
  setKeyId(keyId: string, now: Date): Promise<void>;
  /** Whether the database holds a secret encrypted under its current key. */
  holdsSealedSecrets(): Promise<boolean>;
}

interface UnlockOptions {
  /** The data folder, named in messages. */
  dataDir: string;
  /** How messages name the database (default: "the database in DATA_DIR"). */
  database?: string;
  /**
   * Several processes share the database, each with its own source (replicas): a key the
   * database already has is never replaced, even before any secret depends on it — a process
   * that lacks it stops instead of taking the database away from the others. This is the team
   * database on PostgreSQL: messages name `reset-two-factor --db` as the way out, not `--data`.
   */
  shared?: boolean;
}

/** The SQLite database's ledger: the data_key table under BEGIN IMMEDIATE. */
export function sqliteDataKeyLedger(db: DatabaseSync, holdsSealedSecrets: () => boolean): DataKeyLedger {
  return {
    async locked(fn) {
      writeStatement(db);
      db.exec('BEGIN IMMEDIATE');
      try {
        const out = await fn({
          async keyId() {
            return (db.prepare('SELECT key_id FROM data_key WHERE id = 1').get() as { key_id: string } | undefined)?.key_id;
          },
          async setKeyId(keyId, now) {
            db.prepare(
              `INSERT INTO data_key (id, key_id, created_at) VALUES (1, ?, ?)
               ON CONFLICT (id) DO UPDATE SET key_id = excluded.key_id, created_at = excluded.created_at`,
            ).run(keyId, isoTime(now));
          },
          async holdsSealedSecrets() {
            return holdsSealedSecrets();
          },
        });
        db.exec('COMMIT');
        return out;
      } catch (err) {
        db.exec('ROLLBACK');
        throw err;
      }
    },
  };
}

const RELOAD = Symbol('reload the key');

/**
 * The SecretBox for the database `ledger` keeps: its key from `source`; or a new key, saved to
 * `source`, when the database has never had one or no secret depends on the one it had. A
 * DataKeyError naming the problem and the way out when secrets are encrypted under a key the
 * source lacks. Holds the database's write lock while it saves a new key (with SQLite, it must
 * not run twice at once over one data folder in one process: the second would wait synchronously
 * for the first).
 */
export async function unlockDataKey(ledger: DataKeyLedger, source: DataKeySource, opts: UnlockOptions): Promise<SecretBox> {
  let key = await source.load();
  for (let attempt = 0; ; attempt++) {
    const out = await ledger.locked(async (held): Promise<SecretBox | typeof RELOAD> => {
      const keyId = await held.keyId();
      if (keyId && key && new SecretBox(key).keyId === keyId) return new SecretBox(key);
      // Another process may have made the key and saved it while this one waited for the lock.
      if (keyId && attempt === 0) return RELOAD;
      if (keyId && opts.shared) throw notTheSharedKey(opts, source);
      if (keyId && (await held.holdsSealedSecrets())) throw key ? wrongKey(opts, source) : missingKey(opts, source);
      if (!key) {
        key = crypto.randomBytes(DATA_KEY_BYTES);
        // Saved before the id is committed, under the write lock: a crash here leaves no id, and
        // a process that starts meanwhile waits and then finds this key in the source.
        await source.save(key);
      }
      const box = new SecretBox(key);
      await held.setKeyId(box.keyId, new Date());
      return box;
    });
    if (out !== RELOAD) return out;
    key = await source.load();
  }
}

const WAY_OUT = (opts: UnlockOptions) =>
  opts.shared
    ? `Restore that key from a backup (see "Data at rest" in docs/security.md). If it is lost for good, ` +
      `stop every replica and run \`tessera reset-two-factor --db postgres://…\` (or with TESSERA_DATABASE_URL set and no --db) once: ` +
      `it removes two-factor authentication from every account in the shared database; the next replica to start makes the key ` +
      `in its data folder (a new one if there is none) the database's key (copy it to every other replica), and each user sets two-factor up again.`
    : `Restore that key from a backup (see "Data at rest" in docs/security.md). If it is lost for good, ` +
      `run \`tessera reset-two-factor --data ${opts.dataDir}\` once with the provider stopped: it removes ` +
      `two-factor authentication from every account, and each user sets it up again.`;

const databaseName = (opts: UnlockOptions) => opts.database ?? `the database in ${opts.dataDir}`;

function missingKey(opts: UnlockOptions, source: DataKeySource): DataKeyError {
  return new DataKeyError(
    `${databaseName(opts)} holds secrets encrypted with a data key that is not in ${source.where}. ` +
      `Tessera will not make a new key, because the two-factor secrets already stored could then never be read. ${WAY_OUT(opts)}`,
  );
}

function notTheSharedKey(opts: UnlockOptions, source: DataKeySource): DataKeyError {
  return new DataKeyError(
    `${databaseName(opts)} belongs to a data key that is not in ${source.where}: every provider sharing it needs the same key ` +
      `(copy the key of the first one). ${WAY_OUT(opts)}`,
  );
}

function wrongKey(opts: UnlockOptions, source: DataKeySource): DataKeyError {
  return new DataKeyError(
    `the data key in ${source.where} is not the key the secrets in ${databaseName(opts)} are encrypted with. ${WAY_OUT(opts)}`,
  );
}
