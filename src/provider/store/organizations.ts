// Organizations and their personal-access-token policy. Org logins share one namespace with user logins (case-insensitive).

type ClassicTokenPolicy = 'allowed' | 'restricted';

/** An org's token policy (GET/PATCH /orgs/{org}/personal-access-token-policy). */
export interface TokenPolicyRecord {
  classicTokens: ClassicTokenPolicy;
  /** Fine-grained tokens of non-owners wait for an owner's approval. */
  requireApproval: boolean;
  /** Longest lifetime a classic token may have on the org's resources (null = any, even none). */
  maxLifetimeClassicDays: number | null;
  /** Longest lifetime of a fine-grained token for the org (1–366). */
  maxLifetimeFineGrainedDays: number;
  /** Tokens work on the org's resources only once authorized for it (credential authorizations). */
  ssoRequired: boolean;
}

export const DEFAULT_TOKEN_POLICY: Readonly<TokenPolicyRecord> = {
  classicTokens: 'allowed',
  requireApproval: false,
  maxLifetimeClassicDays: null,
  maxLifetimeFineGrainedDays: 366,
  ssoRequired: false,
};

export interface OrganizationRecord {
  id: number;
  login: string;
  name: string | null;
  description: string | null;
  createdBy: number | null;
  policy: TokenPolicyRecord;
  profile: OrganizationProfileRecord;
  createdAt: Date;
  updatedAt: Date;
}

/** GitHub's organization profile fields (null when unset). */
export interface OrganizationProfileRecord {
  email: string | null;
  billingEmail: string | null;
  blog: string | null;
  company: string | null;
  location: string | null;
  twitterUsername: string | null;
}

/** The profile's columns, for both stores. */
export const ORGANIZATION_PROFILE_COLUMNS = [
  ['email', 'email'],
  ['billingEmail', 'billing_email'],
  ['blog', 'blog'],
  ['company', 'company'],
  ['location', 'location'],
  ['twitterUsername', 'twitter_username'],
] as const satisfies readonly (readonly [keyof OrganizationProfileRecord, string])[];

export interface OrganizationUpdate {
  name?: string | null;
  description?: string | null;
  /** The profile fields given (null clears one). */
  profile?: Partial<OrganizationProfileRecord>;
  updatedAt: Date;
}

export interface NewOrganization {
  login: string;
  name?: string | null;
  description?: string | null;
  /** The creator becomes the org's first (active) owner, in the same transaction. */
  createdBy: number;
  createdAt: Date;
}

export interface OrganizationStore {
  /** Inserts the org and its creator's owner membership. Throws UniqueViolation('login') when the login is taken by an org or a user. */
  create(org: NewOrganization): Promise<OrganizationRecord>;
  byId(id: number): Promise<OrganizationRecord | undefined>;
  /** Case-insensitive. */
  byLogin(login: string): Promise<OrganizationRecord | undefined>;
  byIds(ids: number[]): Promise<OrganizationRecord[]>;
  update(id: number, update: OrganizationUpdate): Promise<OrganizationRecord | undefined>;
  /** Sets the given policy fields. */
  updatePolicy(id: number, policy: Partial<TokenPolicyRecord>, now: Date): Promise<OrganizationRecord | undefined>;
}
