import {
  DEFAULT_REPOSITORY_SETTINGS,
  REPOSITORY_SETTING_COLUMNS,
  type NewRepository,
  type RepositoryCounts,
  type RepositoryQuery,
  type RepositoryRecord,
  type RepositoryStore,
  type RepositoryUpdate,
} from '../repositories';
import { toRepository } from '../sqlite/repositories';
import { mapUnique, Params, PgDb } from './database';

/** Owner login of a repository row, for ordering by full name. */
const OWNER_LOGIN = `CASE r.owner_type WHEN 'User' THEN (SELECT login FROM users WHERE id = r.owner_id)
  ELSE (SELECT login FROM organizations WHERE id = r.owner_id) END`;

// Names sort by code point (COLLATE "C"), as SQLite does, whatever the database's own collation.
export class PgRepositoryStore implements RepositoryStore {
  constructor(private readonly db: PgDb) {}

  async create(n: NewRepository): Promise<RepositoryRecord> {
    const settings = { ...DEFAULT_REPOSITORY_SETTINGS, ...n.settings };
    const p = new Params();
    const values = [n.ownerType, n.ownerId, n.name, n.description ?? null, n.private, n.createdBy, n.createdAt, n.createdAt, ...REPOSITORY_SETTING_COLUMNS.map(([key]) => settings[key])]
      .map((v) => p.add(v));
    const r = await mapUnique(
      this.db,
      () =>
        this.db.write(
          `INSERT INTO repositories (owner_type, owner_id, name, description, private, created_by, created_at, updated_at,
             ${REPOSITORY_SETTING_COLUMNS.map(([, col]) => col).join(', ')})
           VALUES (${values.join(', ')}) RETURNING *`,
          p.values,
        ),
      () => 'name',
    );
    return toRepository(r.rows[0]);
  }

  async byId(id: number): Promise<RepositoryRecord | undefined> {
    const r = await this.db.row('SELECT * FROM repositories WHERE id = $1', [id]);
    return r ? toRepository(r) : undefined;
  }

  async byOwnerAndName(ownerType: 'User' | 'Organization', ownerId: number, name: string): Promise<RepositoryRecord | undefined> {
    const r = await this.db.row('SELECT * FROM repositories WHERE owner_type = $1 AND owner_id = $2 AND lower(name) = lower($3)', [ownerType, ownerId, name]);
    return r ? toRepository(r) : undefined;
  }

  async list(q: RepositoryQuery): Promise<RepositoryRecord[]> {
    if (q.ids?.length === 0) return [];
    const p = new Params();
    const where = repositoryWhere(q, p);
    const rows = await this.db.rows(
      `SELECT * FROM repositories ${where} ORDER BY lower(name) COLLATE "C", id LIMIT ${p.add(q.limit ?? null)} OFFSET ${p.add(q.offset ?? 0)}`,
      p.values,
    );
    return rows.map(toRepository);
  }

  async count(q: RepositoryQuery): Promise<number> {
    if (q.ids?.length === 0) return 0;
    const p = new Params();
    return Number((await this.db.row(`SELECT count(*) AS n FROM repositories ${repositoryWhere(q, p)}`, p.values))!.n);
  }

  async countByOwner(ownerType: 'User' | 'Organization', ownerId: number): Promise<RepositoryCounts> {
    const r = await this.db.row(
      'SELECT count(*) FILTER (WHERE NOT private) AS public, count(*) FILTER (WHERE private) AS private FROM repositories WHERE owner_type = $1 AND owner_id = $2',
      [ownerType, ownerId],
    );
    return { public: Number(r?.public ?? 0), private: Number(r?.private ?? 0) };
  }

  async listVisibleTo(userId: number, opts: { includePublic: boolean }): Promise<RepositoryRecord[]> {
    const rows = await this.db.rows(
      `SELECT r.* FROM repositories r
       WHERE (r.owner_type = 'User' AND r.owner_id = $1)
          OR (r.owner_type = 'Organization' AND r.owner_id IN
              (SELECT org_id FROM org_memberships WHERE user_id = $1 AND state = 'active'))
          OR ($2 AND NOT r.private)
       ORDER BY lower(${OWNER_LOGIN}) COLLATE "C", lower(r.name) COLLATE "C", r.id`,
      [userId, opts.includePublic],
    );
    return rows.map(toRepository);
  }

  async update(id: number, u: RepositoryUpdate): Promise<RepositoryRecord | undefined> {
    const p = new Params();
    const sets = [`updated_at = ${p.add(u.updatedAt)}`];
    if (u.name !== undefined) sets.push(`name = ${p.add(u.name)}`);
    if (u.description !== undefined) sets.push(`description = ${p.add(u.description)}`);
    if (u.private !== undefined) sets.push(`private = ${p.add(u.private)}`);
    if (u.defaultBranch !== undefined) sets.push(`default_branch = ${p.add(u.defaultBranch)}`);
    for (const [key, col] of REPOSITORY_SETTING_COLUMNS) {
      const v = u.settings?.[key];
      if (v !== undefined) sets.push(`${col} = ${p.add(v)}`);
    }
    let where = `id = ${p.add(id)}`;
    if (u.currentName !== undefined) where += ` AND lower(name) = lower(${p.add(u.currentName)})`;
    const r = await mapUnique(this.db, () => this.db.write(`UPDATE repositories SET ${sets.join(', ')} WHERE ${where} RETURNING *`, p.values), () => 'name');
    return r.rows[0] ? toRepository(r.rows[0]) : undefined;
  }

  async touchPushed(id: number, now: Date): Promise<void> {
    await this.db.write('UPDATE repositories SET pushed_at = $1 WHERE id = $2', [now, id]);
  }

  async delete(id: number): Promise<boolean> {
    return (await this.db.changes('DELETE FROM repositories WHERE id = $1', [id])) > 0;
  }
}

/** The WHERE clause of a repository query (a non-empty `ids`). */
function repositoryWhere(q: RepositoryQuery, p: Params): string {
  const conds: string[] = [];
  if (q.ownerType !== undefined) conds.push(`owner_type = ${p.add(q.ownerType)}`);
  if (q.ownerId !== undefined) conds.push(`owner_id = ${p.add(q.ownerId)}`);
  if (q.private !== undefined) conds.push(`private = ${p.add(q.private)}`);
  if (q.ids !== undefined) conds.push(`id = ANY(${p.add(q.ids)}::bigint[])`);
  return conds.length ? `WHERE ${conds.join(' AND ')}` : '';
}
