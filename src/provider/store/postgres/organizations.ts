import { ORGANIZATION_PROFILE_COLUMNS, type NewOrganization, type OrganizationRecord, type OrganizationStore, type OrganizationUpdate, type TokenPolicyRecord } from '../organizations';
import { toOrg } from '../sqlite/organizations';
import { mapUnique, Params, PgDb } from './database';

export class PgOrganizationStore implements OrganizationStore {
  constructor(private readonly db: PgDb) {}

  async create(o: NewOrganization): Promise<OrganizationRecord> {
    return this.db.transaction(async (tx) => {
      const r = await mapUnique(
        tx,
        () =>
          tx.write('INSERT INTO organizations (login, name, description, created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5) RETURNING *', [
            o.login, o.name ?? null, o.description ?? null, o.createdBy, o.createdAt,
          ]),
        () => 'login',
      );
      await tx.write(
        `INSERT INTO org_memberships (org_id, user_id, role, state, invited_by, created_at, updated_at) VALUES ($1, $2, 'owner', 'active', NULL, $3, $3)`,
        [r.rows[0].id, o.createdBy, o.createdAt],
      );
      return toOrg(r.rows[0]);
    });
  }

  async byId(id: number): Promise<OrganizationRecord | undefined> {
    const r = await this.db.row('SELECT * FROM organizations WHERE id = $1', [id]);
    return r ? toOrg(r) : undefined;
  }

  async byLogin(login: string): Promise<OrganizationRecord | undefined> {
    const r = await this.db.row('SELECT * FROM organizations WHERE lower(login) = lower($1)', [login]);
    return r ? toOrg(r) : undefined;
  }

  async byIds(ids: number[]): Promise<OrganizationRecord[]> {
    if (!ids.length) return [];
    return (await this.db.rows('SELECT * FROM organizations WHERE id = ANY($1::bigint[]) ORDER BY id', [ids])).map(toOrg);
  }

  async update(id: number, u: OrganizationUpdate): Promise<OrganizationRecord | undefined> {
    const p = new Params();
    const sets = [`updated_at = ${p.add(u.updatedAt)}`];
    if (u.name !== undefined) sets.push(`name = ${p.add(u.name)}`);
    if (u.description !== undefined) sets.push(`description = ${p.add(u.description)}`);
    for (const [key, col] of ORGANIZATION_PROFILE_COLUMNS) {
      const v = u.profile?.[key];
      if (v !== undefined) sets.push(`${col} = ${p.add(v)}`);
    }
    const r = await this.db.write(`UPDATE organizations SET ${sets.join(', ')} WHERE id = ${p.add(id)} RETURNING *`, p.values);
    return r.rows[0] ? toOrg(r.rows[0]) : undefined;
  }

  async updatePolicy(id: number, pol: Partial<TokenPolicyRecord>, now: Date): Promise<OrganizationRecord | undefined> {
    const p = new Params();
    const sets = [`updated_at = ${p.add(now)}`];
    const set = (col: string, v: unknown) => sets.push(`${col} = ${p.add(v)}`);
    if (pol.classicTokens !== undefined) set('classic_tokens', pol.classicTokens);
    if (pol.requireApproval !== undefined) set('require_approval', pol.requireApproval);
    if (pol.maxLifetimeClassicDays !== undefined) set('max_lifetime_classic', pol.maxLifetimeClassicDays);
    if (pol.maxLifetimeFineGrainedDays !== undefined) set('max_lifetime_fine_grained', pol.maxLifetimeFineGrainedDays);
    if (pol.ssoRequired !== undefined) set('sso_required', pol.ssoRequired);
    const r = await this.db.write(`UPDATE organizations SET ${sets.join(', ')} WHERE id = ${p.add(id)} RETURNING *`, p.values);
    return r.rows[0] ? toOrg(r.rows[0]) : undefined;
  }
}
