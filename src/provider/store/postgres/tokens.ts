import type { TokenKind } from '../../../shared/token-format';
import { shownStatusCondition, tokenUpdateColumns, type NewToken, type ShownToken, type TokenQuery, type TokenRecord, type TokenStore, type TokenSummary, type TokenUpdate } from '../tokens';
import type { UserRecord } from '../users';
import { dateOrNull } from '../sqlite/rows';
import { SHOWN_COLUMNS, SUMMARY_COLUMNS, TOKEN_COLUMNS, toShownToken, toToken, toTokenSummary } from '../sqlite/tokens';
import { toUser, USER_COLUMNS } from '../sqlite/users';
import { mapUnique, Params, PgDb, Row } from './database';

const WITH_USER = `SELECT ${TOKEN_COLUMNS.map((c) => `t.${c} AS t_${c}`).join(', ')}, ${USER_COLUMNS.map((c) => `u.${c} AS u_${c}`).join(', ')},
    COALESCE(f.enabled, FALSE) AS u_two_factor_enabled
  FROM tokens t JOIN users u ON u.id = t.user_id LEFT JOIN two_factor f ON f.user_id = u.id
  WHERE t.hashed_token = $1`;

function split(r: Row): { token: TokenRecord; user: UserRecord } {
  const t: Row = {};
  for (const c of TOKEN_COLUMNS) t[c] = r[`t_${c}`];
  const u: Row = { two_factor_enabled: r.u_two_factor_enabled };
  for (const c of USER_COLUMNS) u[c] = r[`u_${c}`];
  return { token: toToken(t), user: toUser(u) };
}

/**
 * `user_id` is this one user, written so that user_id stays a sort key: with a plain `=` the
 * planner drops it from ORDER BY and may walk the primary key backwards through every user's
 * tokens instead of the user's own index entries.
 */
function userIs(param: string): string {
  return `user_id = ANY(ARRAY[${param}]::bigint[])`;
}

export class PgTokenStore implements TokenStore {
  constructor(private readonly db: PgDb) {}

  async create(t: NewToken): Promise<TokenRecord> {
    const r = await mapUnique(
      this.db,
      () =>
        this.db.write(
          `INSERT INTO tokens (user_id, kind, note, description, note_url, client_id, fingerprint, scopes,
             resource_owner_type, resource_owner_id, repository_selection, permissions, status, justification,
             expires_at, sudo_until, token_last_eight, hashed_token, created_at, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $19) RETURNING *`,
          [
            t.userId, t.kind, t.note, t.description ?? null, t.noteUrl ?? null, t.clientId ?? null, t.fingerprint ?? null,
            JSON.stringify(t.scopes ?? []), t.resourceOwnerType ?? null, t.resourceOwnerId ?? null,
            t.repositorySelection ?? null, t.permissions ? JSON.stringify(t.permissions) : null, t.status,
            t.justification ?? null, t.expiresAt, t.sudoUntil ?? null, t.tokenLastEight, t.hashedToken, t.createdAt,
          ],
        ),
      () => 'hashed_token',
    );
    return toToken(r.rows[0]);
  }

  async byId(id: number): Promise<TokenRecord | undefined> {
    const r = await this.db.row('SELECT * FROM tokens WHERE id = $1', [id]);
    return r ? toToken(r) : undefined;
  }

  async byIds(ids: readonly number[]): Promise<TokenRecord[]> {
    if (!ids.length) return [];
    return (await this.db.rows('SELECT * FROM tokens WHERE id = ANY($1::bigint[]) ORDER BY id', [[...new Set(ids)]])).map(toToken);
  }

  async summariesByIds(ids: readonly number[]): Promise<TokenSummary[]> {
    if (!ids.length) return [];
    return (await this.db.rows(`SELECT ${SUMMARY_COLUMNS} FROM tokens WHERE id = ANY($1::bigint[]) ORDER BY id`, [[...new Set(ids)]])).map(toTokenSummary);
  }

  async byDigest(hashedToken: string): Promise<TokenRecord | undefined> {
    const r = await this.db.row('SELECT * FROM tokens WHERE hashed_token = $1', [hashedToken]);
    return r ? toToken(r) : undefined;
  }

