// bench/scale: the bulk load. Rows are copies of template rows the provider itself made through its
// API (a user, an org membership, a classic token, a pending fine-grained token with its request
// and issuance), so every column holds what the provider writes; each copy gets its own id, login,
// name and secret. Secrets have Tessera's format (prefix, random part, checksum) and are stored as
// their SHA-256 digest, as the provider stores them. SQLite: prepared statements in one
// transaction. PostgreSQL: multi-row INSERT … SELECT from the template row joined with unnest()
// of the varying columns, 5,000 rows a statement, in one transaction.
import { randomBytes } from 'node:crypto';
import type { DatabaseSync, SQLInputValue } from 'node:sqlite';
import type { PoolClient } from 'pg';
import { BASE62, checksum, lastEight, TOKEN_PREFIXES, tokenDigest } from '../src/shared/token-format';

/** The rows the API made, copied by the load. */
export interface Templates {
  userId: number;
  membershipUserId: number;
  orgId: number;
  classicTokenId: number;
  pendingTokenId: number;
  requestId: number;
}

/** What to load, and who gets which tokens. */
export interface LoadPlan {
  /** Users in all after the load (the API made a few). */
  users: number;
  /** Tokens in all after the load. */
  tokens: number;
  /** The user given `heavyTokens` classic tokens. */
  heavyUserId: number;
  heavyTokens: number;
  /** Users who each get one pending fine-grained token in the org's queue. */
  queued: number;
  /** Every token's last_used_at (a recent use: verifying it writes nothing). */
  lastUsedAt: Date;
  /** Keep the secret of every `sampleEvery`-th classic token. */
  sampleEvery: number;
}

interface Loaded {
  /** Secrets of tokens spread over the whole set, to verify. Never printed. */
  samples: string[];
  users: number;
  tokens: number;
}

/** One token of Tessera's format: 30 random base62 characters and their checksum. */
function newSecret(kind: 'classic' | 'fine_grained', bytes: Buffer, at: number): string {
  let random = '';
  for (let i = 0; i < 30; i++) random += BASE62[bytes[at + i] % 62];
  return TOKEN_PREFIXES[kind] + random + checksum(random);
}

interface TokenRow {
  id: number;
  userId: number;
  note: string;
  digest: string;
  lastEight: string;
}

/** Users, memberships and tokens to insert, in id order, produced batch by batch. */
class Rows {
  readonly samples: string[] = [];
  private made = 0;
  constructor(
    private readonly plan: LoadPlan,
    readonly firstUserId: number,
    readonly firstTokenId: number,
    existingTokens: number,
  ) {
    this.classicSpread = plan.tokens - existingTokens - plan.heavyTokens - this.queuedUsers().length;
  }
  readonly classicSpread: number;

  newUserIds(): number[] {
    const ids: number[] = [];
    for (let id = this.firstUserId; ids.length < this.plan.users - (this.firstUserId - 1); id++) ids.push(id);
    return ids;
  }

  queuedUsers(): number[] {
    return this.newUserIds().slice(0, this.plan.queued);
  }

  /** Every new token, `size` at a time: the heavy user's, the queued ones, the rest spread over the new users. */
  *tokenBatches(size: number): Generator<{ kind: 'classic' | 'fine_grained'; rows: TokenRow[] }> {
    const users = this.newUserIds();
    const queued = this.queuedUsers();
    let id = this.firstTokenId;
    const batchOf = function* (this: Rows, kind: 'classic' | 'fine_grained', n: number, owner: (i: number) => number) {
      for (let start = 0; start < n; start += size) {
        const count = Math.min(size, n - start);
        const bytes = randomBytes(30 * count);
        const rows: TokenRow[] = [];
        for (let i = 0; i < count; i++) {
          const secret = newSecret(kind, bytes, 30 * i);
          if (kind === 'classic' && this.made++ % this.plan.sampleEvery === 0) this.samples.push(secret);
          rows.push({ id: id++, userId: owner(start + i), note: `bench ${kind} ${start + i}`, digest: tokenDigest(secret), lastEight: lastEight(secret) });
        }
        yield { kind, rows };
      }
    }.bind(this);
    yield* batchOf('classic', this.plan.heavyTokens, () => this.plan.heavyUserId);
    yield* batchOf('fine_grained', queued.length, (i) => queued[i]);
    yield* batchOf('classic', this.classicSpread, (i) => users[i % users.length]);
  }
}

function columnsOf(db: DatabaseSync, table: string): string[] {
  return (db.prepare(`SELECT name FROM pragma_table_info('${table}')`).all() as { name: string }[]).map((r) => r.name);
}

/** Inserts copies of one template row, `vary` giving each copy's own columns. */
function sqliteCopier(db: DatabaseSync, table: string, where: string, key: SQLInputValue) {
  const template = db.prepare(`SELECT * FROM ${table} WHERE ${where} = ?`).get(key) as Record<string, SQLInputValue>;
  if (!template) throw new Error(`no template row in ${table}`);
  const cols = columnsOf(db, table);
  const insert = db.prepare(`INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`);
  return (vary: Record<string, SQLInputValue>) => insert.run(...cols.map((c) => (c in vary ? vary[c] : template[c])));
}

