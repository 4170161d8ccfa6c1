import type { DatabaseSync } from 'node:sqlite';
import type { NewOAuthApp, OAuthAppRecord, OAuthAppStore } from '../oauth-apps';
import { date, mapUnique, numOrNull, Row, strOrNull } from './rows';
import { isoTime } from '../../iso-time';
import { allRows, oneRow, statement } from './statements';
import { placeholders } from './transaction';

export function toOAuthApp(r: Row): OAuthAppRecord {
  return {
    id: Number(r.id),
    clientId: String(r.client_id),
    name: String(r.name),
    url: String(r.url),
    callbackUrl: strOrNull(r.callback_url),
    ownerId: numOrNull(r.owner_id),
    clientSecretDigest: strOrNull(r.client_secret_digest),
    createdAt: date(r.created_at),
  };
}

export class SqliteOAuthAppStore implements OAuthAppStore {
  constructor(private readonly db: DatabaseSync) {}

  async create(a: NewOAuthApp): Promise<OAuthAppRecord> {
    const r = mapUnique(
      () =>
        statement(this.db, 'INSERT INTO oauth_apps (client_id, name, url, callback_url, owner_id, client_secret_digest, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
          a.clientId,
          a.name,
          a.url,
          a.callbackUrl,
          a.ownerId,
          a.clientSecretDigest,
          isoTime(a.createdAt),
        ),
      () => 'client_id',
    );
    return (await this.byId(Number(r.lastInsertRowid)))!;
  }

  async byId(id: number): Promise<OAuthAppRecord | undefined> {
    const r = oneRow(this.db, 'SELECT * FROM oauth_apps WHERE id = ?', id) as Row | undefined;
    return r ? toOAuthApp(r) : undefined;
  }

  async byClientId(clientId: string): Promise<OAuthAppRecord | undefined> {
    const r = oneRow(this.db, 'SELECT * FROM oauth_apps WHERE client_id = ?', clientId) as Row | undefined;
    return r ? toOAuthApp(r) : undefined;
  }

  async byClientIds(clientIds: readonly string[]): Promise<OAuthAppRecord[]> {
    if (!clientIds.length) return [];
    const ids = [...new Set(clientIds)];
    return allRows(this.db, `SELECT * FROM oauth_apps WHERE client_id IN (${placeholders(ids.length)}) ORDER BY id`, ...ids).map(toOAuthApp);
  }

  async listVisibleTo(userId: number): Promise<OAuthAppRecord[]> {
    return allRows(this.db, 'SELECT * FROM oauth_apps WHERE owner_id IS NULL OR owner_id = ? ORDER BY id', userId).map(toOAuthApp);
  }

  async delete(id: number): Promise<boolean> {
    return Number(statement(this.db, 'DELETE FROM oauth_apps WHERE id = ?').run(id).changes) > 0;
  }
}
