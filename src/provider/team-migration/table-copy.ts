// Copies the embedded provider's tables, rows as they are (ids included), from its SQLite
// database into a PostgreSQL one of the same schema version, inside the caller's transaction.
// The two schemas have the same tables and columns; only the types differ, and PostgreSQL reads
// SQLite's values as they come (ISO timestamps, 0/1 for booleans, JSON kept as text).
import type { DatabaseSync } from 'node:sqlite';
import type { PoolClient } from 'pg';

/**
 * What is copied, parents before children. Not copied: the data key record (the target has its
 * own), sign-in failures and attempts, API rate-limit counts and pending device codes (all
 * short-lived), PostgreSQL's login index (its triggers fill it), and OAuth apps: the migrations
 * make the built-in ones on both sides, and apps users registered are not moved yet.
 */
export const COPIED_TABLES = [
  'users',
  'organizations',
  'two_factor',
  'recovery_codes',
  'org_memberships',
  'repositories',
  'tokens',
  'deploy_keys',
  'token_repositories',
  'token_issuance',
  'token_requests',
  'token_grants',
  'credential_authorizations',
  'account_tokens',
  'audit_events',
] as const;
export type CopiedTable = (typeof COPIED_TABLES)[number];

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
export async function copyTable(db: DatabaseSync, client: PoolClient, table: CopiedTable, transform: (row: Row) => Row = (r) => r): Promise<number> {
  const columns = await pgColumns(client, table);
  const rows = db.prepare(`SELECT * FROM ${table} ORDER BY rowid`).all() as Row[];
  if (rows.length === 0) return 0;
  const names = Object.keys(rows[0]);
  const missing = names.filter((n) => !columns.has(n));
  if (missing.length) throw new Error(`the PostgreSQL table ${table} has no column ${missing.join(', ')}: are both at the same schema version?`);
  const list = names.map((n) => `"${n}"`).join(', ');
  for (let i = 0; i < rows.length; i += BATCH) {
    const batch = rows.slice(i, i + BATCH).map(transform);
    const values: unknown[] = [];
    const tuples = batch.map((row) => `(${names.map((n) => `$${values.push(pgValue(row[n]))}`).join(', ')})`);
    await client.query(`INSERT INTO ${table} (${list}) VALUES ${tuples.join(', ')}`, values);
  }
  if (columns.has('id')) {
    const seq = await client.query<{ seq: string | null }>(`SELECT pg_get_serial_sequence($1, 'id') AS seq`, [table]);
    if (seq.rows[0].seq) {
      await client.query(`SELECT setval($1::regclass, (SELECT max(id) FROM ${table}))`, [seq.rows[0].seq]);
    }
  }
  return rows.length;
}
