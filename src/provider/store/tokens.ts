// Tokens of every kind: classic (tsp_), fine-grained (tsf_) and account API tokens (tsa_).
// The secret is never stored: only its SHA-256 digest and its last eight characters.
import type { TokenKind } from '../../shared/token-format';
import type { PermissionSet } from '../../shared/fine-grained-permissions';
import type { UserRecord } from './users';

export type TokenStatus = 'active' | 'pending' | 'denied' | 'expired' | 'revoked';
export type RepositorySelection = 'none' | 'all' | 'subset';
export type ResourceOwnerType = 'User' | 'Organization';

export interface TokenRecord {
  id: number;
  /** The user who owns (made) the token. */
  userId: number;
  kind: TokenKind;
  /** The token's name: `note` in the 2013 Authorizations API, `name` on /user/personal-access-tokens. */
  note: string;
  description: string | null;
  noteUrl: string | null;
  clientId: string | null;
  fingerprint: string | null;
  /** Classic: normalized scope names. Empty for other kinds. */
  scopes: string[];
  /** Fine-grained / account: the owner the token acts on (the user or an org). */
  resourceOwnerType: ResourceOwnerType | null;
  resourceOwnerId: number | null;
  repositorySelection: RepositorySelection | null;
  permissions: PermissionSet | null;
  /** As stored; an `active` token whose expires_at has passed is reported as `expired` (see tokens/status.ts). */
  status: TokenStatus;
  justification: string | null;
  /** Why an approval was denied or a token revoked (shown to the requester). */
  statusReason: string | null;
  expiresAt: Date | null;
  /** Until when calls made with this token count as sudo (fresh password + 2FA). */
  sudoUntil: Date | null;
  lastUsedAt: Date | null;
  tokenLastEight: string;
  /** Hex SHA-256 of the secret. */
  hashedToken: string;
  createdAt: Date;
  updatedAt: Date;
}

/** What the user's list of tokens shows of each (tokens/token-json.ts): all but the secret's digest and the sudo window. */
export type ShownToken = Omit<TokenRecord, 'hashedToken' | 'sudoUntil'>;

/** What an org's lists of requested and granted tokens show of each, and whose each is (approvals/grant-json.ts): no secret digest, no scopes. */
export type TokenSummary = Pick<TokenRecord, 'id' | 'userId' | 'note' | 'repositorySelection' | 'permissions' | 'expiresAt' | 'lastUsedAt'>;

export interface NewToken {
  userId: number;
  kind: TokenKind;
  note: string;
  description?: string | null;
  noteUrl?: string | null;
  clientId?: string | null;
  fingerprint?: string | null;
  scopes?: string[];
  resourceOwnerType?: ResourceOwnerType | null;
  resourceOwnerId?: number | null;
  repositorySelection?: RepositorySelection | null;
  permissions?: PermissionSet | null;
  status: TokenStatus;
  justification?: string | null;
  expiresAt: Date | null;
  sudoUntil?: Date | null;
  tokenLastEight: string;
  hashedToken: string;
  createdAt: Date;
}

/** Fields a PATCH may change. `undefined` = unchanged. */
export interface TokenUpdate {
  note?: string;
  description?: string | null;
  noteUrl?: string | null;
  fingerprint?: string | null;
  scopes?: string[];
  permissions?: PermissionSet | null;
  repositorySelection?: RepositorySelection | null;
  status?: TokenStatus;
  statusReason?: string | null;
  justification?: string | null;
  expiresAt?: Date | null;
  updatedAt: Date;
}

/**
 * The columns a TokenUpdate sets besides updated_at, with their values (lists as JSON), in one
 * place for every backend; a backend writes dates its own way.
 */
export function tokenUpdateColumns(u: TokenUpdate): [column: string, value: string | Date | null][] {
  const fields: [keyof TokenUpdate, string, (v: never) => string | Date | null][] = [
    ['note', 'note', (v: string) => v],
    ['description', 'description', (v: string | null) => v],
    ['noteUrl', 'note_url', (v: string | null) => v],
    ['fingerprint', 'fingerprint', (v: string | null) => v],
    ['scopes', 'scopes', (v: string[]) => JSON.stringify(v)],
    ['permissions', 'permissions', (v: PermissionSet | null) => (v ? JSON.stringify(v) : null)],
    ['repositorySelection', 'repository_selection', (v: RepositorySelection | null) => v],
    ['status', 'status', (v: TokenStatus) => v],
    ['statusReason', 'status_reason', (v: string | null) => v],
    ['justification', 'justification', (v: string | null) => v],
    ['expiresAt', 'expires_at', (v: Date | null) => v],
  ];
  return fields.filter(([key]) => u[key] !== undefined).map(([key, column, value]) => [column, value(u[key] as never)]);
}

