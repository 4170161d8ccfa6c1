// `tessera migrate`: moves an embedded provider (SQLite in its data folder, bare repositories in
// it) into an empty team database on PostgreSQL and a repositories folder. Every row keeps its id,
// so tokens (stored as digests) keep working, OAuth-issued ones still linked to their app; TOTP
// secrets are re-encrypted under the team's data key. Refuses a target that holds any data; checks every table's count once committed.
// The bare repositories are copied, then the rows, in one transaction: a failure or an interruption
// (`signal`) before the commit rolls the rows back and empties the repositories folder again.
// Every folder given is refused, before anything is done, when another user owns it or may write to
// it (secrets/private-files.ts refuseUnsafeFolder), as a server's start refuses its own.
// The source must be an existing data folder (tessera.db in it) that no provider is running on (its
// database is held for the migration alone, so none starts meanwhile); nothing is written to it beyond
// its own pending schema migrations: its data key is only read, never made or rebound (also when
// the team keeps it, without a team folder).
import { existsSync } from 'node:fs';
import { cp, readdir, rm } from 'node:fs/promises';
import * as path from 'node:path';
import type { DatabaseSync } from 'node:sqlite';
import { defaultRepositoriesRoot, repositoryPath } from '../git/bare-repos';
import { type DataKeySource, keyFileSource, unlockDataKey } from '../secrets/data-key';
import { ensurePrivateDirSync, refuseUnsafeFolder } from '../secrets/private-files';
import { SecretBox } from '../secrets/secret-box';
import { ClosingClient } from '../store/postgres/closing-client';
import { pgDataKeyLedger } from '../store/postgres/data-key-ledger';
import { takeServingLockAlone } from '../store/postgres/serving-lock';
import { openPostgresStore } from '../store/postgres/postgres-store';
import { connectionError, describePostgresUrl } from '../store/postgres/url';
import { DATABASE_FILE, DatabaseInUse, openDatabase } from '../store/sqlite/database';
import { holdsSealedTwoFactorSecrets, secretContext } from '../store/sqlite/two-factor';
import { COPIED_TABLES, CopiedTable, copyTable, dropSeededRows, pgCount, pgDataCount, sqliteCount } from './table-copy';

export interface TeamMigrationOptions {
  /** The embedded provider's data folder (absolute). */
  fromDataDir: string;
  /** The team database's URL. */
  toDatabaseUrl: string;
  /** The folder the team keeps its bare repositories in (absolute). */
  reposDir: string;
  /**
   * The team's data key. Default: the source's key, kept (copy it to each replica as secret.key);
   * read where sourceKey is, never made there.
   */
  teamKey?: DataKeySource;
  /** The team server's data folder holding teamKey's file (made when missing). */
  teamDir?: string;
  /**
   * Where the source's data key is read (never written). Default: the embedded provider's own
   * key file; the extension keeps its key in VS Code's secret storage instead.
   */
  sourceKey?: DataKeySource;
  log?: (line: string) => void;
  /**
   * Aborting it (the command's SIGINT/SIGTERM) stops the migration at its next step — the
   * statement running on the team database is cancelled — and undoes it as a failure is undone:
   * nothing is committed and the repositories folder is emptied again. Once the commit is under
   * way it is too late: the migration completes.
   */
  signal?: AbortSignal;
}

interface TeamMigrationSummary {
  rows: Record<CopiedTable, number>;
  /** Bare repositories copied. */
  repositories: number;
  /** TOTP secrets sealed under the team's key. */
  reencrypted: number;
}

class MigrationRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MigrationRefused';
  }
}

/** The migration was stopped by `signal` before its commit, and undone: nothing of it is left. */
export class MigrationInterrupted extends Error {
  constructor() {
    super('interrupted before the commit: nothing was committed');
    this.name = 'MigrationInterrupted';
  }
}

async function isEmptyFolder(dir: string): Promise<boolean> {
  try {
    return (await readdir(dir)).length === 0;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return true;
    throw err;
  }
}

