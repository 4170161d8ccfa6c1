import type { AuthorizationCodeRecord, AuthorizationCodeStore, NewAuthorizationRequest } from '../oauth-authorization-codes';
import { authorizationCodeUniqueField, toAuthorizationCode } from '../sqlite/oauth-authorization-codes';
import { mapUnique, PgDb } from './database';

export class PgAuthorizationCodeStore implements AuthorizationCodeStore {
  constructor(private readonly db: PgDb) {}

  async createRequest(c: NewAuthorizationRequest): Promise<AuthorizationCodeRecord> {
    const r = await mapUnique(
      this.db,
      () =>
        this.db.write(
          `INSERT INTO oauth_authorization_codes (app_id, user_id, scopes, redirect_uri, state, status, ticket_digest, expires_at, created_at)
           VALUES ($1, $2, $3, $4, $5, 'pending', $6, $7, $8) RETURNING *`,
          [c.appId, c.userId, JSON.stringify(c.scopes), c.redirectUri, c.state, c.ticketDigest, c.expiresAt, c.createdAt],
        ),
      authorizationCodeUniqueField,
    );
    return toAuthorizationCode(r.rows[0]);
  }

  async byId(id: number): Promise<AuthorizationCodeRecord | undefined> {
    const r = await this.db.row('SELECT * FROM oauth_authorization_codes WHERE id = $1', [id]);
    return r ? toAuthorizationCode(r) : undefined;
  }

  async decide(
    ticketDigest: string,
    now: Date,
    decision: { approve: { codeDigest: string; expiresAt: Date } } | 'deny',
  ): Promise<AuthorizationCodeRecord | undefined> {
    const r =
      decision === 'deny'
        ? await this.db.write(`DELETE FROM oauth_authorization_codes WHERE ticket_digest = $1 AND status = 'pending' AND expires_at > $2 RETURNING *`, [
            ticketDigest,
            now,
          ])
        : await mapUnique(
            this.db,
            () =>
              this.db.write(
                `UPDATE oauth_authorization_codes SET ticket_digest = NULL, status = 'issued', code_digest = $1, expires_at = $2
                 WHERE ticket_digest = $3 AND status = 'pending' AND expires_at > $4 RETURNING *`,
                [decision.approve.codeDigest, decision.approve.expiresAt, ticketDigest, now],
              ),
            authorizationCodeUniqueField,
          );
    return r.rows[0] ? toAuthorizationCode(r.rows[0]) : undefined;
  }

  async byCodeDigest(digest: string): Promise<AuthorizationCodeRecord | undefined> {
    const r = await this.db.row('SELECT * FROM oauth_authorization_codes WHERE code_digest = $1', [digest]);
    return r ? toAuthorizationCode(r) : undefined;
  }

  async markUsed(id: number, tokenId: number, now: Date): Promise<boolean> {
    const changed = await this.db.changes(
      `UPDATE oauth_authorization_codes SET status = 'used', token_id = $1 WHERE id = $2 AND status = 'issued' AND expires_at > $3`,
      [tokenId, id, now],
    );
    return changed > 0;
  }

  async deleteExpired(before: Date): Promise<number> {
    return this.db.changes('DELETE FROM oauth_authorization_codes WHERE expires_at < $1', [before]);
  }
}
