// Account API tokens (Zendesk's model, tsa_): a row of kind 'account' in the tokens table (digest,
// last eight, name, creator) plus the org it belongs to and whether it is active.

export interface AccountTokenRecord {
  tokenId: number;
  orgId: number;
  active: boolean;
  deactivatedAt: Date | null;
}

export interface AccountTokenStore {
  /** Records the tsa_ token (already in the tokens table) as the org's, active. */
  add(tokenId: number, orgId: number): Promise<AccountTokenRecord>;
  get(tokenId: number): Promise<AccountTokenRecord | undefined>;
  /** Newest first. */
  list(orgId: number): Promise<AccountTokenRecord[]>;
  count(orgId: number): Promise<number>;
  setActive(tokenId: number, active: boolean, now: Date): Promise<AccountTokenRecord | undefined>;
}
