// SSO credential authorizations: a token (classic or fine-grained) its owner authorized, with
// fresh proof, for an org that requires SSO.

export interface CredentialAuthorizationRecord {
  orgId: number;
  tokenId: number;
  userId: number;
  authorizedAt: Date;
  accessedAt: Date | null;
}

export interface CredentialAuthorizationStore {
  /** Creates or renews (authorized_at = now). */
  authorize(a: { orgId: number; tokenId: number; userId: number; now: Date }): Promise<CredentialAuthorizationRecord>;
  get(orgId: number, tokenId: number): Promise<CredentialAuthorizationRecord | undefined>;
  /** Oldest first. */
  list(orgId: number, opts?: { userId?: number }): Promise<CredentialAuthorizationRecord[]>;
  /** Org ids the token is authorized for. */
  orgIdsForToken(tokenId: number): Promise<number[]>;
  /** Sets accessed_at unless written less than a minute ago. */
  touch(orgId: number, tokenId: number, now: Date): Promise<void>;
  remove(orgId: number, tokenId: number): Promise<boolean>;
  removeForUser(orgId: number, userId: number): Promise<number>;
}
