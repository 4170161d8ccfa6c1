import type { TokenGrantQuery, TokenGrantRecord, TokenRequestQuery, TokenRequestRecord, TokenRequestStore, TokenRequestTokenFilter } from '../token-requests';
import { toGrant, toRequest } from '../sqlite/token-requests';
import { Params, PgDb } from './database';

const UPSERT_GRANT = `INSERT INTO token_grants (token_id, org_id, granted_at, granted_by) VALUES ($1, $2, $3, $4)
  ON CONFLICT (token_id) DO UPDATE SET org_id = excluded.org_id, granted_at = excluded.granted_at, granted_by = excluded.granted_by`;

/** The conditions of `f` on the token itself (alias `t`): its repositories, permissions, last use. */
function tokenConditions(f: TokenRequestTokenFilter, p: Params): string[] {
  const conds: string[] = [];
  if (f.repositoryId !== undefined) {
    conds.push(`(t.repository_selection IS NULL OR t.repository_selection = 'all' OR (t.repository_selection = 'subset'
      AND EXISTS (SELECT 1 FROM token_repositories tr WHERE tr.token_id = t.id AND tr.repository_id = ${p.add(f.repositoryId)})))`);
  }
  if (f.permission !== undefined) {
    conds.push(`EXISTS (SELECT 1 FROM jsonb_each(t.permissions::jsonb) g WHERE jsonb_typeof(g.value) = 'object' AND g.value ? ${p.add(f.permission)})`);
  }
  if (f.lastUsedBefore) conds.push(`t.last_used_at < ${p.add(f.lastUsedBefore)}`);
  if (f.lastUsedAfter) conds.push(`t.last_used_at > ${p.add(f.lastUsedAfter)}`);
  return conds;
}

/** The grants in force of the query's org (see TokenGrantQuery), joined with their tokens (`t`). */
function grantsFrom(q: TokenGrantQuery, p: Params): string {
  const conds = [`gr.org_id = ${p.add(q.orgId)}`, "t.kind = 'fine_grained'", "t.resource_owner_type = 'Organization'", 't.resource_owner_id = gr.org_id', "t.status = 'active'"];
  const f = q.token;
  if (f?.userIds) conds.push(`t.user_id = ANY(${p.add(f.userIds)}::bigint[])`);
  if (f?.tokenIds) conds.push(`gr.token_id = ANY(${p.add(f.tokenIds)}::bigint[])`);
  if (f) conds.push(...tokenConditions(f, p));
  return `FROM token_grants gr JOIN tokens t ON t.id = gr.token_id WHERE ${conds.join(' AND ')}`;
}

export class PgTokenRequestStore implements TokenRequestStore {
  constructor(private readonly db: PgDb) {}

  private cancel(db: PgDb, tokenId: number, now: Date): Promise<number> {
    return db.changes(`UPDATE token_requests SET status = 'cancelled', reviewed_at = $1 WHERE token_id = $2 AND status = 'pending'`, [now, tokenId]);
  }

  async create(r: { orgId: number; tokenId: number; userId: number; justification: string | null; createdAt: Date }): Promise<TokenRequestRecord> {
    return this.db.transaction(async (tx) => {
      // Two requests for one token at once: the second waits here, then cancels the first's.
      await tx.rows('SELECT id FROM tokens WHERE id = $1 FOR UPDATE', [r.tokenId]);
      await this.cancel(tx, r.tokenId, r.createdAt);
      const res = await tx.write(
        `INSERT INTO token_requests (org_id, token_id, user_id, status, justification, created_at) VALUES ($1, $2, $3, 'pending', $4, $5) RETURNING *`,
        [r.orgId, r.tokenId, r.userId, r.justification, r.createdAt],
      );
      return toRequest(res.rows[0]);
    });
  }

  async byId(orgId: number, id: number): Promise<TokenRequestRecord | undefined> {
    const r = await this.db.row('SELECT * FROM token_requests WHERE org_id = $1 AND id = $2', [orgId, id]);
    return r ? toRequest(r) : undefined;
  }

