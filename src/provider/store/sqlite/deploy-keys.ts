import type { DatabaseSync } from 'node:sqlite';
import type { DeployKeyRecord, DeployKeyStore, NewDeployKey } from '../deploy-keys';
import { date, dateOrNull, mapUnique, numOrNull, Row } from './rows';
import { isoTime } from '../../iso-time';
import { PAGE_CLAUSE, allRows, oneRow, statement } from './statements';

export function toKey(r: Row): DeployKeyRecord {
  return {
    id: Number(r.id),
    repositoryId: Number(r.repository_id),
    title: String(r.title),
    key: String(r.key),
    readOnly: Number(r.read_only) === 1,
    addedBy: numOrNull(r.added_by),
    tokenId: numOrNull(r.token_id),
    createdAt: date(r.created_at),
    lastUsedAt: dateOrNull(r.last_used_at),
  };
}

export class SqliteDeployKeyStore implements DeployKeyStore {
  constructor(private readonly db: DatabaseSync) {}

  async create(k: NewDeployKey): Promise<DeployKeyRecord> {
    const r = mapUnique(
      () =>
        statement(this.db, 'INSERT INTO deploy_keys (repository_id, title, key, read_only, added_by, token_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
          .run(k.repositoryId, k.title, k.key, k.readOnly ? 1 : 0, k.addedBy, k.tokenId, isoTime(k.createdAt)),
      () => 'key',
    );
    return toKey(oneRow(this.db, 'SELECT * FROM deploy_keys WHERE id = ?', Number(r.lastInsertRowid)) as Row);
  }

  async byId(repositoryId: number, id: number): Promise<DeployKeyRecord | undefined> {
    const r = oneRow(this.db, 'SELECT * FROM deploy_keys WHERE repository_id = ? AND id = ?', repositoryId, id) as Row | undefined;
    return r ? toKey(r) : undefined;
  }

  async list(repositoryId: number, page: { limit: number; offset: number }): Promise<DeployKeyRecord[]> {
    const rows = allRows(this.db, `SELECT * FROM deploy_keys WHERE repository_id = ? ORDER BY id ${PAGE_CLAUSE}`, repositoryId, page.limit, page.offset);
    return rows.map(toKey);
  }

  async count(repositoryId: number): Promise<number> {
    return Number((oneRow(this.db, 'SELECT count(*) AS n FROM deploy_keys WHERE repository_id = ?', repositoryId) as Row).n);
  }

  async listByToken(tokenId: number): Promise<DeployKeyRecord[]> {
    return allRows(this.db, 'SELECT * FROM deploy_keys WHERE token_id = ? ORDER BY id', tokenId).map(toKey);
  }

  async delete(repositoryId: number, id: number): Promise<boolean> {
    return Number(statement(this.db, 'DELETE FROM deploy_keys WHERE repository_id = ? AND id = ?').run(repositoryId, id).changes) > 0;
  }
}
