import type { FineGrainedTokenStore, ResourceOwnerChange, SelectedRepository } from '../fine-grained-tokens';
import { toSelectedRepository } from '../sqlite/fine-grained-tokens';
import type { TokenRecord } from '../tokens';
import { toToken } from '../sqlite/tokens';
import type { PgDb } from './database';

export class PgFineGrainedTokenStore implements FineGrainedTokenStore {
  constructor(private readonly db: PgDb) {}

  async repositoryIds(tokenId: number): Promise<number[]> {
    const rows = await this.db.rows('SELECT repository_id FROM token_repositories WHERE token_id = $1 ORDER BY repository_id', [tokenId]);
    return rows.map((r) => Number(r.repository_id));
  }

  async selectedRepositoriesOf(tokenIds: readonly number[]): Promise<Map<number, SelectedRepository[]>> {
    const unique = [...new Set(tokenIds)];
    const out = new Map<number, SelectedRepository[]>(unique.map((id) => [id, []]));
    if (!unique.length) return out;
    const rows = await this.db.rows(
      `SELECT tr.token_id, r.id, r.name, r.private, r.owner_type, r.owner_id FROM token_repositories tr JOIN repositories r ON r.id = tr.repository_id
       WHERE tr.token_id = ANY($1::bigint[]) ORDER BY lower(r.name) COLLATE "C", r.id, tr.token_id`,
      [unique],
    );
    for (const r of rows) out.get(Number(r.token_id))!.push(toSelectedRepository(r));
    return out;
  }

  /** Inside `tx`, with the token row locked first so two replacements of one token do not mix. */
  private async replaceRepositories(tx: PgDb, tokenId: number, ids: number[]): Promise<void> {
    await tx.rows('SELECT id FROM tokens WHERE id = $1 FOR UPDATE', [tokenId]);
    await tx.write('DELETE FROM token_repositories WHERE token_id = $1', [tokenId]);
    if (ids.length) {
      await tx.write(
        'INSERT INTO token_repositories (token_id, repository_id) SELECT $1, r FROM unnest($2::bigint[]) AS r ON CONFLICT DO NOTHING',
        [tokenId, ids],
      );
    }
  }

  async setRepositories(tokenId: number, repositoryIds: number[]): Promise<void> {
    await this.db.transaction((tx) => this.replaceRepositories(tx, tokenId, repositoryIds));
  }

  async tokenIdsSelecting(repositoryId: number): Promise<number[]> {
    const rows = await this.db.rows('SELECT token_id FROM token_repositories WHERE repository_id = $1 ORDER BY token_id', [repositoryId]);
    return rows.map((r) => Number(r.token_id));
  }

  async issuedAt(tokenId: number): Promise<Date | undefined> {
    const r = await this.db.row('SELECT issued_at FROM token_issuance WHERE token_id = $1', [tokenId]);
    return r ? new Date(r.issued_at as Date) : undefined;
  }

  async setIssuedAt(tokenId: number, at: Date): Promise<void> {
    await this.db.write(
      'INSERT INTO token_issuance (token_id, issued_at) VALUES ($1, $2) ON CONFLICT (token_id) DO UPDATE SET issued_at = excluded.issued_at',
      [tokenId, at],
    );
  }

  async changeResourceOwner(tokenId: number, c: ResourceOwnerChange): Promise<TokenRecord | undefined> {
    return this.db.transaction(async (tx) => {
      await this.replaceRepositories(tx, tokenId, c.repositorySelection === 'subset' ? c.repositoryIds : []);
      await tx.write(
        `UPDATE tokens SET resource_owner_type = $1, resource_owner_id = $2, repository_selection = $3, status = $4,
           status_reason = $5, updated_at = $6 WHERE id = $7 AND kind = 'fine_grained'`,
        [c.resourceOwnerType, c.resourceOwnerId, c.repositorySelection, c.status, c.statusReason, c.updatedAt, tokenId],
      );
      const r = await tx.row('SELECT * FROM tokens WHERE id = $1', [tokenId]);
      return r ? toToken(r) : undefined;
    });
  }
}
