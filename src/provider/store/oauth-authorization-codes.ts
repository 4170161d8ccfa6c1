// Authorization requests of the OAuth web flow (GET /login/oauth/authorize). A request starts
// pending, for the user who signed in on the page, with a one-time confirmation ticket; approving
// it gives the app a code (bound to the app and redirect_uri, single use, short-lived) that the
// app exchanges for a token. Tickets and codes are stored as SHA-256 digests; every state change
// is one atomic conditional write, so of two racing requests exactly one wins.

/** As stored; a request whose expires_at has passed counts as expired whatever its status. */
export type AuthorizationCodeStatus = 'pending' | 'issued' | 'used';

export interface AuthorizationCodeRecord {
  id: number;
  appId: number;
  /** The user who signed in on the authorization page (and approved it). */
  userId: number;
  /** Normalized classic scope names. */
  scopes: string[];
  /** The redirect_uri the app sent (null: the app's callback URL). */
  redirectUri: string | null;
  /** The app's `state`, echoed on the redirect. */
  state: string | null;
  status: AuthorizationCodeStatus;
  /** The token the app received (status `used`). */
  tokenId: number | null;
  /** Pending: when the confirmation ticket ends; issued: when the code ends. */
  expiresAt: Date;
  createdAt: Date;
}

export interface NewAuthorizationRequest {
  appId: number;
  userId: number;
  scopes: string[];
  redirectUri: string | null;
  state: string | null;
  ticketDigest: string;
  /** When the confirmation ticket ends. */
  expiresAt: Date;
  createdAt: Date;
}

export interface AuthorizationCodeStore {
  /** A pending request with its ticket. Throws UniqueViolation('ticket') on a digest collision. */
  createRequest(request: NewAuthorizationRequest): Promise<AuthorizationCodeRecord>;
  byId(id: number): Promise<AuthorizationCodeRecord | undefined>;
  /**
   * Ends the ticket of a pending, unexpired request (single use): approved, the request gets its
   * code (digest) and the code's expiry and becomes issued; denied, it is deleted. The request
   * after the decision (issued; or, denied, as it was), or undefined when no such ticket is live.
   */
  decide(ticketDigest: string, now: Date, decision: { approve: { codeDigest: string; expiresAt: Date } } | 'deny'): Promise<AuthorizationCodeRecord | undefined>;
  /** The request whose code has this digest (any status, expired too). */
  byCodeDigest(digest: string): Promise<AuthorizationCodeRecord | undefined>;
  /** An issued, unexpired code becomes used, with the token made for it; false otherwise (nothing written). */
  markUsed(id: number, tokenId: number, now: Date): Promise<boolean>;
  /** Deletes requests that expired before `before`; how many. */
  deleteExpired(before: Date): Promise<number>;
}
