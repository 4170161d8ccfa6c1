import type { DatabaseSync } from 'node:sqlite';
import type { FineGrainedTokenStore, ResourceOwnerChange } from '../fine-grained-tokens';
import type { TokenRecord } from '../tokens';
import { date, iso, Row } from './rows';
import { inTransaction } from './transaction';

export class SqliteFineGrainedTokenStore implements FineGrainedTokenStore {
  /** `tokenById` reads a token row (the core token store's byId). */
  constructor(
    private readonly db: DatabaseSync,
    private readonly tokenById: (id: number) => Promise<TokenRecord | undefined>,
  ) {}

  async repositoryIds(tokenId: number): Promise<number[]> {
    const rows = this.db.prepare('SELECT repository_id FROM token_repositories WHERE token_id = ? ORDER BY repository_id').all(tokenId) as Row[];
    return rows.map((r) => Number(r.repository_id));
  }

  private replaceRepositories(tokenId: number, ids: number[]): void {
    this.db.prepare('DELETE FROM token_repositories WHERE token_id = ?').run(tokenId);
    const ins = this.db.prepare('INSERT OR IGNORE INTO token_repositories (token_id, repository_id) VALUES (?, ?)');
    for (const id of ids) ins.run(tokenId, id);
  }

  async setRepositories(tokenId: number, repositoryIds: number[]): Promise<void> {
    inTransaction(this.db, () => this.replaceRepositories(tokenId, repositoryIds));
  }

  async tokenIdsSelecting(repositoryId: number): Promise<number[]> {
    const rows = this.db.prepare('SELECT token_id FROM token_repositories WHERE repository_id = ? ORDER BY token_id').all(repositoryId) as Row[];
    return rows.map((r) => Number(r.token_id));
  }

  async issuedAt(tokenId: number): Promise<Date | undefined> {
    const r = this.db.prepare('SELECT issued_at FROM token_issuance WHERE token_id = ?').get(tokenId) as Row | undefined;
    return r ? date(r.issued_at) : undefined;
  }

  async setIssuedAt(tokenId: number, at: Date): Promise<void> {
    this.db
      .prepare('INSERT INTO token_issuance (token_id, issued_at) VALUES (?, ?) ON CONFLICT (token_id) DO UPDATE SET issued_at = excluded.issued_at')
      .run(tokenId, iso(at));
  }

  async changeResourceOwner(tokenId: number, c: ResourceOwnerChange): Promise<TokenRecord | undefined> {
    inTransaction(this.db, () => {
      this.db
        .prepare(
          `UPDATE tokens SET resource_owner_type = ?, resource_owner_id = ?, repository_selection = ?, status = ?,
             status_reason = ?, updated_at = ? WHERE id = ? AND kind = 'fine_grained'`,
        )
        .run(c.resourceOwnerType, c.resourceOwnerId, c.repositorySelection, c.status, c.statusReason, iso(c.updatedAt), tokenId);
      this.replaceRepositories(tokenId, c.repositorySelection === 'subset' ? c.repositoryIds : []);
    });
    return this.tokenById(tokenId);
  }
}
