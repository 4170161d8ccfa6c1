import type { DatabaseSync, SQLInputValue } from 'node:sqlite';
import {
  DEFAULT_REPOSITORY_SETTINGS,
  REPOSITORY_SETTING_COLUMNS,
  type NewRepository,
  type RepositoryCounts,
  type RepositoryQuery,
  type RepositoryRecord,
  type RepositorySettings,
  type RepositoryStore,
  type RepositoryUpdate,
} from '../repositories';
import { date, dateOrNull, mapUnique, numOrNull, Row, strOrNull } from './rows';
import { isoTime } from '../../iso-time';
import { placeholders } from './transaction';
import { PAGE_CLAUSE, allRows, oneRow, statement } from './statements';

export function toRepository(r: Row): RepositoryRecord {
  return {
    id: Number(r.id),
    ownerType: r.owner_type === 'Organization' ? 'Organization' : 'User',
    ownerId: Number(r.owner_id),
    name: String(r.name),
    description: strOrNull(r.description),
    private: Number(r.private) === 1,
    defaultBranch: String(r.default_branch),
    createdBy: numOrNull(r.created_by),
    createdAt: date(r.created_at),
    updatedAt: date(r.updated_at),
    pushedAt: dateOrNull(r.pushed_at),
    settings: {
      homepage: strOrNull(r.homepage),
      hasIssues: Number(r.has_issues) === 1,
      hasProjects: Number(r.has_projects) === 1,
      hasWiki: Number(r.has_wiki) === 1,
      hasDiscussions: Number(r.has_discussions) === 1,
      hasDownloads: Number(r.has_downloads) === 1,
      isTemplate: Number(r.is_template) === 1,
      internal: Number(r.internal) === 1,
    },
  };
}

function settingValue(v: RepositorySettings[keyof RepositorySettings]): SQLInputValue {
  return typeof v === 'boolean' ? (v ? 1 : 0) : v;
}

const SETTING_NAMES = REPOSITORY_SETTING_COLUMNS.map(([, col]) => col).join(', ');

/** Owner login of a repository row, for ordering by full name. */
const OWNER_LOGIN = `CASE r.owner_type WHEN 'User' THEN (SELECT login FROM users WHERE id = r.owner_id)
  ELSE (SELECT login FROM organizations WHERE id = r.owner_id) END`;

export class SqliteRepositoryStore implements RepositoryStore {
  constructor(private readonly db: DatabaseSync) {}

  async create(n: NewRepository): Promise<RepositoryRecord> {
    const r = mapUnique(
      () =>
        statement(this.db,
            `INSERT INTO repositories (owner_type, owner_id, name, description, private, created_by, created_at, updated_at, ${SETTING_NAMES})
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ${placeholders(REPOSITORY_SETTING_COLUMNS.length)})`,
          )
          .run(n.ownerType, n.ownerId, n.name, n.description ?? null, n.private ? 1 : 0, n.createdBy, isoTime(n.createdAt), isoTime(n.createdAt),
            ...REPOSITORY_SETTING_COLUMNS.map(([key]) => settingValue({ ...DEFAULT_REPOSITORY_SETTINGS, ...n.settings }[key]))),
      () => 'name',
    );
    return (await this.byId(Number(r.lastInsertRowid)))!;
  }

  async byId(id: number): Promise<RepositoryRecord | undefined> {
    const r = oneRow(this.db, 'SELECT * FROM repositories WHERE id = ?', id) as Row | undefined;
    return r ? toRepository(r) : undefined;
  }

  async byOwnerAndName(ownerType: 'User' | 'Organization', ownerId: number, name: string): Promise<RepositoryRecord | undefined> {
    const r = oneRow(this.db, 'SELECT * FROM repositories WHERE owner_type = ? AND owner_id = ? AND lower(name) = lower(?)', ownerType, ownerId, name) as Row | undefined;
    return r ? toRepository(r) : undefined;
  }

