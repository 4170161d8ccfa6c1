import type { DatabaseSync, SQLInputValue } from 'node:sqlite';
import type { AuditEventRecord, AuditFilter, AuditQuery, AuditStore, NewAuditEvent } from '../audit';
import { date, numOrNull, Row, strOrNull } from './rows';
import { isoTime } from '../../iso-time';
import type { SqliteChangeVersion } from './change-version';
import { PAGE_CLAUSE, allRows, oneRow } from './statements';

export function toEvent(r: Row): AuditEventRecord {
  return {
    id: Number(r.id),
    action: String(r.action),
    createdAt: date(r.created_at),
    actorId: numOrNull(r.actor_id),
    actorLogin: strOrNull(r.actor_login),
    userId: numOrNull(r.user_id),
    userLogin: strOrNull(r.user_login),
    orgId: numOrNull(r.org_id),
    orgLogin: strOrNull(r.org_login),
    tokenId: numOrNull(r.token_id),
    actorIp: strOrNull(r.actor_ip),
    data: JSON.parse(String(r.data ?? '{}')) as Record<string, unknown>,
  };
}

export class SqliteAuditStore implements AuditStore {
  constructor(
    private readonly db: DatabaseSync,
    private readonly changes: SqliteChangeVersion,
  ) {}

  async append(e: NewAuditEvent): Promise<AuditEventRecord> {
    const r = oneRow(this.db,
        `INSERT INTO audit_events (action, created_at, actor_id, actor_login, user_id, user_login, org_id, org_login, token_id, actor_ip, data)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
      e.action, isoTime(e.createdAt), e.actorId, e.actorLogin, e.userId, e.userLogin, e.orgId, e.orgLogin, e.tokenId, e.actorIp, JSON.stringify(e.data)) as Row;
    // An appended event is not a change any cache must see (Store.changeVersion).
    if (!this.db.isTransaction) this.changes.ignore(1);
    return toEvent(r);
  }

  async list(q: AuditQuery): Promise<AuditEventRecord[]> {
    const { where, args } = auditWhere(q);
    const order = q.order === 'asc' ? 'ASC' : 'DESC';
    const rows = allRows(this.db, `SELECT * FROM audit_events ${where} ORDER BY id ${order} ${PAGE_CLAUSE}`, ...args, q.limit, q.offset);
    return rows.map(toEvent);
  }

  async count(q: AuditFilter): Promise<number> {
    const { where, args } = auditWhere(q);
    return Number((oneRow(this.db, `SELECT count(*) AS n FROM audit_events ${where}`,
      ...args) as Row).n);
  }
}

function auditWhere(q: AuditFilter): { where: string; args: SQLInputValue[] } {
  const conds: string[] = [];
  const args: SQLInputValue[] = [];
  if (q.involvingUserId !== undefined) { conds.push('(actor_id = ? OR user_id = ?)'); args.push(q.involvingUserId, q.involvingUserId); }
  if (q.orgId !== undefined) { conds.push('org_id = ?'); args.push(q.orgId); }
  if (q.action !== undefined) { conds.push('action = ?'); args.push(q.action); }
  if (q.actorLogin !== undefined) { conds.push('lower(actor_login) = lower(?)'); args.push(q.actorLogin); }
  if (q.userLogin !== undefined) { conds.push('lower(user_login) = lower(?)'); args.push(q.userLogin); }
  if (q.tokenId !== undefined) { conds.push('token_id = ?'); args.push(q.tokenId); }
  if (q.createdFrom !== undefined) { conds.push('created_at >= ?'); args.push(isoTime(q.createdFrom)); }
  if (q.createdBefore !== undefined) { conds.push('created_at < ?'); args.push(isoTime(q.createdBefore)); }
  if (q.idAbove !== undefined) { conds.push('id > ?'); args.push(q.idAbove); }
  if (q.idBelow !== undefined) { conds.push('id < ?'); args.push(q.idBelow); }
  return { where: conds.length ? `WHERE ${conds.join(' AND ')}` : '', args };
}
