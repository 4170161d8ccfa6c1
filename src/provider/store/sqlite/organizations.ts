import type { DatabaseSync, SQLInputValue } from 'node:sqlite';
import { ORGANIZATION_PROFILE_COLUMNS, type NewOrganization, type OrganizationRecord, type OrganizationStore, type OrganizationUpdate, type TokenPolicyRecord } from '../organizations';
import { date, mapUnique, numOrNull, Row, strOrNull } from './rows';
import { isoTime } from '../../iso-time';
import { inTransaction, placeholders } from './transaction';
import { allRows, statement, oneRow } from './statements';

export function toOrg(r: Row): OrganizationRecord {
  return {
    id: Number(r.id),
    login: String(r.login),
    name: strOrNull(r.name),
    description: strOrNull(r.description),
    createdBy: numOrNull(r.created_by),
    policy: {
      classicTokens: r.classic_tokens === 'restricted' ? 'restricted' : 'allowed',
      requireApproval: Number(r.require_approval) === 1,
      maxLifetimeClassicDays: numOrNull(r.max_lifetime_classic),
      maxLifetimeFineGrainedDays: Number(r.max_lifetime_fine_grained),
      ssoRequired: Number(r.sso_required) === 1,
    },
    profile: {
      email: strOrNull(r.email),
      billingEmail: strOrNull(r.billing_email),
      blog: strOrNull(r.blog),
      company: strOrNull(r.company),
      location: strOrNull(r.location),
      twitterUsername: strOrNull(r.twitter_username),
    },
    createdAt: date(r.created_at),
    updatedAt: date(r.updated_at),
  };
}

export class SqliteOrganizationStore implements OrganizationStore {
  constructor(private readonly db: DatabaseSync) {}

  async create(o: NewOrganization): Promise<OrganizationRecord> {
    return inTransaction(this.db, () => {
      const r = mapUnique(
        () =>
          statement(this.db, 'INSERT INTO organizations (login, name, description, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)')
            .run(o.login, o.name ?? null, o.description ?? null, o.createdBy, isoTime(o.createdAt), isoTime(o.createdAt)),
        () => 'login',
      );
      const id = Number(r.lastInsertRowid);
      statement(this.db, `INSERT INTO org_memberships (org_id, user_id, role, state, invited_by, created_at, updated_at) VALUES (?, ?, 'owner', 'active', NULL, ?, ?)`)
        .run(id, o.createdBy, isoTime(o.createdAt), isoTime(o.createdAt));
      return toOrg(oneRow(this.db, 'SELECT * FROM organizations WHERE id = ?', id) as Row);
    });
  }

  async byId(id: number): Promise<OrganizationRecord | undefined> {
    const r = oneRow(this.db, 'SELECT * FROM organizations WHERE id = ?', id) as Row | undefined;
    return r ? toOrg(r) : undefined;
  }

  async byLogin(login: string): Promise<OrganizationRecord | undefined> {
    const r = oneRow(this.db, 'SELECT * FROM organizations WHERE lower(login) = lower(?)', login) as Row | undefined;
    return r ? toOrg(r) : undefined;
  }

  async byIds(ids: number[]): Promise<OrganizationRecord[]> {
    if (!ids.length) return [];
    return allRows(this.db, `SELECT * FROM organizations WHERE id IN (${placeholders(ids.length)}) ORDER BY id`, ...ids).map(toOrg);
  }

  async update(id: number, u: OrganizationUpdate): Promise<OrganizationRecord | undefined> {
    const sets = ['updated_at = ?'];
    const args: SQLInputValue[] = [isoTime(u.updatedAt)];
    if (u.name !== undefined) { sets.push('name = ?'); args.push(u.name); }
    if (u.description !== undefined) { sets.push('description = ?'); args.push(u.description); }
    for (const [key, col] of ORGANIZATION_PROFILE_COLUMNS) {
      const v = u.profile?.[key];
      if (v !== undefined) { sets.push(`${col} = ?`); args.push(v); }
    }
    statement(this.db, `UPDATE organizations SET ${sets.join(', ')} WHERE id = ?`).run(...args, id);
    return this.byId(id);
  }

  async updatePolicy(id: number, p: Partial<TokenPolicyRecord>, now: Date): Promise<OrganizationRecord | undefined> {
    const sets = ['updated_at = ?'];
    const args: SQLInputValue[] = [isoTime(now)];
    const set = (col: string, v: SQLInputValue) => { sets.push(`${col} = ?`); args.push(v); };
    if (p.classicTokens !== undefined) set('classic_tokens', p.classicTokens);
    if (p.requireApproval !== undefined) set('require_approval', p.requireApproval ? 1 : 0);
    if (p.maxLifetimeClassicDays !== undefined) set('max_lifetime_classic', p.maxLifetimeClassicDays);
    if (p.maxLifetimeFineGrainedDays !== undefined) set('max_lifetime_fine_grained', p.maxLifetimeFineGrainedDays);
    if (p.ssoRequired !== undefined) set('sso_required', p.ssoRequired ? 1 : 0);
    statement(this.db, `UPDATE organizations SET ${sets.join(', ')} WHERE id = ?`).run(...args, id);
    return this.byId(id);
  }
}
