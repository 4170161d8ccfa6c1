import type { DatabaseSync } from 'node:sqlite';
import type { AuthorizationCodeRecord, AuthorizationCodeStatus, AuthorizationCodeStore, NewAuthorizationRequest } from '../oauth-authorization-codes';
import { date, mapUnique, numOrNull, Row, strOrNull } from './rows';
import { isoTime } from '../../iso-time';
import { statement, oneRow } from './statements';

export function toAuthorizationCode(r: Row): AuthorizationCodeRecord {
  return {
    id: Number(r.id),
    appId: Number(r.app_id),
    userId: Number(r.user_id),
    scopes: JSON.parse(String(r.scopes)) as string[],
    redirectUri: strOrNull(r.redirect_uri),
    state: strOrNull(r.state),
    status: r.status as AuthorizationCodeStatus,
    tokenId: numOrNull(r.token_id),
    expiresAt: date(r.expires_at),
    createdAt: date(r.created_at),
  };
}

/** Which digest a unique violation is about, by the constraint's column. */
export function authorizationCodeUniqueField(message: string): string {
  return /code_digest/.test(message) ? 'code' : 'ticket';
}

export class SqliteAuthorizationCodeStore implements AuthorizationCodeStore {
  constructor(private readonly db: DatabaseSync) {}

  async createRequest(c: NewAuthorizationRequest): Promise<AuthorizationCodeRecord> {
    const r = mapUnique(
      () =>
        statement(
          this.db,
          `INSERT INTO oauth_authorization_codes (app_id, user_id, scopes, redirect_uri, state, status, ticket_digest, expires_at, created_at)
           VALUES (?, ?, ?, ?, ?, 'pending', ?, ?, ?) RETURNING *`,
        ).get(c.appId, c.userId, JSON.stringify(c.scopes), c.redirectUri, c.state, c.ticketDigest, isoTime(c.expiresAt), isoTime(c.createdAt)) as Row,
      authorizationCodeUniqueField,
    );
    return toAuthorizationCode(r);
  }

  async byId(id: number): Promise<AuthorizationCodeRecord | undefined> {
    const r = oneRow(this.db, 'SELECT * FROM oauth_authorization_codes WHERE id = ?', id) as Row | undefined;
    return r ? toAuthorizationCode(r) : undefined;
  }

  async decide(
    ticketDigest: string,
    now: Date,
    decision: { approve: { codeDigest: string; expiresAt: Date } } | 'deny',
  ): Promise<AuthorizationCodeRecord | undefined> {
    const live = `ticket_digest = ? AND status = 'pending' AND expires_at > ?`;
    const r =
      decision === 'deny'
        ? (oneRow(this.db, `DELETE FROM oauth_authorization_codes WHERE ${live} RETURNING *`, ticketDigest, isoTime(now)) as Row | undefined)
        : (mapUnique(
            () =>
              statement(
                this.db,
                `UPDATE oauth_authorization_codes SET ticket_digest = NULL, status = 'issued', code_digest = ?, expires_at = ? WHERE ${live} RETURNING *`,
              ).get(decision.approve.codeDigest, isoTime(decision.approve.expiresAt), ticketDigest, isoTime(now)),
            authorizationCodeUniqueField,
          ) as Row | undefined);
    return r ? toAuthorizationCode(r) : undefined;
  }

  async byCodeDigest(digest: string): Promise<AuthorizationCodeRecord | undefined> {
    const r = oneRow(this.db, 'SELECT * FROM oauth_authorization_codes WHERE code_digest = ?', digest) as Row | undefined;
    return r ? toAuthorizationCode(r) : undefined;
  }

  async markUsed(id: number, tokenId: number, now: Date): Promise<boolean> {
    const changed = statement(
      this.db,
      `UPDATE oauth_authorization_codes SET status = 'used', token_id = ? WHERE id = ? AND status = 'issued' AND expires_at > ?`,
    ).run(tokenId, id, isoTime(now)).changes;
    return Number(changed) > 0;
  }

  async deleteExpired(before: Date): Promise<number> {
    return Number(statement(this.db, 'DELETE FROM oauth_authorization_codes WHERE expires_at < ?').run(isoTime(before)).changes);
  }
}