export function loadSqlite(db: DatabaseSync, t: Templates, plan: LoadPlan): Loaded {
  const maxId = (table: string) => Number((db.prepare(`SELECT COALESCE(MAX(id), 0) AS n FROM ${table}`).get() as { n: number }).n);
  const existingTokens = Number((db.prepare('SELECT COUNT(*) AS n FROM tokens').get() as { n: number }).n);
  const rows = new Rows(plan, maxId('users') + 1, maxId('tokens') + 1, existingTokens);
  const used = plan.lastUsedAt.toISOString();
  db.exec('BEGIN');
  try {
    const user = sqliteCopier(db, 'users', 'id', t.userId);
    for (const id of rows.newUserIds()) user({ id, login: `u${id}`, email: `u${id}@example.test`, name: null });
    const member = sqliteCopier(db, 'org_memberships', 'user_id', t.membershipUserId);
    for (const id of rows.queuedUsers()) member({ user_id: id });
    const classic = sqliteCopier(db, 'tokens', 'id', t.classicTokenId);
    const pending = sqliteCopier(db, 'tokens', 'id', t.pendingTokenId);
    const request = sqliteCopier(db, 'token_requests', 'id', t.requestId);
    const issued = sqliteCopier(db, 'token_issuance', 'token_id', t.pendingTokenId);
    let requestId = maxId('token_requests');
    for (const batch of rows.tokenBatches(10_000)) {
      for (const r of batch.rows) {
        const vary = { id: r.id, user_id: r.userId, note: r.note, hashed_token: r.digest, token_last_eight: r.lastEight, last_used_at: used };
        if (batch.kind === 'classic') classic(vary);
        else {
          pending(vary);
          request({ id: ++requestId, token_id: r.id, user_id: r.userId });
          issued({ token_id: r.id });
        }
      }
    }
    db.exec('COMMIT');
  } catch (err) {
    db.exec('ROLLBACK');
    throw err;
  }
  db.exec('ANALYZE');
  const count = (table: string) => Number((db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n);
  return { samples: rows.samples, users: count('users'), tokens: count('tokens') };
}

/**
 * INSERT INTO table SELECT … FROM the template row, unnest(the varying columns): one statement a
 * batch. `vary` names each varying column and its array's PostgreSQL type.
 */
async function pgCopier(client: PoolClient, table: string, where: string, key: number, vary: Record<string, string>) {
  const cols = (
    await client.query<{ column_name: string }>(
      'SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position',
      [table],
    )
  ).rows.map((r) => r.column_name);
  const names = Object.keys(vary);
  const select = cols.map((c) => (names.includes(c) ? `u.${c}` : `t.${c}`)).join(', ');
  const arrays = names.map((n, i) => `$${i + 2}::${vary[n]}[]`).join(', ');
  const sql = `INSERT INTO ${table} (${cols.join(', ')}) SELECT ${select} FROM ${table} t CROSS JOIN unnest(${arrays}) AS u(${names.join(', ')}) WHERE t.${where} = $1`;
  return async (values: unknown[][]) => {
    if (values[0].length) await client.query(sql, [key, ...values]);
  };
}

export async function loadPostgres(client: PoolClient, t: Templates, plan: LoadPlan): Promise<Loaded> {
  const maxId = async (table: string) => Number((await client.query<{ n: string }>(`SELECT COALESCE(MAX(id), 0) AS n FROM ${table}`)).rows[0].n);
  const count = async (table: string) => Number((await client.query<{ n: string }>(`SELECT COUNT(*) AS n FROM ${table}`)).rows[0].n);
  const rows = new Rows(plan, (await maxId('users')) + 1, (await maxId('tokens')) + 1, await count('tokens'));
  await client.query('BEGIN');
  try {
    const user = await pgCopier(client, 'users', 'id', t.userId, { id: 'bigint', login: 'text', email: 'text', name: 'text' });
    const ids = rows.newUserIds();
    for (let i = 0; i < ids.length; i += 5_000) {
      const part = ids.slice(i, i + 5_000);
      await user([part, part.map((id) => `u${id}`), part.map((id) => `u${id}@example.test`), part.map(() => null)]);
    }
    const member = await pgCopier(client, 'org_memberships', 'user_id', t.membershipUserId, { user_id: 'bigint' });
    await member([rows.queuedUsers()]);
    const tokenVary = { id: 'bigint', user_id: 'bigint', note: 'text', hashed_token: 'text', token_last_eight: 'text', last_used_at: 'timestamptz' };
    const classic = await pgCopier(client, 'tokens', 'id', t.classicTokenId, tokenVary);
    const pending = await pgCopier(client, 'tokens', 'id', t.pendingTokenId, tokenVary);
    const request = await pgCopier(client, 'token_requests', 'id', t.requestId, { id: 'bigint', token_id: 'bigint', user_id: 'bigint' });
    const issued = await pgCopier(client, 'token_issuance', 'token_id', t.pendingTokenId, { token_id: 'bigint' });
    let requestId = await maxId('token_requests');
    const used = plan.lastUsedAt.toISOString();
    for (const batch of rows.tokenBatches(5_000)) {
      const r = batch.rows;
      await (batch.kind === 'classic' ? classic : pending)([r.map((x) => x.id), r.map((x) => x.userId), r.map((x) => x.note), r.map((x) => x.digest), r.map((x) => x.lastEight), r.map(() => used)]);
      if (batch.kind === 'fine_grained') {
        await request([r.map(() => ++requestId), r.map((x) => x.id), r.map((x) => x.userId)]);
        await issued([r.map((x) => x.id)]);
      }
    }
    for (const table of ['users', 'tokens', 'token_requests']) {
      await client.query(`SELECT setval(pg_get_serial_sequence($1, 'id'), (SELECT MAX(id) FROM ${table}))`, [table]);
    }
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK');
    throw err;
  }
  await client.query('ANALYZE');
  return { samples: rows.samples, users: await count('users'), tokens: await count('tokens') };
}