  private where(q: TokenRequestQuery, p: Params): string {
    const conds: string[] = [];
    // An org as one element of an array: org_id stays a sort key (see userIs in ./tokens).
    if (q.orgId !== undefined) conds.push(`org_id = ANY(ARRAY[${p.add(q.orgId)}]::bigint[])`);
    if (q.tokenId !== undefined) conds.push(`token_id = ${p.add(q.tokenId)}`);
    if (q.userId !== undefined) conds.push(`user_id = ${p.add(q.userId)}`);
    if (q.status !== undefined) conds.push(`status = ${p.add(q.status)}`);
    const f = q.token;
    if (f?.userIds) conds.push(`user_id = ANY(${p.add(f.userIds)}::bigint[])`);
    if (f?.tokenIds) conds.push(`token_id = ANY(${p.add(f.tokenIds)}::bigint[])`);
    const onToken = f ? tokenConditions(f, p) : [];
    if (onToken.length) conds.push(`EXISTS (SELECT 1 FROM tokens t WHERE t.id = token_requests.token_id AND ${onToken.join(' AND ')})`);
    return conds.length ? `WHERE ${conds.join(' AND ')}` : '';
  }

  async list(q: TokenRequestQuery): Promise<TokenRequestRecord[]> {
    const p = new Params();
    const where = this.where(q, p);
    // An org's requests in the order of its (org_id, status, id) index.
    const dir = q.descending ? 'DESC' : 'ASC';
    const order = q.orgId !== undefined ? `org_id ${dir}, id ${dir}` : `id ${dir}`;
    const sql = `SELECT * FROM token_requests ${where} ORDER BY ${order} LIMIT ${p.add(q.limit ?? null)} OFFSET ${p.add(q.offset ?? 0)}`;
    return (await this.db.rows(sql, p.values)).map(toRequest);
  }

  async count(q: TokenRequestQuery): Promise<number> {
    const p = new Params();
    const where = this.where(q, p);
    return Number((await this.db.row(`SELECT COUNT(*) AS n FROM token_requests ${where}`, p.values))!.n);
  }

  async cancelPending(tokenId: number, now: Date): Promise<number> {
    return this.cancel(this.db, tokenId, now);
  }

  async review(
    ids: number[],
    orgId: number,
    r: { approve: boolean; reason: string | null; reviewerId: number; now: Date },
  ): Promise<TokenRequestRecord[] | undefined> {
    if (!ids.length) return [];
    return this.db.transaction(async (tx) => {
      // Locked: a concurrent review of the same requests waits, then finds them no longer pending.
      const rows = (
        await tx.rows(`SELECT * FROM token_requests WHERE org_id = $1 AND status = 'pending' AND id = ANY($2::bigint[]) ORDER BY id FOR UPDATE`, [orgId, ids])
      ).map(toRequest);
      if (rows.length !== new Set(ids).size) return undefined;
      const status = r.approve ? 'approved' : 'denied';
      for (const req of rows) {
        await tx.write('UPDATE token_requests SET status = $1, review_reason = $2, reviewer_id = $3, reviewed_at = $4 WHERE id = $5', [
          status, r.reason, r.reviewerId, r.now, req.id,
        ]);
        if (r.approve) await tx.write(UPSERT_GRANT, [req.tokenId, orgId, r.now, r.reviewerId]);
        Object.assign(req, { status, reviewReason: r.reason, reviewerId: r.reviewerId, reviewedAt: r.now });
      }
      return rows;
    });
  }

  async grant(g: TokenGrantRecord): Promise<void> {
    await this.db.write(UPSERT_GRANT, [g.tokenId, g.orgId, g.grantedAt, g.grantedBy]);
  }

  async grantOf(tokenId: number): Promise<TokenGrantRecord | undefined> {
    const r = await this.db.row('SELECT * FROM token_grants WHERE token_id = $1', [tokenId]);
    return r ? toGrant(r) : undefined;
  }

  async grants(q: TokenGrantQuery): Promise<TokenGrantRecord[]> {
    const p = new Params();
    const from = grantsFrom(q, p);
    const dir = q.descending ? 'DESC' : 'ASC';
    const sql = `SELECT gr.* ${from} ORDER BY gr.granted_at ${dir}, gr.token_id ${dir} LIMIT ${p.add(q.limit ?? null)} OFFSET ${p.add(q.offset ?? 0)}`;
    return (await this.db.rows(sql, p.values)).map(toGrant);
  }

  async grantCount(q: TokenGrantQuery): Promise<number> {
    const p = new Params();
    return Number((await this.db.row(`SELECT COUNT(*) AS n ${grantsFrom(q, p)}`, p.values))!.n);
  }

  async revokeGrant(tokenId: number): Promise<boolean> {
    return (await this.db.changes('DELETE FROM token_grants WHERE token_id = $1', [tokenId])) > 0;
  }
}