export async function migrateToTeam(opts: TeamMigrationOptions): Promise<TeamMigrationSummary> {
  const log = opts.log ?? (() => undefined);
  const stopIfInterrupted = () => {
    if (opts.signal?.aborted) throw new MigrationInterrupted();
  };
  const sourceKey = opts.sourceKey ?? keyFileSource(opts.fromDataDir);
  const teamKey = opts.teamKey ?? keptSourceKey(sourceKey);
  // Every folder given, as a server's start refuses its own: what another user could have put in
  // the source would be copied to the team, and the team's folders are the server's to be.
  refuseUnsafeFolder(opts.fromDataDir, 'the data folder');
  if (opts.teamDir) refuseUnsafeFolder(opts.teamDir, 'the team data folder');
  refuseUnsafeFolder(opts.reposDir, 'the repositories folder');
  // Checked before anything is opened: opening a missing database would make an empty one (and a
  // key for it), and an empty source "migrates" without a word.
  if (!existsSync(path.join(opts.fromDataDir, DATABASE_FILE))) {
    throw new MigrationRefused(`no Tessera database in ${opts.fromDataDir} (${DATABASE_FILE} is missing): --from must name the embedded provider's data folder`);
  }
  const db = openSource(opts.fromDataDir);
  let claim: ClosingClient | undefined;
  let claimLost: Error | undefined;
  try {
    if (!(await isEmptyFolder(opts.reposDir))) throw new MigrationRefused(`the repositories folder ${opts.reposDir} is not empty`);
    claim = await claimEmptyDatabase(opts.toDatabaseUrl);
    // Heard (an unheard error of an idle connection would end the process): the lock is lost.
    claim.on('error', (err) => (claimLost ??= err));
    stopIfInterrupted();
    const sourceBox = await sourceSecretBox(db, sourceKey, opts.fromDataDir);
    if (opts.teamDir) ensurePrivateDirSync(opts.teamDir);
    const keyDir = opts.teamDir ?? opts.fromDataDir;
    stopIfInterrupted();
    const target = await openPostgresStore(opts.toDatabaseUrl, { dataKey: teamKey, dataDir: keyDir });
    try {
      const where = `the PostgreSQL database at ${describePostgresUrl(opts.toDatabaseUrl)}`;
      const targetBox = await unlockDataKey(pgDataKeyLedger(target.pool), teamKey, { dataDir: keyDir, database: where, shared: true });
      stopIfInterrupted();
      const client = await target.pool.connect();
      let broken: Error | undefined;
      let copyingRepositories = false;
      let committing = false;
      let committed = false;
      // An interruption cancels the statement the copy waits for (a big insert, a lock), not only
      // the next step; never the commit.
      let cancelling: Promise<unknown> | undefined;
      const backendPid = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;
      const cancel = () => {
        if (!committing) cancelling ??= target.pool.query('SELECT pg_cancel_backend($1)', [backendPid]).catch(() => undefined);
      };
      opts.signal?.addEventListener('abort', cancel, { once: true });
      try {
        // One snapshot of the source, one transaction on the target.
        db.exec('BEGIN');
        await client.query('BEGIN ISOLATION LEVEL SERIALIZABLE');
        try {
          for (const table of COPIED_TABLES) {
            if ((await pgDataCount(client, table)) > 0) throw new MigrationRefused(`${where} is not empty (its ${table} table has rows): migrate into a new database`);
          }
          const expected = Object.fromEntries(COPIED_TABLES.map((t) => [t, sqliteCount(db, t)])) as Record<CopiedTable, number>;
          let reencrypted = 0;
          const reseal = (row: Record<string, unknown>) => {
            const context = secretContext(Number(row.user_id));
            const stored = String(row.secret);
            let plain = stored;
            if (SecretBox.isSealed(stored)) {
              if (!sourceBox) throw new MigrationRefused('a two-factor secret was stored while migrating: stop the embedded provider first');
              plain = sourceBox.open(stored, context);
            }
            reencrypted++;
            return { ...row, secret: targetBox.seal(plain, context) };
          };
          const transforms: Partial<Record<CopiedTable, (row: Record<string, unknown>) => Record<string, unknown>>> = {
            two_factor: reseal,
            oauth_device_codes: withoutTicket,
          };
          // The repositories first (the long part, on disk), then the rows: the transaction
          // writes, and holds the locks of its writes, only for the short end of the run.
          copyingRepositories = true;
          const repositories = await copyRepositories(db, opts.fromDataDir, opts.reposDir, log, stopIfInterrupted);
          const rows = {} as Record<CopiedTable, number>;
          for (const table of COPIED_TABLES) {
            stopIfInterrupted();
            await dropSeededRows(client, table);
            rows[table] = await copyTable(db, client, table, transforms[table], stopIfInterrupted);
            log(`copied ${table}: ${rows[table]}`);
          }
          stopIfInterrupted();
          // Committed only while the serving lock still keeps every server out.
          if (claimLost) throw new MigrationRefused(`the connection holding the database for the migration ended (${claimLost.message}): run it again`);
          committing = true;
          await client.query('COMMIT');
          committed = true;
          for (const table of COPIED_TABLES) {
            const n = await pgCount(client, table);
            if (n !== expected[table]) throw new Error(`${table}: ${expected[table]} row(s) in the source, ${n} in the team database`);
          }
          return { rows, repositories, reencrypted };
        } catch (err) {
          await cancelling; // so a cancellation sent late cannot hit the ROLLBACK
          await client.query('ROLLBACK').catch((e: Error) => (broken = e));
          // The records are not in the team database: neither are their repositories (the folder
          // was empty when the migration began), so running it again finds the folder empty.
          if (copyingRepositories && !committed) await emptyFolder(opts.reposDir);
          // A statement cancelled by the interruption fails with its own error: say why.
          if (opts.signal?.aborted && !committed) throw new MigrationInterrupted();
          throw err;
        } finally {
          db.exec('ROLLBACK');
        }
      } finally {
        opts.signal?.removeEventListener('abort', cancel);
        await cancelling;
        client.release(broken);
      }
    } finally {
      await target.close();
    }
  } finally {
    await claim?.end().catch(() => undefined);
    db.close();
  }
}

