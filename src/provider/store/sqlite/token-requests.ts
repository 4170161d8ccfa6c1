import type { DatabaseSync, SQLInputValue } from 'node:sqlite';
import type { TokenGrantQuery, TokenGrantRecord, TokenRequestQuery, TokenRequestRecord, TokenRequestStatus, TokenRequestStore, TokenRequestTokenFilter } from '../token-requests';
import { date, dateOrNull, numOrNull, Row, strOrNull } from './rows';
import { isoTime } from '../../iso-time';
import { inTransaction, placeholders } from './transaction';
import { PAGE_CLAUSE, allRows, oneRow, statement } from './statements';

export function toRequest(r: Row): TokenRequestRecord {
  return {
    id: Number(r.id),
    orgId: Number(r.org_id),
    tokenId: Number(r.token_id),
    userId: Number(r.user_id),
    status: r.status as TokenRequestStatus,
    justification: strOrNull(r.justification),
    reviewReason: strOrNull(r.review_reason),
    reviewerId: numOrNull(r.reviewer_id),
    createdAt: date(r.created_at),
    reviewedAt: dateOrNull(r.reviewed_at),
  };
}

export function toGrant(r: Row): TokenGrantRecord {
  return { tokenId: Number(r.token_id), orgId: Number(r.org_id), grantedAt: date(r.granted_at), grantedBy: numOrNull(r.granted_by) };
}

/** The conditions of `f` on the token itself (alias `t`): its repositories, permissions, last use. */
function tokenConditions(f: TokenRequestTokenFilter, args: SQLInputValue[]): string[] {
  const conds: string[] = [];
  if (f.repositoryId !== undefined) {
    conds.push(`(t.repository_selection IS NULL OR t.repository_selection = 'all' OR (t.repository_selection = 'subset'
      AND EXISTS (SELECT 1 FROM token_repositories tr WHERE tr.token_id = t.id AND tr.repository_id = ?)))`);
    args.push(f.repositoryId);
  }
  if (f.permission !== undefined) {
    conds.push(`EXISTS (SELECT 1 FROM json_each(t.permissions) g, json_each(g.value) p WHERE g.type = 'object' AND p.key = ?)`);
    args.push(f.permission);
  }
  if (f.lastUsedBefore) { conds.push('t.last_used_at < ?'); args.push(isoTime(f.lastUsedBefore)); }
  if (f.lastUsedAfter) { conds.push('t.last_used_at > ?'); args.push(isoTime(f.lastUsedAfter)); }
  return conds;
}

/** The grants in force of the query's org (see TokenGrantQuery), joined with their tokens (`t`). */
function grantsFrom(q: TokenGrantQuery): { sql: string; args: SQLInputValue[] } {
  const args: SQLInputValue[] = [q.orgId];
  const conds = ['gr.org_id = ?', "t.kind = 'fine_grained'", "t.resource_owner_type = 'Organization'", 't.resource_owner_id = gr.org_id', "t.status = 'active'"];
  const f = q.token;
  if (f?.userIds) { conds.push(`t.user_id IN (${placeholders(f.userIds.length) || 'NULL'})`); args.push(...f.userIds); }
  if (f?.tokenIds) { conds.push(`gr.token_id IN (${placeholders(f.tokenIds.length) || 'NULL'})`); args.push(...f.tokenIds); }
  if (f) conds.push(...tokenConditions(f, args));
  return { sql: `FROM token_grants gr JOIN tokens t ON t.id = gr.token_id WHERE ${conds.join(' AND ')}`, args };
}

export class SqliteTokenRequestStore implements TokenRequestStore {
  constructor(private readonly db: DatabaseSync) {}

  private cancel(tokenId: number, now: Date): number {
    return Number(
      statement(this.db, `UPDATE token_requests SET status = 'cancelled', reviewed_at = ? WHERE token_id = ? AND status = 'pending'`).run(isoTime(now), tokenId)
        .changes,
    );
  }

  async create(r: { orgId: number; tokenId: number; userId: number; justification: string | null; createdAt: Date }): Promise<TokenRequestRecord> {
    return inTransaction(this.db, () => {
      this.cancel(r.tokenId, r.createdAt);
      const res = statement(this.db, `INSERT INTO token_requests (org_id, token_id, user_id, status, justification, created_at) VALUES (?, ?, ?, 'pending', ?, ?)`)
        .run(r.orgId, r.tokenId, r.userId, r.justification, isoTime(r.createdAt));
      return toRequest(oneRow(this.db, 'SELECT * FROM token_requests WHERE id = ?', Number(res.lastInsertRowid)) as Row);
    });
  }

  async byId(orgId: number, id: number): Promise<TokenRequestRecord | undefined> {
    const r = oneRow(this.db, 'SELECT * FROM token_requests WHERE org_id = ? AND id = ?', orgId, id) as Row | undefined;
    return r ? toRequest(r) : undefined;
  }

