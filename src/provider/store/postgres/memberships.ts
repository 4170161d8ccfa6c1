import type { MembershipQuery, MembershipRecord, MembershipStore, OrgRole } from '../memberships';
import { toMembership } from '../sqlite/memberships';
import { Params, PgDb } from './database';

function where(q: MembershipQuery, p: Params): string {
  const conds: string[] = [];
  if (q.orgId !== undefined) conds.push(`org_id = ${p.add(q.orgId)}`);
  if (q.userId !== undefined) conds.push(`user_id = ${p.add(q.userId)}`);
  if (q.state !== undefined) conds.push(`state = ${p.add(q.state)}`);
  if (q.role !== undefined) conds.push(`role = ${p.add(q.role)}`);
  return conds.length ? `WHERE ${conds.join(' AND ')}` : '';
}

export class PgMembershipStore implements MembershipStore {
  constructor(private readonly db: PgDb) {}

  async get(orgId: number, userId: number): Promise<MembershipRecord | undefined> {
    const r = await this.db.row('SELECT * FROM org_memberships WHERE org_id = $1 AND user_id = $2', [orgId, userId]);
    return r ? toMembership(r) : undefined;
  }

  async list(q: MembershipQuery): Promise<MembershipRecord[]> {
    const p = new Params();
    const w = where(q, p);
    const rows = await this.db.rows(
      `SELECT * FROM org_memberships ${w} ORDER BY created_at, org_id, user_id LIMIT ${p.add(q.limit ?? null)} OFFSET ${p.add(q.offset ?? 0)}`,
      p.values,
    );
    return rows.map(toMembership);
  }

  async count(q: MembershipQuery): Promise<number> {
    const p = new Params();
    return Number((await this.db.row(`SELECT COUNT(*) AS n FROM org_memberships ${where(q, p)}`, p.values))!.n);
  }

  async upsert(m: { orgId: number; userId: number; role: OrgRole; invitedBy: number | null; now: Date }): Promise<MembershipRecord> {
    const r = await this.db.write(
      `INSERT INTO org_memberships (org_id, user_id, role, state, invited_by, created_at, updated_at)
       VALUES ($1, $2, $3, 'pending', $4, $5, $5)
       ON CONFLICT (org_id, user_id) DO UPDATE SET role = excluded.role, updated_at = excluded.updated_at
       RETURNING *`,
      [m.orgId, m.userId, m.role, m.invitedBy, m.now],
    );
    return toMembership(r.rows[0]);
  }

  async activate(orgId: number, userId: number, now: Date): Promise<MembershipRecord | undefined> {
    const r = await this.db.write(`UPDATE org_memberships SET state = 'active', updated_at = $1 WHERE org_id = $2 AND user_id = $3 RETURNING *`, [
      now, orgId, userId,
    ]);
    return r.rows[0] ? toMembership(r.rows[0]) : undefined;
  }

  async remove(orgId: number, userId: number): Promise<boolean> {
    return (await this.db.changes('DELETE FROM org_memberships WHERE org_id = $1 AND user_id = $2', [orgId, userId])) > 0;
  }
}
