import type { NewOAuthApp, OAuthAppRecord, OAuthAppStore } from '../oauth-apps';
import { toOAuthApp } from '../sqlite/oauth-apps';
import { mapUnique, Params, PgDb } from './database';

export class PgOAuthAppStore implements OAuthAppStore {
  constructor(private readonly db: PgDb) {}

  async create(a: NewOAuthApp): Promise<OAuthAppRecord> {
    const r = await mapUnique(
      this.db,
      () =>
        this.db.write(
          'INSERT INTO oauth_apps (client_id, name, url, callback_url, owner_id, client_secret_digest, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *',
          [a.clientId, a.name, a.url, a.callbackUrl, a.ownerId, a.clientSecretDigest, a.createdAt],
        ),
      () => 'client_id',
    );
    return toOAuthApp(r.rows[0]);
  }

  async byId(id: number): Promise<OAuthAppRecord | undefined> {
    const r = await this.db.row('SELECT * FROM oauth_apps WHERE id = $1', [id]);
    return r ? toOAuthApp(r) : undefined;
  }

  async byClientId(clientId: string): Promise<OAuthAppRecord | undefined> {
    const r = await this.db.row('SELECT * FROM oauth_apps WHERE client_id = $1', [clientId]);
    return r ? toOAuthApp(r) : undefined;
  }

  async byClientIds(clientIds: readonly string[]): Promise<OAuthAppRecord[]> {
    if (!clientIds.length) return [];
    const p = new Params();
    const list = p.list([...new Set(clientIds)]);
    return (await this.db.rows(`SELECT * FROM oauth_apps WHERE client_id IN (${list}) ORDER BY id`, p.values)).map(toOAuthApp);
  }

  async listVisibleTo(userId: number): Promise<OAuthAppRecord[]> {
    return (await this.db.rows('SELECT * FROM oauth_apps WHERE owner_id IS NULL OR owner_id = $1 ORDER BY id', [userId])).map(toOAuthApp);
  }

  async delete(id: number): Promise<boolean> {
    return (await this.db.changes('DELETE FROM oauth_apps WHERE id = $1', [id])) > 0;
  }
}
