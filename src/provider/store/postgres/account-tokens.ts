import type { AccountTokenRecord, AccountTokenStore } from '../account-tokens';
import { toRecord } from '../sqlite/account-tokens';
import type { PgDb } from './database';

export class PgAccountTokenStore implements AccountTokenStore {
  constructor(private readonly db: PgDb) {}

  async add(tokenId: number, orgId: number): Promise<AccountTokenRecord> {
    return toRecord((await this.db.write('INSERT INTO account_tokens (token_id, org_id, active) VALUES ($1, $2, TRUE) RETURNING *', [tokenId, orgId])).rows[0]);
  }

  async get(tokenId: number): Promise<AccountTokenRecord | undefined> {
    const r = await this.db.row('SELECT * FROM account_tokens WHERE token_id = $1', [tokenId]);
    return r ? toRecord(r) : undefined;
  }

  async list(orgId: number): Promise<AccountTokenRecord[]> {
    return (await this.db.rows('SELECT * FROM account_tokens WHERE org_id = $1 ORDER BY token_id DESC', [orgId])).map(toRecord);
  }

  async count(orgId: number): Promise<number> {
    return Number((await this.db.row('SELECT COUNT(*) AS n FROM account_tokens WHERE org_id = $1', [orgId]))!.n);
  }

  async setActive(tokenId: number, active: boolean, now: Date): Promise<AccountTokenRecord | undefined> {
    const r = await this.db.write('UPDATE account_tokens SET active = $1, deactivated_at = $2 WHERE token_id = $3 RETURNING *', [active, active ? null : now, tokenId]);
    return r.rows[0] ? toRecord(r.rows[0]) : undefined;
  }
}