/**
 * The source's database, held for the migration alone: a provider still running on the folder
 * (a VS Code window's embedded provider, `tessera serve --data`) is refused, as what it writes
 * during or after the copy would be lost; and none can start on it until the migration is over.
 */
function openSource(dataDir: string): DatabaseSync {
  try {
    return openDatabase(dataDir, { alone: true });
  } catch (err) {
    if (!(err instanceof DatabaseInUse)) throw err;
    throw new MigrationRefused(`${err.message}; what it wrote after the copy would be lost`);
  }
}

/**
 * The source's secrets' key, read from `source` and checked against the id the source database
 * recorded; undefined when no secret is encrypted (nothing needs a key). Unlike a provider's
 * start, it never makes a key nor records one in the source database.
 */
async function sourceSecretBox(db: DatabaseSync, source: DataKeySource, dataDir: string): Promise<SecretBox | undefined> {
  if (!holdsSealedTwoFactorSecrets(db)) return undefined;
  const recorded = (db.prepare('SELECT key_id FROM data_key WHERE id = 1').get() as { key_id: string } | undefined)?.key_id;
  const key = await source.load();
  const howToGiveIt =
    `Give the source's key with --from-key FILE (the key in base64, as secret.key holds it). The extension's embedded provider ` +
    `keeps its key in VS Code's secret storage: the command "Tessera: Export the Embedded Provider's Data Key…" writes it to a file. ` +
    `Without the key, run \`tessera reset-two-factor --data\` on a copy of the folder and migrate the copy (each user then sets two-factor up again).`;
  if (!key) {
    throw new MigrationRefused(`the two-factor secrets in ${dataDir} are encrypted with a data key that is not in ${source.where}. ${howToGiveIt}`);
  }
  const box = new SecretBox(key);
  if (box.keyId !== recorded) {
    throw new MigrationRefused(`the data key in ${source.where} is not the key the two-factor secrets in ${dataDir} are encrypted with. ${howToGiveIt}`);
  }
  return box;
}

