// The approval queue: requests of fine-grained tokens for an org's resources, and the grants
// (tokens approved — or needing no approval — for the org).

export type TokenRequestStatus = 'pending' | 'approved' | 'denied' | 'cancelled';

export interface TokenRequestRecord {
  id: number;
  orgId: number;
  tokenId: number;
  userId: number;
  status: TokenRequestStatus;
  /** The requester's reason (GitHub's `reason` on the request). */
  justification: string | null;
  /** The owner's reason when reviewing. */
  reviewReason: string | null;
  reviewerId: number | null;
  createdAt: Date;
  reviewedAt: Date | null;
}

export interface TokenGrantRecord {
  tokenId: number;
  orgId: number;
  grantedAt: Date;
  grantedBy: number | null;
}

/** What a request's or a grant's token must be to be listed (every field given must hold). */
export interface TokenRequestTokenFilter {
  /** Of one of these users (the requester; a grant's token's owner). */
  userIds?: readonly number[];
  /** For one of these tokens. */
  tokenIds?: readonly number[];
  /** The token reaches this repository: all repositories, or a subset that holds it. */
  repositoryId?: number;
  /** The token asks for this permission (in any group). */
  permission?: string;
  /** The token was last used before / after this time (never used: neither). */
  lastUsedBefore?: Date;
  lastUsedAfter?: Date;
}

export interface TokenRequestQuery {
  orgId?: number;
  tokenId?: number;
  userId?: number;
  status?: TokenRequestStatus;
  /** Matched in the query itself, so a page reads only its own rows and the index. */
  token?: TokenRequestTokenFilter;
  /** Newest first instead of oldest first. */
  descending?: boolean;
  limit?: number;
  offset?: number;
}

/**
 * An org's grants in force — each grant's token is an active fine-grained token whose resource
 * owner is the org — that pass `token`; newest grant first (oldest first unless `descending`).
 */
export interface TokenGrantQuery {
  orgId: number;
  /** Matched in the query itself, as the queue's. */
  token?: TokenRequestTokenFilter;
  descending: boolean;
  limit?: number;
  offset?: number;
}

export interface TokenRequestStore {
  /** Cancels the token's other pending requests and adds a pending one, atomically. */
  create(r: { orgId: number; tokenId: number; userId: number; justification: string | null; createdAt: Date }): Promise<TokenRequestRecord>;
  byId(orgId: number, id: number): Promise<TokenRequestRecord | undefined>;
  /** Oldest first (newest first when `descending`). */
  list(query: TokenRequestQuery): Promise<TokenRequestRecord[]>;
  /** How many requests match the query (limit and offset aside). */
  count(query: TokenRequestQuery): Promise<number>;
  /** Marks the token's pending requests cancelled. */
  cancelPending(tokenId: number, now: Date): Promise<number>;
  /**
   * Reviews pending requests atomically: all of them or none (undefined when one is not pending).
   * Approving also records the grant.
   */
  review(ids: number[], orgId: number, r: { approve: boolean; reason: string | null; reviewerId: number; now: Date }): Promise<TokenRequestRecord[] | undefined>;

  grant(g: TokenGrantRecord): Promise<void>;
  grantOf(tokenId: number): Promise<TokenGrantRecord | undefined>;
  /** The grants in force of an org that pass the query (TokenGrantQuery). */
  grants(query: TokenGrantQuery): Promise<TokenGrantRecord[]>;
  /** How many grants match the query (limit and offset aside). */
  grantCount(query: TokenGrantQuery): Promise<number>;
  revokeGrant(tokenId: number): Promise<boolean>;
}
