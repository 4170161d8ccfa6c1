import type { AuditEventRecord, AuditFilter, AuditQuery, AuditStore, NewAuditEvent } from '../audit';
import { toEvent } from '../sqlite/audit';
import { Params, PgDb } from './database';

export class PgAuditStore implements AuditStore {
  constructor(private readonly db: PgDb) {}

  async append(e: NewAuditEvent): Promise<AuditEventRecord> {
    // An appended event is not a change any cache must see (Store.changeVersion): bookkeeping, so
    // it does not count as this store's write (the audit table has no change trigger either), and
    // it is never sent twice.
    const r = await this.db.bookkeeping(
      `INSERT INTO audit_events (action, created_at, actor_id, actor_login, user_id, user_login, org_id, org_login, token_id, actor_ip, data)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING *`,
      [e.action, e.createdAt, e.actorId, e.actorLogin, e.userId, e.userLogin, e.orgId, e.orgLogin, e.tokenId, e.actorIp, JSON.stringify(e.data)],
    );
    return toEvent(r[0]);
  }

  async list(q: AuditQuery): Promise<AuditEventRecord[]> {
    const p = new Params();
    const where = auditWhere(q, p);
    const order = q.order === 'asc' ? 'ASC' : 'DESC';
    const rows = await this.db.rows(`SELECT * FROM audit_events ${where} ORDER BY id ${order} LIMIT ${p.add(q.limit)} OFFSET ${p.add(q.offset)}`, p.values);
    return rows.map(toEvent);
  }

  async count(q: AuditFilter): Promise<number> {
    const p = new Params();
    const where = auditWhere(q, p);
    return Number((await this.db.row(`SELECT count(*) AS n FROM audit_events ${where}`, p.values))!.n);
  }
}

function auditWhere(q: AuditFilter, p: Params): string {
  const conds: string[] = [];
  if (q.involvingUserId !== undefined) { const u = p.add(q.involvingUserId); conds.push(`(actor_id = ${u} OR user_id = ${u})`); }
  if (q.orgId !== undefined) conds.push(`org_id = ${p.add(q.orgId)}`);
  if (q.action !== undefined) conds.push(`action = ${p.add(q.action)}`);
  if (q.actorLogin !== undefined) conds.push(`lower(actor_login) = lower(${p.add(q.actorLogin)})`);
  if (q.userLogin !== undefined) conds.push(`lower(user_login) = lower(${p.add(q.userLogin)})`);
  if (q.tokenId !== undefined) conds.push(`token_id = ${p.add(q.tokenId)}`);
  if (q.createdFrom !== undefined) conds.push(`created_at >= ${p.add(q.createdFrom)}`);
  if (q.createdBefore !== undefined) conds.push(`created_at < ${p.add(q.createdBefore)}`);
  if (q.idAbove !== undefined) conds.push(`id > ${p.add(q.idAbove)}`);
  if (q.idBelow !== undefined) conds.push(`id < ${p.add(q.idBelow)}`);
  return conds.length ? `WHERE ${conds.join(' AND ')}` : '';
}
