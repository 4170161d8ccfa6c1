import type { DeployKeyRecord, DeployKeyStore, NewDeployKey } from '../deploy-keys';
import { toKey } from '../sqlite/deploy-keys';
import { mapUnique, PgDb } from './database';

export class PgDeployKeyStore implements DeployKeyStore {
  constructor(private readonly db: PgDb) {}

  async create(k: NewDeployKey): Promise<DeployKeyRecord> {
    const r = await mapUnique(
      this.db,
      () =>
        this.db.write(
          'INSERT INTO deploy_keys (repository_id, title, key, read_only, added_by, token_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *',
          [k.repositoryId, k.title, k.key, k.readOnly, k.addedBy, k.tokenId, k.createdAt],
        ),
      () => 'key',
    );
    return toKey(r.rows[0]);
  }

  async byId(repositoryId: number, id: number): Promise<DeployKeyRecord | undefined> {
    const r = await this.db.row('SELECT * FROM deploy_keys WHERE repository_id = $1 AND id = $2', [repositoryId, id]);
    return r ? toKey(r) : undefined;
  }

  async list(repositoryId: number, page: { limit: number; offset: number }): Promise<DeployKeyRecord[]> {
    return (await this.db.rows('SELECT * FROM deploy_keys WHERE repository_id = $1 ORDER BY id LIMIT $2 OFFSET $3', [repositoryId, page.limit, page.offset])).map(toKey);
  }

  async count(repositoryId: number): Promise<number> {
    return Number((await this.db.row('SELECT count(*) AS n FROM deploy_keys WHERE repository_id = $1', [repositoryId]))!.n);
  }

  async listByToken(tokenId: number): Promise<DeployKeyRecord[]> {
    return (await this.db.rows('SELECT * FROM deploy_keys WHERE token_id = $1 ORDER BY id', [tokenId])).map(toKey);
  }

  async delete(repositoryId: number, id: number): Promise<boolean> {
    return (await this.db.changes('DELETE FROM deploy_keys WHERE repository_id = $1 AND id = $2', [repositoryId, id])) > 0;
  }
}
