import type { DatabaseSync } from 'node:sqlite';
import type { CredentialAuthorizationRecord, CredentialAuthorizationStore } from '../credential-authorizations';
import { date, dateOrNull, Row } from './rows';
import { isoTime } from '../../iso-time';
import { allRows, oneRow, statement } from './statements';

export function toAuthorization(r: Row): CredentialAuthorizationRecord {
  return {
    orgId: Number(r.org_id),
    tokenId: Number(r.token_id),
    userId: Number(r.user_id),
    authorizedAt: date(r.authorized_at),
    accessedAt: dateOrNull(r.accessed_at),
  };
}

const TOUCH_INTERVAL_MS = 60_000;

export class SqliteCredentialAuthorizationStore implements CredentialAuthorizationStore {
  constructor(private readonly db: DatabaseSync) {}

  async authorize(a: { orgId: number; tokenId: number; userId: number; now: Date }): Promise<CredentialAuthorizationRecord> {
    statement(this.db,
        `INSERT INTO credential_authorizations (org_id, token_id, user_id, authorized_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (org_id, token_id) DO UPDATE SET authorized_at = excluded.authorized_at, user_id = excluded.user_id`,
      )
      .run(a.orgId, a.tokenId, a.userId, isoTime(a.now));
    return (await this.get(a.orgId, a.tokenId))!;
  }

  async get(orgId: number, tokenId: number): Promise<CredentialAuthorizationRecord | undefined> {
    const r = oneRow(this.db, 'SELECT * FROM credential_authorizations WHERE org_id = ? AND token_id = ?', orgId, tokenId) as Row | undefined;
    return r ? toAuthorization(r) : undefined;
  }

  async list(orgId: number, opts: { userId?: number } = {}): Promise<CredentialAuthorizationRecord[]> {
    const rows = (
      opts.userId !== undefined
        ? statement(this.db, 'SELECT * FROM credential_authorizations WHERE org_id = ? AND user_id = ? ORDER BY authorized_at, token_id').all(orgId, opts.userId)
        : statement(this.db, 'SELECT * FROM credential_authorizations WHERE org_id = ? ORDER BY authorized_at, token_id').all(orgId)
    ) as Row[];
    return rows.map(toAuthorization);
  }

  async orgIdsForToken(tokenId: number): Promise<number[]> {
    return allRows(this.db, 'SELECT org_id FROM credential_authorizations WHERE token_id = ? ORDER BY org_id', tokenId).map((r) => Number(r.org_id));
  }

  async touch(orgId: number, tokenId: number, now: Date): Promise<void> {
    statement(this.db, 'UPDATE credential_authorizations SET accessed_at = ? WHERE org_id = ? AND token_id = ? AND (accessed_at IS NULL OR accessed_at <= ?)')
      .run(isoTime(now), orgId, tokenId, isoTime(new Date(now.getTime() - TOUCH_INTERVAL_MS)));
  }

  async remove(orgId: number, tokenId: number): Promise<boolean> {
    return Number(statement(this.db, 'DELETE FROM credential_authorizations WHERE org_id = ? AND token_id = ?').run(orgId, tokenId).changes) > 0;
  }

  async removeForUser(orgId: number, userId: number): Promise<number> {
    return Number(statement(this.db, 'DELETE FROM credential_authorizations WHERE org_id = ? AND user_id = ?').run(orgId, userId).changes);
  }
}