  async list(q: RepositoryQuery): Promise<RepositoryRecord[]> {
    if (q.ids?.length === 0) return [];
    const { where, args } = repositoryWhere(q);
    return allRows(this.db, `SELECT * FROM repositories ${where} ORDER BY lower(name), id ${PAGE_CLAUSE}`, ...args, q.limit ?? -1, q.offset ?? 0).map(toRepository);
  }

  async count(q: RepositoryQuery): Promise<number> {
    if (q.ids?.length === 0) return 0;
    const { where, args } = repositoryWhere(q);
    return Number((oneRow(this.db, `SELECT count(*) AS n FROM repositories ${where}`, ...args) as Row).n);
  }

  async countByOwner(ownerType: 'User' | 'Organization', ownerId: number): Promise<RepositoryCounts> {
    const r = oneRow(this.db, 'SELECT count(*) FILTER (WHERE private = 0) AS public, count(*) FILTER (WHERE private = 1) AS private FROM repositories WHERE owner_type = ? AND owner_id = ?', ownerType, ownerId) as Row;
    return { public: Number(r.public), private: Number(r.private) };
  }

  async listVisibleTo(userId: number, opts: { includePublic: boolean }): Promise<RepositoryRecord[]> {
    return allRows(this.db,
      `SELECT r.*, lower(${OWNER_LOGIN}) AS owner_login FROM repositories r
       WHERE (r.owner_type = 'User' AND r.owner_id = ?)
          OR (r.owner_type = 'Organization' AND r.owner_id IN
              (SELECT org_id FROM org_memberships WHERE user_id = ? AND state = 'active'))
          OR (? = 1 AND r.private = 0)
       ORDER BY owner_login, lower(r.name), r.id`,
      userId, userId, opts.includePublic ? 1 : 0,
    ).map(toRepository);
  }

  async update(id: number, u: RepositoryUpdate): Promise<RepositoryRecord | undefined> {
    const sets = ['updated_at = ?'];
    const args: SQLInputValue[] = [isoTime(u.updatedAt)];
    if (u.name !== undefined) { sets.push('name = ?'); args.push(u.name); }
    if (u.description !== undefined) { sets.push('description = ?'); args.push(u.description); }
    if (u.private !== undefined) { sets.push('private = ?'); args.push(u.private ? 1 : 0); }
    if (u.defaultBranch !== undefined) { sets.push('default_branch = ?'); args.push(u.defaultBranch); }
    for (const [key, col] of REPOSITORY_SETTING_COLUMNS) {
      const v = u.settings?.[key];
      if (v !== undefined) { sets.push(`${col} = ?`); args.push(settingValue(v)); }
    }
    let where = 'id = ?';
    args.push(id);
    if (u.currentName !== undefined) { where += ' AND lower(name) = lower(?)'; args.push(u.currentName); }
    const r = mapUnique(() => statement(this.db, `UPDATE repositories SET ${sets.join(', ')} WHERE ${where}`).run(...args), () => 'name');
    return Number(r.changes) > 0 ? this.byId(id) : undefined;
  }

  async touchPushed(id: number, now: Date): Promise<void> {
    statement(this.db, 'UPDATE repositories SET pushed_at = ? WHERE id = ?').run(isoTime(now), id);
  }

  async delete(id: number): Promise<boolean> {
    return Number(statement(this.db, 'DELETE FROM repositories WHERE id = ?').run(id).changes) > 0;
  }
}

/** The WHERE clause of a repository query (a non-empty `ids`). */
function repositoryWhere(q: RepositoryQuery): { where: string; args: SQLInputValue[] } {
  const conds: string[] = [];
  const args: SQLInputValue[] = [];
  if (q.ownerType !== undefined) { conds.push('owner_type = ?'); args.push(q.ownerType); }
  if (q.ownerId !== undefined) { conds.push('owner_id = ?'); args.push(q.ownerId); }
  if (q.private !== undefined) { conds.push('private = ?'); args.push(q.private ? 1 : 0); }
  if (q.ids !== undefined) {
    conds.push(`id IN (${placeholders(q.ids.length)})`);
    args.push(...q.ids);
  }
  return { where: conds.length ? `WHERE ${conds.join(' AND ')}` : '', args };
}
