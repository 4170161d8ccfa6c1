import type { DatabaseSync, SQLInputValue } from 'node:sqlite';
import type { MembershipQuery, MembershipRecord, MembershipStore, OrgRole } from '../memberships';
import { date, numOrNull, Row } from './rows';
import { isoTime } from '../../iso-time';
import { PAGE_CLAUSE, allRows, oneRow, statement } from './statements';

export function toMembership(r: Row): MembershipRecord {
  return {
    orgId: Number(r.org_id),
    userId: Number(r.user_id),
    role: r.role === 'owner' ? 'owner' : 'member',
    state: r.state === 'active' ? 'active' : 'pending',
    invitedBy: numOrNull(r.invited_by),
    createdAt: date(r.created_at),
    updatedAt: date(r.updated_at),
  };
}

export class SqliteMembershipStore implements MembershipStore {
  constructor(private readonly db: DatabaseSync) {}

  async get(orgId: number, userId: number): Promise<MembershipRecord | undefined> {
    const r = oneRow(this.db, 'SELECT * FROM org_memberships WHERE org_id = ? AND user_id = ?', orgId, userId) as Row | undefined;
    return r ? toMembership(r) : undefined;
  }

  private where(q: MembershipQuery): { sql: string; args: SQLInputValue[] } {
    const conds: string[] = [];
    const args: SQLInputValue[] = [];
    if (q.orgId !== undefined) { conds.push('org_id = ?'); args.push(q.orgId); }
    if (q.userId !== undefined) { conds.push('user_id = ?'); args.push(q.userId); }
    if (q.state !== undefined) { conds.push('state = ?'); args.push(q.state); }
    if (q.role !== undefined) { conds.push('role = ?'); args.push(q.role); }
    return { sql: conds.length ? `WHERE ${conds.join(' AND ')}` : '', args };
  }

  async list(q: MembershipQuery): Promise<MembershipRecord[]> {
    const { sql, args } = this.where(q);
    const rows = allRows(this.db, `SELECT * FROM org_memberships ${sql} ORDER BY created_at, org_id, user_id ${PAGE_CLAUSE}`, ...args, q.limit ?? -1, q.offset ?? 0);
    return rows.map(toMembership);
  }

  async count(q: MembershipQuery): Promise<number> {
    const { sql, args } = this.where(q);
    const { n } = oneRow(this.db, `SELECT COUNT(*) AS n FROM org_memberships ${sql}`, ...args) as { n: number };
    return Number(n);
  }

  async upsert(m: { orgId: number; userId: number; role: OrgRole; invitedBy: number | null; now: Date }): Promise<MembershipRecord> {
    statement(this.db,
        `INSERT INTO org_memberships (org_id, user_id, role, state, invited_by, created_at, updated_at)
         VALUES (?, ?, ?, 'pending', ?, ?, ?)
         ON CONFLICT (org_id, user_id) DO UPDATE SET role = excluded.role, updated_at = excluded.updated_at`,
      )
      .run(m.orgId, m.userId, m.role, m.invitedBy, isoTime(m.now), isoTime(m.now));
    return (await this.get(m.orgId, m.userId))!;
  }

  async activate(orgId: number, userId: number, now: Date): Promise<MembershipRecord | undefined> {
    statement(this.db, `UPDATE org_memberships SET state = 'active', updated_at = ? WHERE org_id = ? AND user_id = ?`).run(isoTime(now), orgId, userId);
    return this.get(orgId, userId);
  }

  async remove(orgId: number, userId: number): Promise<boolean> {
    return Number(statement(this.db, 'DELETE FROM org_memberships WHERE org_id = ? AND user_id = ?').run(orgId, userId).changes) > 0;
  }
}
