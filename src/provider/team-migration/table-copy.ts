// Copies the embedded provider's tables, rows as they are (ids included), from its SQLite
// database into a PostgreSQL one of the same schema version, inside the caller's transaction.
// The two schemas have the same tables and columns; only the types differ, and PostgreSQL reads
// SQLite's values as they come (ISO timestamps, 0/1 for booleans, JSON kept as text).
import type { DatabaseSync } from 'node:sqlite';
import type { PoolClient } from 'pg';

/** What is copied, parents before children: every table that holds durable state. */
export const COPIED_TABLES = [
  'users',
  'organizations',
  'two_factor',
  'recovery_codes',
  'org_memberships',
  'repositories',
  'oauth_apps',
  'tokens',
  'deploy_keys',
  'token_repositories',
  'token_issuance',
  'token_requests',
  'token_grants',
  'credential_authorizations',
  'account_tokens',
  'oauth_device_codes',
  'audit_events',
] as const;
export type CopiedTable = (typeof COPIED_TABLES)[number];

/**
 * The embedded provider's tables that are deliberately not copied, and why. Every SQLite table is
 * either here or in COPIED_TABLES (a test checks it), so a new table is a decision, not an omission.
 */
export const SKIPPED_TABLES: Readonly<Record<string, string>> = {
  schema_migrations: 'each database records its own migrations; both must be at the same version',
  data_key: 'the team database has its own data key record (2FA secrets are re-encrypted under it)',
  sign_in_failures: 'lockout counters live an hour at most; the team server counts afresh',
  sign_in_attempts: 'recent sign-in attempts live an hour at most; the team server counts afresh',
  rate_limits: 'API rate-limit windows last an hour; the team server starts new windows',
  oauth_authorization_codes: 'web-flow codes live ten minutes and are redeemed where they were issued; a client mid-flow starts again',
  sqlite_sequence: "SQLite's own id counters; PostgreSQL's sequences are moved past the copied ids",
};

/** Tables only the PostgreSQL schema has: filled by its own triggers, never copied. */
export const POSTGRES_ONLY_TABLES: Readonly<Record<string, string>> = {
  account_logins: 'the index of user and organization logins, filled by triggers as rows arrive',
};

/**
 * Rows the migrations themselves make in every database (the built-in OAuth apps): not data for
 * the emptiness check, and replaced on the target by the source's own rows, so ids stay the same
 * as the source's (device codes point at their app by id).
 */
const SEEDED_ROWS: Partial<Record<CopiedTable, string>> = {
  oauth_apps: 'owner_id IS NULL',
};

/** The rows of `table` that are data, not seeds: the emptiness check counts these. */
export async function pgDataCount(client: { query: PoolClient['query'] }, table: CopiedTable): Promise<number> {
  const seeded = SEEDED_ROWS[table];
  const where = seeded ? ` WHERE NOT (${seeded})` : '';
  return Number((await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}${where}`)).rows[0].n);
}

/** Removes the target's seeded rows of `table` before the source's are copied. */
export async function dropSeededRows(client: PoolClient, table: CopiedTable): Promise<void> {
  const seeded = SEEDED_ROWS[table];
  if (seeded) await client.query(`DELETE FROM ${table} WHERE ${seeded}`);
}

type Row = Record<string, unknown>;
const BATCH = 500;

function pgValue(v: unknown): unknown {
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof Uint8Array) return Buffer.from(v);
  return v;
}

async function pgColumns(client: PoolClient, table: string): Promise<Set<string>> {
  const r = await client.query<{ column_name: string }>(
    `SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1`,
    [table],
  );
  return new Set(r.rows.map((c) => c.column_name));
}

/** Rows in `table` on each side. */
export function sqliteCount(db: DatabaseSync, table: CopiedTable): number {
  return Number((db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number | bigint }).n);
}

export async function pgCount(client: { query: PoolClient['query'] }, table: CopiedTable): Promise<number> {
  return Number((await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`)).rows[0].n);
}

/**
 * Inserts every row of `table` (through `transform`, e.g. to re-encrypt a secret) and moves the
 * table's id sequence past the copied ids. Returns the number of rows copied.
 */
export async function copyTable(
  db: DatabaseSync,
  client: PoolClient,
  table: CopiedTable,
  transform: (row: Row) => Row = (r) => r,
  /** Called before each batch: throws to stop the copy (an interrupted migration). */
  beforeBatch: () => void = () => undefined,
): Promise<number> {
  const columns = await pgColumns(client, table);
  const rows = db.prepare(`SELECT * FROM ${table} ORDER BY rowid`).all() as Row[];
  if (rows.length > 0) {
    const names = Object.keys(rows[0]);
    const missing = names.filter((n) => !columns.has(n));
    if (missing.length) throw new Error(`the PostgreSQL table ${table} has no column ${missing.join(', ')}: are both at the same schema version?`);
    const list = names.map((n) => `"${n}"`).join(', ');
    for (let i = 0; i < rows.length; i += BATCH) {
      beforeBatch();
      const batch = rows.slice(i, i + BATCH).map(transform);
      const values: unknown[] = [];
      const tuples = batch.map((row) => `(${names.map((n) => `$${values.push(pgValue(row[n]))}`).join(', ')})`);
      await client.query(`INSERT INTO ${table} (${list}) VALUES ${tuples.join(', ')}`, values);
    }
  }
  if (columns.has('id')) await continueIds(db, client, table);
  return rows.length;
}

/**
 * Moves `table`'s PostgreSQL id sequence to the source's high-water mark, so new rows get ids the
 * source never gave: past the copied rows' ids and, for an AUTOINCREMENT table, past the ids of
 * rows deleted before the move too (SQLite keeps that mark in sqlite_sequence and never gives an
 * id twice; audit events and the extension name tokens by id, so an id given again would name
 * another token). A table the source never wrote keeps its sequence as it is.
 */
async function continueIds(db: DatabaseSync, client: PoolClient, table: CopiedTable): Promise<void> {
  const seq = (await client.query<{ seq: string | null }>(`SELECT pg_get_serial_sequence($1, 'id') AS seq`, [table])).rows[0].seq;
  if (!seq) return;
  const maxId = Number((db.prepare(`SELECT COALESCE(max(id), 0) AS n FROM ${table}`).get() as { n: number | bigint }).n);
  const hasSequenceTable = db.prepare(`SELECT 1 AS x FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_sequence'`).get() !== undefined;
  const given = hasSequenceTable ? (db.prepare('SELECT seq FROM sqlite_sequence WHERE name = ?').get(table) as { seq: number | bigint } | undefined) : undefined;
  const highWater = Math.max(maxId, Number(given?.seq ?? 0));
  if (highWater > 0) await client.query(`SELECT setval($1::regclass, $2)`, [seq, highWater]);
}