/**
 * Without a team folder the team keeps the source's key, read where the source's is. It is never
 * made there: that would write a new key into the source's folder (the extension keeps its key in
 * VS Code's secret storage, never in the data folder) or next to an exported key file.
 */
function keptSourceKey(source: DataKeySource): DataKeySource {
  return {
    where: source.where,
    load: () => source.load(),
    async save() {
      throw new MigrationRefused(`${source.where} holds no data key for the team to keep: give --data TEAM_DIR, where the team's secret.key is made`);
    },
  };
}

/**
 * A device code keeps its app, user, scopes, status and token; the one-time ticket of the sign-in
 * page's confirmation step stays behind (it belongs to a page the embedded provider served).
 */
function withoutTicket(row: Record<string, unknown>): Record<string, unknown> {
  return { ...row, ticket_digest: null, ticket_user_id: null, ticket_expires_at: null };
}

/**
 * Claims the team database for the migration, before anything is written (the data key included):
 * refuses one that holds any data, or that a team server runs on — from any host: it holds the
 * database's serving lock, which this takes exclusively (serving-lock.ts). The connection
 * answered holds the lock, so no server starts on the database until it is ended.
 */
async function claimEmptyDatabase(url: string): Promise<ClosingClient> {
  const client = new ClosingClient({ connectionString: url });
  await client.connect().catch((err: unknown) => {
    throw connectionError(url, err);
  });
  const where = `the PostgreSQL database at ${describePostgresUrl(url)}`;
  try {
    for (const table of COPIED_TABLES) {
      const exists = (await client.query<{ t: string | null }>('SELECT to_regclass($1) AS t', [table])).rows[0].t;
      if (exists && (await pgDataCount(client, table)) > 0) {
        throw new MigrationRefused(`${where} is not empty (its ${table} table has rows): migrate into a new database`);
      }
    }
    await takeServingLockAlone(
      client,
      (servers) =>
        new MigrationRefused(
          `a team server is running on ${where} (${servers} replica(s) hold it; \`tessera serve\` on this host or another): ` +
            `stop every replica first, as what they wrote meanwhile would be lost`,
        ),
    );
    return client;
  } catch (err) {
    await client.end().catch(() => undefined);
    throw err;
  }
}

/** Removes everything in `dir` (not `dir` itself: it may be a mount point). */
async function emptyFolder(dir: string): Promise<void> {
  for (const entry of await readdir(dir).catch(() => [])) await rm(path.join(dir, entry), { recursive: true, force: true });
}

/** Copies the bare repository of every repository record; returns how many. */
async function copyRepositories(
  db: DatabaseSync,
  fromDataDir: string,
  reposDir: string,
  log: (line: string) => void,
  stopIfInterrupted: () => void,
): Promise<number> {
  let copied = 0;
  const records = db
    .prepare(
      `SELECT COALESCE(u.login, o.login) AS owner, r.name AS name FROM repositories r
       LEFT JOIN users u ON r.owner_type = 'User' AND u.id = r.owner_id
       LEFT JOIN organizations o ON r.owner_type = 'Organization' AND o.id = r.owner_id`,
    )
    .all() as { owner: string; name: string }[];
  ensurePrivateDirSync(reposDir);
  const from = defaultRepositoriesRoot(fromDataDir);
  for (const r of records) {
    stopIfInterrupted();
    const to = repositoryPath(reposDir, r.owner, r.name);
    ensurePrivateDirSync(path.dirname(to));
    try {
      await cp(repositoryPath(from, r.owner, r.name), to, { recursive: true, errorOnExist: true, force: false, verbatimSymlinks: true });
      copied++;
    } catch (err) {
      // A record without its bare repository: the team server makes an empty one on first use.
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      log(`no bare repository for ${r.owner}/${r.name}: skipped`);
    }
  }
  return copied;
}
