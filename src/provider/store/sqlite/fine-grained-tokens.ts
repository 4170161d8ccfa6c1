import type { DatabaseSync } from 'node:sqlite';
import type { FineGrainedTokenStore, ResourceOwnerChange, SelectedRepository } from '../fine-grained-tokens';
import type { TokenRecord } from '../tokens';
import { date, Row } from './rows';
import { isoTime } from '../../iso-time';
import { inTransaction, placeholders } from './transaction';
import { allRows, statement, oneRow } from './statements';

/** A row of token_repositories joined with its repository (id, name, private, owner_type, owner_id). */
export function toSelectedRepository(r: Row): SelectedRepository {
  return {
    id: Number(r.id),
    name: String(r.name),
    private: Number(r.private) === 1,
    ownerType: r.owner_type === 'Organization' ? 'Organization' : 'User',
    ownerId: Number(r.owner_id),
  };
}

export class SqliteFineGrainedTokenStore implements FineGrainedTokenStore {
  /** `tokenById` reads a token row (the core token store's byId). */
  constructor(
    private readonly db: DatabaseSync,
    private readonly tokenById: (id: number) => Promise<TokenRecord | undefined>,
  ) {}

  async repositoryIds(tokenId: number): Promise<number[]> {
    const rows = allRows(this.db, 'SELECT repository_id FROM token_repositories WHERE token_id = ? ORDER BY repository_id', tokenId);
    return rows.map((r) => Number(r.repository_id));
  }

  async selectedRepositoriesOf(tokenIds: readonly number[]): Promise<Map<number, SelectedRepository[]>> {
    const unique = [...new Set(tokenIds)];
    const out = new Map<number, SelectedRepository[]>(unique.map((id) => [id, []]));
    if (!unique.length) return out;
    const rows = allRows(
      this.db,
      `SELECT tr.token_id, r.id, r.name, r.private, r.owner_type, r.owner_id FROM token_repositories tr JOIN repositories r ON r.id = tr.repository_id
       WHERE tr.token_id IN (${placeholders(unique.length)}) ORDER BY lower(r.name), r.id, tr.token_id`,
      ...unique,
    );
    for (const r of rows) out.get(Number(r.token_id))!.push(toSelectedRepository(r));
    return out;
  }

  private replaceRepositories(tokenId: number, ids: number[]): void {
    statement(this.db, 'DELETE FROM token_repositories WHERE token_id = ?').run(tokenId);
    const ins = statement(this.db, 'INSERT OR IGNORE INTO token_repositories (token_id, repository_id) VALUES (?, ?)');
    for (const id of ids) ins.run(tokenId, id);
  }

  async setRepositories(tokenId: number, repositoryIds: number[]): Promise<void> {
    inTransaction(this.db, () => this.replaceRepositories(tokenId, repositoryIds));
  }

  async tokenIdsSelecting(repositoryId: number): Promise<number[]> {
    const rows = allRows(this.db, 'SELECT token_id FROM token_repositories WHERE repository_id = ? ORDER BY token_id', repositoryId);
    return rows.map((r) => Number(r.token_id));
  }

  async issuedAt(tokenId: number): Promise<Date | undefined> {
    const r = oneRow(this.db, 'SELECT issued_at FROM token_issuance WHERE token_id = ?', tokenId) as Row | undefined;
    return r ? date(r.issued_at) : undefined;
  }

  async setIssuedAt(tokenId: number, at: Date): Promise<void> {
    statement(this.db, 'INSERT INTO token_issuance (token_id, issued_at) VALUES (?, ?) ON CONFLICT (token_id) DO UPDATE SET issued_at = excluded.issued_at')
      .run(tokenId, isoTime(at));
  }

  async changeResourceOwner(tokenId: number, c: ResourceOwnerChange): Promise<TokenRecord | undefined> {
    inTransaction(this.db, () => {
      statement(this.db,
          `UPDATE tokens SET resource_owner_type = ?, resource_owner_id = ?, repository_selection = ?, status = ?,
             status_reason = ?, updated_at = ? WHERE id = ? AND kind = 'fine_grained'`,
        )
        .run(c.resourceOwnerType, c.resourceOwnerId, c.repositorySelection, c.status, c.statusReason, isoTime(c.updatedAt), tokenId);
      this.replaceRepositories(tokenId, c.repositorySelection === 'subset' ? c.repositoryIds : []);
    });
    return this.tokenById(tokenId);
  }
}