  async byDigestWithUser(hashedToken: string): Promise<{ token: TokenRecord; user: UserRecord } | undefined> {
    const r = await this.db.row(WITH_USER, [hashedToken]);
    return r ? split(r) : undefined;
  }

  private where(q: TokenQuery, p: Params): string {
    const conds: string[] = [];
    if (q.userId !== undefined) conds.push(userIs(p.add(q.userId)));
    if (q.kind !== undefined) conds.push(`kind = ${p.add(q.kind)}`);
    if (q.kinds) conds.push(q.kinds.length ? `kind IN (${p.list(q.kinds)})` : 'FALSE');
    if (q.statuses?.length) conds.push(`status IN (${p.list(q.statuses)})`);
    if (q.resourceOwnerType !== undefined) conds.push(`resource_owner_type = ${p.add(q.resourceOwnerType)}`);
    if (q.resourceOwnerId !== undefined) conds.push(`resource_owner_id = ${p.add(q.resourceOwnerId)}`);
    if (q.clientId !== undefined) conds.push(q.clientId === null ? 'client_id IS NULL' : `client_id = ${p.add(q.clientId)}`);
    if (q.shownStatus) {
      const c = shownStatusCondition(q.shownStatus);
      let i = 0;
      conds.push(c.sql.replace(/\?/g, () => p.add(c.values[i++])));
    }
    return conds.length ? `WHERE ${conds.join(' AND ')}` : '';
  }

  private async rows(columns: string, q: TokenQuery): Promise<Row[]> {
    const p = new Params();
    const where = this.where(q, p);
    const page = `LIMIT ${p.add(q.limit ?? null)} OFFSET ${p.add(q.offset ?? 0)}`;
    if (q.userId === undefined) return this.db.rows(`SELECT ${columns} FROM tokens ${where} ORDER BY id DESC ${page}`, p.values);
    // One user's tokens: the page's ids from the (user_id, id, kind) index alone (the offset skips
    // index entries, not rows), then those rows.
    const ids = `SELECT id FROM tokens ${where} ORDER BY user_id DESC, id DESC ${page}`;
    return this.db.rows(`SELECT ${columns} FROM tokens WHERE id IN (${ids}) ORDER BY id DESC`, p.values);
  }

  async list(q: TokenQuery): Promise<TokenRecord[]> {
    return (await this.rows('*', q)).map(toToken);
  }

  async listShown(q: TokenQuery): Promise<ShownToken[]> {
    return (await this.rows(SHOWN_COLUMNS, q)).map(toShownToken);
  }

  async count(q: TokenQuery): Promise<number> {
    const p = new Params();
    const where = this.where(q, p);
    return Number((await this.db.row(`SELECT COUNT(*) AS n FROM tokens ${where}`, p.values))!.n);
  }

  async findByNote(userId: number, kind: TokenKind, note: string, fingerprint: string | null): Promise<TokenRecord | undefined> {
    const r = await this.db.row(
      `SELECT * FROM tokens WHERE user_id = $1 AND kind = $2 AND note = $3 AND COALESCE(fingerprint, '') = $4
       AND status != 'revoked' LIMIT 1`,
      [userId, kind, note, fingerprint ?? ''],
    );
    return r ? toToken(r) : undefined;
  }

  async findByClient(userId: number, clientId: string, fingerprint: string | null): Promise<TokenRecord | undefined> {
    const r = await this.db.row(
      `SELECT * FROM tokens WHERE user_id = $1 AND client_id = $2 AND COALESCE(fingerprint, '') = $3
       AND status != 'revoked' ORDER BY id LIMIT 1`,
      [userId, clientId, fingerprint ?? ''],
    );
    return r ? toToken(r) : undefined;
  }

