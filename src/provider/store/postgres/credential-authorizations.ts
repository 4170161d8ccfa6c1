import type { CredentialAuthorizationRecord, CredentialAuthorizationStore } from '../credential-authorizations';
import { toAuthorization } from '../sqlite/credential-authorizations';
import type { PgDb } from './database';

const TOUCH_INTERVAL_MS = 60_000;

export class PgCredentialAuthorizationStore implements CredentialAuthorizationStore {
  constructor(private readonly db: PgDb) {}

  async authorize(a: { orgId: number; tokenId: number; userId: number; now: Date }): Promise<CredentialAuthorizationRecord> {
    const r = await this.db.write(
      `INSERT INTO credential_authorizations (org_id, token_id, user_id, authorized_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (org_id, token_id) DO UPDATE SET authorized_at = excluded.authorized_at, user_id = excluded.user_id
       RETURNING *`,
      [a.orgId, a.tokenId, a.userId, a.now],
    );
    return toAuthorization(r.rows[0]);
  }

  async get(orgId: number, tokenId: number): Promise<CredentialAuthorizationRecord | undefined> {
    const r = await this.db.row('SELECT * FROM credential_authorizations WHERE org_id = $1 AND token_id = $2', [orgId, tokenId]);
    return r ? toAuthorization(r) : undefined;
  }

  async list(orgId: number, opts: { userId?: number } = {}): Promise<CredentialAuthorizationRecord[]> {
    const rows =
      opts.userId !== undefined
        ? await this.db.rows('SELECT * FROM credential_authorizations WHERE org_id = $1 AND user_id = $2 ORDER BY authorized_at, token_id', [orgId, opts.userId])
        : await this.db.rows('SELECT * FROM credential_authorizations WHERE org_id = $1 ORDER BY authorized_at, token_id', [orgId]);
    return rows.map(toAuthorization);
  }

  async orgIdsForToken(tokenId: number): Promise<number[]> {
    return (await this.db.rows('SELECT org_id FROM credential_authorizations WHERE token_id = $1 ORDER BY org_id', [tokenId])).map((r) => Number(r.org_id));
  }

  async touch(orgId: number, tokenId: number, now: Date): Promise<void> {
    await this.db.write(
      'UPDATE credential_authorizations SET accessed_at = $1 WHERE org_id = $2 AND token_id = $3 AND (accessed_at IS NULL OR accessed_at <= $4)',
      [now, orgId, tokenId, new Date(now.getTime() - TOUCH_INTERVAL_MS)],
    );
  }

  async remove(orgId: number, tokenId: number): Promise<boolean> {
    return (await this.db.changes('DELETE FROM credential_authorizations WHERE org_id = $1 AND token_id = $2', [orgId, tokenId])) > 0;
  }

  async removeForUser(orgId: number, userId: number): Promise<number> {
    return this.db.changes('DELETE FROM credential_authorizations WHERE org_id = $1 AND user_id = $2', [orgId, userId]);
  }
}
