import type { DatabaseSync, SQLInputValue, StatementSync } from 'node:sqlite';
import type { TokenKind } from '../../../shared/token-format';
import { shownStatusCondition, tokenUpdateColumns, type NewToken, type ShownToken, type TokenQuery, type TokenRecord, type TokenStore, type TokenSummary, type TokenUpdate } from '../tokens';
import type { UserRecord } from '../users';
import type { SqliteChangeVersion } from './change-version';
import { date, dateOrNull, frozenJson, mapUnique, numOrNull, Row, strOrNull } from './rows';
import { isoTime, isoTimeOrNull } from '../../iso-time';
import { toUser, USER_COLUMNS } from './users';
import { PAGE_CLAUSE, allRows, oneRow, statement } from './statements';
import { inTransaction, placeholders } from './transaction';
import { readStatement, writeStatement } from './shared-read';

export const TOKEN_COLUMNS = [
  'id', 'user_id', 'kind', 'note', 'description', 'note_url', 'client_id', 'fingerprint', 'scopes', 'resource_owner_type',
  'resource_owner_id', 'repository_selection', 'permissions', 'status', 'justification', 'status_reason', 'expires_at',
  'sudo_until', 'last_used_at', 'token_last_eight', 'hashed_token', 'created_at', 'updated_at',
] as const;

const BY_ID = 'SELECT * FROM tokens WHERE id = ?';
const BY_DIGEST = 'SELECT * FROM tokens WHERE hashed_token = ?';

/** The columns of a ShownToken, for either backend's SELECT. */
export const SHOWN_COLUMNS = TOKEN_COLUMNS.filter((c) => c !== 'hashed_token' && c !== 'sudo_until').join(', ');

/** The columns of a TokenSummary, for either backend's SELECT. */
export const SUMMARY_COLUMNS = 'id, user_id, note, repository_selection, permissions, expires_at, last_used_at';

export function toTokenSummary(r: Row): TokenSummary {
  return {
    id: Number(r.id),
    userId: Number(r.user_id),
    note: String(r.note),
    repositorySelection: (r.repository_selection ?? null) as TokenRecord['repositorySelection'],
    permissions: r.permissions ? frozenJson<TokenRecord['permissions']>(String(r.permissions)) : null,
    expiresAt: dateOrNull(r.expires_at),
    lastUsedAt: dateOrNull(r.last_used_at),
  };
}

export function toShownToken(r: Row): ShownToken {
  return {
    id: Number(r.id),
    userId: Number(r.user_id),
    kind: r.kind as TokenKind,
    note: String(r.note),
    description: strOrNull(r.description),
    noteUrl: strOrNull(r.note_url),
    clientId: strOrNull(r.client_id),
    fingerprint: strOrNull(r.fingerprint),
    scopes: frozenJson<string[]>(String(r.scopes ?? '[]')),
    resourceOwnerType: (r.resource_owner_type ?? null) as TokenRecord['resourceOwnerType'],
    resourceOwnerId: numOrNull(r.resource_owner_id),
    repositorySelection: (r.repository_selection ?? null) as TokenRecord['repositorySelection'],
    permissions: r.permissions ? frozenJson<TokenRecord['permissions']>(String(r.permissions)) : null,
    status: r.status as TokenRecord['status'],
    justification: strOrNull(r.justification),
    statusReason: strOrNull(r.status_reason),
    expiresAt: dateOrNull(r.expires_at),
    lastUsedAt: dateOrNull(r.last_used_at),
    tokenLastEight: String(r.token_last_eight),
    createdAt: date(r.created_at),
    updatedAt: date(r.updated_at),
  };
}

export function toToken(r: Row): TokenRecord {
  const t = toShownToken(r) as TokenRecord;
  t.sudoUntil = dateOrNull(r.sudo_until);
  t.hashedToken = String(r.hashed_token);
  return t;
}

export class SqliteTokenStore implements TokenStore {
  private readonly touchStmt: StatementSync;
  private readonly withUserStmt: StatementSync;

  constructor(
    private readonly db: DatabaseSync,
    private readonly changes: SqliteChangeVersion,
  ) {
    // One statement, rows as arrays (node:sqlite builds arrays much faster than objects).
    this.withUserStmt = db.prepare(
      `SELECT ${TOKEN_COLUMNS.map((c) => `t.${c}`).join(', ')}, ${USER_COLUMNS.map((c) => `u.${c}`).join(', ')},
         COALESCE(f.enabled, 0) AS two_factor_enabled
       FROM tokens t JOIN users u ON u.id = t.user_id LEFT JOIN two_factor f ON f.user_id = u.id
       WHERE t.hashed_token = ?`,
    );
    this.withUserStmt.setReturnArrays(true);
    this.touchStmt = statement(db, 'UPDATE tokens SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at <= ?)');
  }

