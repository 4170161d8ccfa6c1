// What a fine-grained token has beyond the core token row: the repositories of a `subset`
// selection, when its current secret and expiry were issued (lifetime policy), and moving it to
// another resource owner (an org revoking its access returns it to its user).
import type { RepositorySelection, ResourceOwnerType, TokenRecord, TokenStatus } from './tokens';

export interface ResourceOwnerChange {
  resourceOwnerType: ResourceOwnerType;
  resourceOwnerId: number;
  repositorySelection: RepositorySelection;
  /** Replaces the subset (cleared unless the selection is `subset`). */
  repositoryIds: number[];
  status: TokenStatus;
  statusReason: string | null;
  updatedAt: Date;
}

/** A selected repository, as a token's JSON names it. */
export interface SelectedRepository {
  id: number;
  name: string;
  private: boolean;
  ownerType: ResourceOwnerType;
  ownerId: number;
}

export interface FineGrainedTokenStore {
  /** Ids of the selected repositories, ascending. */
  repositoryIds(tokenId: number): Promise<number[]>;
  /**
   * The selected repositories of each of these tokens, ordered by name (case-insensitive) then id
   * as repository lists are; [] for a token without. One read, whatever the number of tokens.
   */
  selectedRepositoriesOf(tokenIds: readonly number[]): Promise<Map<number, SelectedRepository[]>>;
  /** Replaces the selected repositories. */
  setRepositories(tokenId: number, repositoryIds: number[]): Promise<void>;
  /** Tokens of this kind whose subset contains the repository. */
  tokenIdsSelecting(repositoryId: number): Promise<number[]>;
  /** When the token's current lifetime started (creation, regeneration or a new expiry). */
  issuedAt(tokenId: number): Promise<Date | undefined>;
  setIssuedAt(tokenId: number, at: Date): Promise<void>;
  /** Moves the token to another resource owner with a new selection and status, atomically. */
  changeResourceOwner(tokenId: number, change: ResourceOwnerChange): Promise<TokenRecord | undefined>;
}