export interface TokenQuery {
  userId?: number;
  kind?: TokenKind;
  /** Only tokens of one of these kinds. */
  kinds?: TokenKind[];
  /** Only tokens with one of these stored statuses. */
  statuses?: TokenStatus[];
  resourceOwnerType?: ResourceOwnerType;
  resourceOwnerId?: number;
  clientId?: string | null;
  /**
   * Only tokens whose status as callers see it at `now` is `status`: a stored `active` or `pending`
   * token past its expiry is `expired` (tokens/token-status.ts).
   */
  shownStatus?: { status: TokenStatus; now: Date };
  limit?: number;
  offset?: number;
}

/**
 * The condition of TokenQuery.shownStatus with `?` for its values (a backend numbers them its own
 * way), in one place for every backend: the SQL twin of effectiveStatus.
 */
export function shownStatusCondition(q: { status: TokenStatus; now: Date }): { sql: string; values: (string | Date)[] } {
  switch (q.status) {
    case 'expired':
      return { sql: "(status = 'expired' OR (status IN ('active', 'pending') AND expires_at <= ?))", values: [q.now] };
    case 'active':
    case 'pending':
      return { sql: '(status = ? AND (expires_at IS NULL OR expires_at > ?))', values: [q.status, q.now] };
    default:
      return { sql: 'status = ?', values: [q.status] };
  }
}

export interface TokenStore {
  /** Throws UniqueViolation('hashed_token') on a digest collision. */
  create(token: NewToken): Promise<TokenRecord>;
  byId(id: number): Promise<TokenRecord | undefined>;
  /** The tokens of these ids that exist, in id order. */
  byIds(ids: readonly number[]): Promise<TokenRecord[]>;
  /** byIds reading only the TokenSummary columns. */
  summariesByIds(ids: readonly number[]): Promise<TokenSummary[]>;
  /** The token whose secret has this SHA-256 digest (hex). */
  byDigest(hashedToken: string): Promise<TokenRecord | undefined>;
  /**
   * The token with this digest and the user who owns it, in one look-up: the hot path of every
   * token-authenticated request.
   */
  byDigestWithUser(hashedToken: string): Promise<{ token: TokenRecord; user: UserRecord } | undefined>;
  /** Tokens matching the query, newest first. */
  list(query: TokenQuery): Promise<TokenRecord[]>;
  /** list reading only the ShownToken columns. */
  listShown(query: TokenQuery): Promise<ShownToken[]>;
  count(query: TokenQuery): Promise<number>;
  /** A live (not revoked) token of the user with this name, kind and fingerprint (null = none). */
  findByNote(userId: number, kind: TokenKind, note: string, fingerprint: string | null): Promise<TokenRecord | undefined>;
  /** A live token of the user made by an OAuth client with this fingerprint (null = none). */
  findByClient(userId: number, clientId: string, fingerprint: string | null): Promise<TokenRecord | undefined>;
  update(id: number, update: TokenUpdate): Promise<TokenRecord | undefined>;
  /**
   * New secret (digest + last eight) for the same id and grants; optionally a new expiry. Only if
   * the token's secret is still `previousDigest` (compare and swap): undefined when it is not, or
   * the token is gone.
   */
  replaceSecret(
    id: number,
    secret: { previousDigest: string; hashedToken: string; tokenLastEight: string; expiresAt?: Date | null; updatedAt: Date },
  ): Promise<TokenRecord | undefined>;
  /** Sets last_used_at = now unless it was written less than `minIntervalMs` ago. True when written. */
  touchLastUsed(id: number, now: Date, minIntervalMs: number): Promise<boolean>;
  /** The latest last_used_at among the user's tokens (null when none was ever used): what a change stream watches for use. */
  latestUse(userId: number): Promise<Date | null>;
  setSudoUntil(id: number, until: Date | null): Promise<void>;
  /** Deletes the row (dependent rows, e.g. deploy keys made with it, go by foreign-key cascade). */
  delete(id: number): Promise<boolean>;
  /**
   * Marks as revoked every live token (active or pending) last used — or, never used, created —
   * at or before `cutoff`. Returns the revoked tokens as they were before.
   */
  revokeUnusedSince(cutoff: Date, now: Date, reason: string): Promise<TokenRecord[]>;
  /** Marks the tokens with these digests revoked (those not already revoked); returns them. */
  revokeByDigests(digests: string[], now: Date, reason: string): Promise<TokenRecord[]>;
}
