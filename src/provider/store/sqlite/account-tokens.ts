import type { DatabaseSync } from 'node:sqlite';
import type { AccountTokenRecord, AccountTokenStore } from '../account-tokens';
import { dateOrNull, Row } from './rows';
import { isoTime } from '../../iso-time';
import { allRows, oneRow, statement } from './statements';

export function toRecord(r: Row): AccountTokenRecord {
  return { tokenId: Number(r.token_id), orgId: Number(r.org_id), active: Number(r.active) === 1, deactivatedAt: dateOrNull(r.deactivated_at) };
}

export class SqliteAccountTokenStore implements AccountTokenStore {
  constructor(private readonly db: DatabaseSync) {}

  async add(tokenId: number, orgId: number): Promise<AccountTokenRecord> {
    statement(this.db, 'INSERT INTO account_tokens (token_id, org_id, active) VALUES (?, ?, 1)').run(tokenId, orgId);
    return (await this.get(tokenId))!;
  }

  async get(tokenId: number): Promise<AccountTokenRecord | undefined> {
    const r = oneRow(this.db, 'SELECT * FROM account_tokens WHERE token_id = ?', tokenId) as Row | undefined;
    return r ? toRecord(r) : undefined;
  }

  async list(orgId: number): Promise<AccountTokenRecord[]> {
    return allRows(this.db, 'SELECT * FROM account_tokens WHERE org_id = ? ORDER BY token_id DESC', orgId).map(toRecord);
  }

  async count(orgId: number): Promise<number> {
    const { n } = oneRow(this.db, 'SELECT COUNT(*) AS n FROM account_tokens WHERE org_id = ?', orgId) as { n: number };
    return Number(n);
  }

  async setActive(tokenId: number, active: boolean, now: Date): Promise<AccountTokenRecord | undefined> {
    statement(this.db, 'UPDATE account_tokens SET active = ?, deactivated_at = ? WHERE token_id = ?').run(active ? 1 : 0, active ? null : isoTime(now), tokenId);
    return this.get(tokenId);
  }
}