  async create(t: NewToken): Promise<TokenRecord> {
    const r = mapUnique(
      () =>
        statement(this.db,
            `INSERT INTO tokens (user_id, kind, note, description, note_url, client_id, fingerprint, scopes,
               resource_owner_type, resource_owner_id, repository_selection, permissions, status, justification,
               expires_at, sudo_until, token_last_eight, hashed_token, created_at, updated_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(
            t.userId, t.kind, t.note, t.description ?? null, t.noteUrl ?? null, t.clientId ?? null, t.fingerprint ?? null,
            JSON.stringify(t.scopes ?? []), t.resourceOwnerType ?? null, t.resourceOwnerId ?? null,
            t.repositorySelection ?? null, t.permissions ? JSON.stringify(t.permissions) : null, t.status,
            t.justification ?? null, isoTimeOrNull(t.expiresAt), isoTimeOrNull(t.sudoUntil), t.tokenLastEight, t.hashedToken,
            isoTime(t.createdAt), isoTime(t.createdAt),
          ),
      () => 'hashed_token',
    );
    return toToken(oneRow(this.db, BY_ID, Number(r.lastInsertRowid)) as Row);
  }

  async byId(id: number): Promise<TokenRecord | undefined> {
    const r = oneRow(this.db, BY_ID, id) as Row | undefined;
    return r ? toToken(r) : undefined;
  }

  async byIds(ids: readonly number[]): Promise<TokenRecord[]> {
    const unique = [...new Set(ids)];
    if (!unique.length) return [];
    return allRows(this.db, `SELECT * FROM tokens WHERE id IN (${placeholders(unique.length)}) ORDER BY id`, ...unique).map(toToken);
  }

  async summariesByIds(ids: readonly number[]): Promise<TokenSummary[]> {
    const unique = [...new Set(ids)];
    if (!unique.length) return [];
    return allRows(this.db, `SELECT ${SUMMARY_COLUMNS} FROM tokens WHERE id IN (${placeholders(unique.length)}) ORDER BY id`, ...unique).map(toTokenSummary);
  }

  async byDigest(hashedToken: string): Promise<TokenRecord | undefined> {
    const r = oneRow(this.db, BY_DIGEST, hashedToken) as Row | undefined;
    return r ? toToken(r) : undefined;
  }

  async byDigestWithUser(hashedToken: string): Promise<{ token: TokenRecord; user: UserRecord } | undefined> {
    readStatement(this.db);
    const a = this.withUserStmt.get(hashedToken) as unknown as unknown[] | undefined;
    if (!a) return undefined;
    const t: Row = {};
    TOKEN_COLUMNS.forEach((c, i) => (t[c] = a[i]));
    const u: Row = {};
    const off = TOKEN_COLUMNS.length;
    USER_COLUMNS.forEach((c, i) => (u[c] = a[off + i]));
    u.two_factor_enabled = a[off + USER_COLUMNS.length];
    return { token: toToken(t), user: toUser(u) };
  }

  private where(q: TokenQuery): { sql: string; args: SQLInputValue[] } {
    const conds: string[] = [];
    const args: SQLInputValue[] = [];
    if (q.userId !== undefined) { conds.push('user_id = ?'); args.push(q.userId); }
    if (q.kind !== undefined) { conds.push('kind = ?'); args.push(q.kind); }
    if (q.kinds) { conds.push(`kind IN (${placeholders(q.kinds.length)})`); args.push(...q.kinds); }
    if (q.statuses?.length) { conds.push(`status IN (${q.statuses.map(() => '?').join(', ')})`); args.push(...q.statuses); }
    if (q.resourceOwnerType !== undefined) { conds.push('resource_owner_type = ?'); args.push(q.resourceOwnerType); }
    if (q.resourceOwnerId !== undefined) { conds.push('resource_owner_id = ?'); args.push(q.resourceOwnerId); }
    if (q.clientId !== undefined) {
      if (q.clientId === null) conds.push('client_id IS NULL');
      else { conds.push('client_id = ?'); args.push(q.clientId); }
    }
    if (q.shownStatus) {
      const c = shownStatusCondition(q.shownStatus);
      conds.push(c.sql);
      args.push(...c.values.map((v) => (v instanceof Date ? isoTime(v) : v)));
    }
    return { sql: conds.length ? `WHERE ${conds.join(' AND ')}` : '', args };
  }

  private rows(columns: string, q: TokenQuery): Row[] {
    const { sql, args } = this.where(q);
    return allRows(this.db, `SELECT ${columns} FROM tokens ${sql} ORDER BY id DESC ${PAGE_CLAUSE}`, ...args, q.limit ?? -1, q.offset ?? 0);
  }

  async list(q: TokenQuery): Promise<TokenRecord[]> {
    return this.rows('*', q).map(toToken);
  }

  async listShown(q: TokenQuery): Promise<ShownToken[]> {
    return this.rows(SHOWN_COLUMNS, q).map(toShownToken);
  }

  async count(q: TokenQuery): Promise<number> {
    const { sql, args } = this.where(q);
    const { n } = oneRow(this.db, `SELECT COUNT(*) AS n FROM tokens ${sql}`, ...args) as { n: number };
    return Number(n);
  }

  async findByNote(userId: number, kind: TokenKind, note: string, fingerprint: string | null): Promise<TokenRecord | undefined> {
    const r = oneRow(this.db,
        `SELECT * FROM tokens WHERE user_id = ? AND kind = ? AND note = ? AND COALESCE(fingerprint, '') = ?
         AND status != 'revoked' LIMIT 1`,
      userId, kind, note, fingerprint ?? '') as Row | undefined;
    return r ? toToken(r) : undefined;
  }

  async findByClient(userId: number, clientId: string, fingerprint: string | null): Promise<TokenRecord | undefined> {
    const r = oneRow(this.db,
        `SELECT * FROM tokens WHERE user_id = ? AND client_id = ? AND COALESCE(fingerprint, '') = ?
         AND status != 'revoked' ORDER BY id LIMIT 1`,
      userId, clientId, fingerprint ?? '') as Row | undefined;
    return r ? toToken(r) : undefined;
  }

  async update(id: number, u: TokenUpdate): Promise<TokenRecord | undefined> {
    const columns = tokenUpdateColumns(u);
    const sets = ['updated_at = ?', ...columns.map(([col]) => `${col} = ?`)];
    const args: SQLInputValue[] = [isoTime(u.updatedAt), ...columns.map(([, v]) => (v instanceof Date ? isoTime(v) : v))];
    statement(this.db, `UPDATE tokens SET ${sets.join(', ')} WHERE id = ?`).run(...args, id);
    return this.byId(id);
  }

  async replaceSecret(
    id: number,
    s: { previousDigest: string; hashedToken: string; tokenLastEight: string; expiresAt?: Date | null; updatedAt: Date },
  ): Promise<TokenRecord | undefined> {
    // One conditional UPDATE: of two regenerations that read the same secret, only one replaces it.
    const changes = mapUnique(() => {
      const r =
        s.expiresAt !== undefined
          ? statement(this.db, 'UPDATE tokens SET hashed_token = ?, token_last_eight = ?, expires_at = ?, updated_at = ? WHERE id = ? AND hashed_token = ?')
              .run(s.hashedToken, s.tokenLastEight, isoTimeOrNull(s.expiresAt), isoTime(s.updatedAt), id, s.previousDigest)
          : statement(this.db, 'UPDATE tokens SET hashed_token = ?, token_last_eight = ?, updated_at = ? WHERE id = ? AND hashed_token = ?')
              .run(s.hashedToken, s.tokenLastEight, isoTime(s.updatedAt), id, s.previousDigest);
      return Number(r.changes);
    }, () => 'hashed_token');
    return changes === 1 ? this.byId(id) : undefined;
  }

  async touchLastUsed(id: number, now: Date, minIntervalMs: number): Promise<boolean> {
    writeStatement(this.db);
    const changed = Number(this.touchStmt.run(isoTime(now), id, isoTime(new Date(now.getTime() - minIntervalMs))).changes);
    // Bookkeeping, not a change any cache must see (Store.changeVersion); outside a transaction
    // only, where the row is committed the moment it is written.
    if (!this.db.isTransaction) this.changes.ignore(changed);
    return changed > 0;
  }

  async latestUse(userId: number): Promise<Date | null> {
    const r = oneRow(this.db, 'SELECT MAX(last_used_at) AS latest FROM tokens WHERE user_id = ?', userId) as Row | undefined;
    return dateOrNull(r?.latest);
  }

  async setSudoUntil(id: number, until: Date | null): Promise<void> {
    statement(this.db, 'UPDATE tokens SET sudo_until = ? WHERE id = ?').run(isoTimeOrNull(until), id);
  }

  async delete(id: number): Promise<boolean> {
    return Number(statement(this.db, 'DELETE FROM tokens WHERE id = ?').run(id).changes) > 0;
  }

  private revokeWhere(where: string, args: SQLInputValue[], now: Date, reason: string): TokenRecord[] {
    return inTransaction(this.db, () => {
      const rows = allRows(this.db, `SELECT * FROM tokens WHERE ${where}`, ...args).map(toToken);
      const upd = statement(this.db, `UPDATE tokens SET status = 'revoked', status_reason = ?, sudo_until = NULL, updated_at = ? WHERE id = ?`);
      for (const t of rows) upd.run(reason, isoTime(now), t.id);
      return rows;
    });
  }

  async revokeUnusedSince(cutoff: Date, now: Date, reason: string): Promise<TokenRecord[]> {
    return this.revokeWhere(
      `status IN ('active', 'pending') AND COALESCE(last_used_at, created_at) <= ?`,
      [isoTime(cutoff)],
      now,
      reason,
    );
  }

  async revokeByDigests(digests: string[], now: Date, reason: string): Promise<TokenRecord[]> {
    if (digests.length === 0) return [];
    const out: TokenRecord[] = [];
    // Bounded chunks keep the statement under SQLite's parameter limit.
    for (let i = 0; i < digests.length; i += 500) {
      const chunk = digests.slice(i, i + 500);
      out.push(...this.revokeWhere(`status != 'revoked' AND hashed_token IN (${chunk.map(() => '?').join(', ')})`, chunk, now, reason));
    }
    return out;
  }
}