  async update(id: number, u: TokenUpdate): Promise<TokenRecord | undefined> {
    const p = new Params();
    const sets = [`updated_at = ${p.add(u.updatedAt)}`, ...tokenUpdateColumns(u).map(([col, v]) => `${col} = ${p.add(v)}`)];
    const r = await this.db.write(`UPDATE tokens SET ${sets.join(', ')} WHERE id = ${p.add(id)} RETURNING *`, p.values);
    return r.rows[0] ? toToken(r.rows[0]) : undefined;
  }

  async replaceSecret(
    id: number,
    s: { previousDigest: string; hashedToken: string; tokenLastEight: string; expiresAt?: Date | null; updatedAt: Date },
  ): Promise<TokenRecord | undefined> {
    // One conditional UPDATE: of two regenerations that read the same secret, only one replaces it
    // (the other waits for the row, then finds the digest changed).
    const r = await mapUnique(
      this.db,
      () =>
        s.expiresAt !== undefined
          ? this.db.write('UPDATE tokens SET hashed_token = $1, token_last_eight = $2, expires_at = $3, updated_at = $4 WHERE id = $5 AND hashed_token = $6 RETURNING *', [
              s.hashedToken, s.tokenLastEight, s.expiresAt, s.updatedAt, id, s.previousDigest,
            ])
          : this.db.write('UPDATE tokens SET hashed_token = $1, token_last_eight = $2, updated_at = $3 WHERE id = $4 AND hashed_token = $5 RETURNING *', [
              s.hashedToken, s.tokenLastEight, s.updatedAt, id, s.previousDigest,
            ]),
      () => 'hashed_token',
    );
    return r.rows[0] ? toToken(r.rows[0]) : undefined;
  }

  async touchLastUsed(id: number, now: Date, minIntervalMs: number): Promise<boolean> {
    // Bookkeeping, not a change any cache must see (Store.changeVersion): run as a read, so it
    // does not count as this store's write (the change triggers leave this column out too), and
    // sent again after a lost connection (setting the time twice does no harm).
    const r = await this.db.rows(
      'UPDATE tokens SET last_used_at = $1 WHERE id = $2 AND (last_used_at IS NULL OR last_used_at <= $3) RETURNING id',
      [now, id, new Date(now.getTime() - minIntervalMs)],
    );
    return r.length > 0;
  }

  async latestUse(userId: number): Promise<Date | null> {
    const r = await this.db.row('SELECT MAX(last_used_at) AS latest FROM tokens WHERE user_id = $1', [userId]);
    return dateOrNull(r?.latest);
  }

  async setSudoUntil(id: number, until: Date | null): Promise<void> {
    await this.db.write('UPDATE tokens SET sudo_until = $1 WHERE id = $2', [until, id]);
  }

  async delete(id: number): Promise<boolean> {
    return (await this.db.changes('DELETE FROM tokens WHERE id = $1', [id])) > 0;
  }

  /**
   * One statement: the matching rows are locked (a concurrent revoke's rows are re-checked and
   * skipped once revoked), updated, and returned as they were before.
   */
  private async revokeWhere(where: string, p: Params, now: Date, reason: string): Promise<TokenRecord[]> {
    const r = await this.db.write(
      `WITH old AS (SELECT * FROM tokens WHERE ${where} FOR UPDATE)
       UPDATE tokens t SET status = 'revoked', status_reason = ${p.add(reason)}, sudo_until = NULL, updated_at = ${p.add(now)}
       FROM old WHERE t.id = old.id
       RETURNING ${TOKEN_COLUMNS.map((c) => `old.${c}`).join(', ')}`,
      p.values,
    );
    return r.rows.map(toToken).sort((a, b) => a.id - b.id);
  }

  async revokeUnusedSince(cutoff: Date, now: Date, reason: string): Promise<TokenRecord[]> {
    const p = new Params();
    return this.revokeWhere(`status IN ('active', 'pending') AND COALESCE(last_used_at, created_at) <= ${p.add(cutoff)}`, p, now, reason);
  }

  async revokeByDigests(digests: string[], now: Date, reason: string): Promise<TokenRecord[]> {
    if (digests.length === 0) return [];
    const p = new Params();
    return this.revokeWhere(`status != 'revoked' AND hashed_token = ANY(${p.add(digests)}::text[])`, p, now, reason);
  }
}