  private where(q: TokenRequestQuery): { sql: string; args: SQLInputValue[] } {
    const conds: string[] = [];
    const args: SQLInputValue[] = [];
    if (q.orgId !== undefined) { conds.push('org_id = ?'); args.push(q.orgId); }
    if (q.tokenId !== undefined) { conds.push('token_id = ?'); args.push(q.tokenId); }
    if (q.userId !== undefined) { conds.push('user_id = ?'); args.push(q.userId); }
    if (q.status !== undefined) { conds.push('status = ?'); args.push(q.status); }
    const f = q.token;
    if (f?.userIds) { conds.push(`user_id IN (${placeholders(f.userIds.length) || 'NULL'})`); args.push(...f.userIds); }
    if (f?.tokenIds) { conds.push(`token_id IN (${placeholders(f.tokenIds.length) || 'NULL'})`); args.push(...f.tokenIds); }
    const onToken = f ? tokenConditions(f, args) : [];
    if (onToken.length) conds.push(`EXISTS (SELECT 1 FROM tokens t WHERE t.id = token_requests.token_id AND ${onToken.join(' AND ')})`);
    return { sql: conds.length ? `WHERE ${conds.join(' AND ')}` : '', args };
  }

  async list(q: TokenRequestQuery): Promise<TokenRequestRecord[]> {
    const { sql, args } = this.where(q);
    return (
      allRows(this.db, `SELECT * FROM token_requests ${sql} ORDER BY id ${q.descending ? 'DESC' : 'ASC'} ${PAGE_CLAUSE}`, ...args, q.limit ?? -1, q.offset ?? 0)
    ).map(toRequest);
  }

  async count(q: TokenRequestQuery): Promise<number> {
    const { sql, args } = this.where(q);
    const { n } = oneRow(this.db, `SELECT COUNT(*) AS n FROM token_requests ${sql}`, ...args) as { n: number };
    return Number(n);
  }

  async cancelPending(tokenId: number, now: Date): Promise<number> {
    return this.cancel(tokenId, now);
  }

  async review(
    ids: number[],
    orgId: number,
    r: { approve: boolean; reason: string | null; reviewerId: number; now: Date },
  ): Promise<TokenRequestRecord[] | undefined> {
    if (!ids.length) return [];
    return inTransaction(this.db, () => {
      const rows = (
        allRows(this.db, `SELECT * FROM token_requests WHERE org_id = ? AND status = 'pending' AND id IN (${placeholders(ids.length)})`, orgId, ...ids)
      ).map(toRequest);
      if (rows.length !== new Set(ids).size) return undefined;
      const status = r.approve ? 'approved' : 'denied';
      const upd = statement(this.db, 'UPDATE token_requests SET status = ?, review_reason = ?, reviewer_id = ?, reviewed_at = ? WHERE id = ?');
      const grant = statement(this.db,
        `INSERT INTO token_grants (token_id, org_id, granted_at, granted_by) VALUES (?, ?, ?, ?)
         ON CONFLICT (token_id) DO UPDATE SET org_id = excluded.org_id, granted_at = excluded.granted_at, granted_by = excluded.granted_by`,
      );
      for (const req of rows) {
        upd.run(status, r.reason, r.reviewerId, isoTime(r.now), req.id);
        if (r.approve) grant.run(req.tokenId, orgId, isoTime(r.now), r.reviewerId);
        Object.assign(req, { status, reviewReason: r.reason, reviewerId: r.reviewerId, reviewedAt: r.now });
      }
      return rows;
    });
  }

  async grant(g: TokenGrantRecord): Promise<void> {
    statement(this.db,
        `INSERT INTO token_grants (token_id, org_id, granted_at, granted_by) VALUES (?, ?, ?, ?)
         ON CONFLICT (token_id) DO UPDATE SET org_id = excluded.org_id, granted_at = excluded.granted_at, granted_by = excluded.granted_by`,
      )
      .run(g.tokenId, g.orgId, isoTime(g.grantedAt), g.grantedBy);
  }

  async grantOf(tokenId: number): Promise<TokenGrantRecord | undefined> {
    const r = oneRow(this.db, 'SELECT * FROM token_grants WHERE token_id = ?', tokenId) as Row | undefined;
    return r ? toGrant(r) : undefined;
  }

  async grants(q: TokenGrantQuery): Promise<TokenGrantRecord[]> {
    const { sql, args } = grantsFrom(q);
    const dir = q.descending ? 'DESC' : 'ASC';
    return allRows(this.db, `SELECT gr.* ${sql} ORDER BY gr.granted_at ${dir}, gr.token_id ${dir} ${PAGE_CLAUSE}`, ...args, q.limit ?? -1, q.offset ?? 0).map(toGrant);
  }

  async grantCount(q: TokenGrantQuery): Promise<number> {
    const { sql, args } = grantsFrom(q);
    const { n } = oneRow(this.db, `SELECT COUNT(*) AS n ${sql}`, ...args) as { n: number };
    return Number(n);
  }

  async revokeGrant(tokenId: number): Promise<boolean> {
    return Number(statement(this.db, 'DELETE FROM token_grants WHERE token_id = ?').run(tokenId).changes) > 0;
  }
}
