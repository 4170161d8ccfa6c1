// Personal access tokens of both kinds: /user/personal-access-tokens and its sub-resources.
import type { PermissionSet } from '../fine-grained-permissions';
import type { TokenKind } from '../token-kinds';

export type TokenStatus = 'active' | 'pending' | 'denied' | 'expired' | 'revoked';
export type RepositorySelection = 'none' | 'all' | 'subset';

export interface CreateTokenRequest {
  name: string;
  description?: string | null;
  /** ISO 8601 date-time (or a `YYYY-MM-DD` date: end of that day, UTC); null/absent = no expiry where allowed. */
  expires_at?: string | null;
  /** A preset instead of `expires_at`: 7, 30, 60 or 90 (any 1–366 accepted). */
  expires_in_days?: number;
  /** Classic (the default kind). */
  scopes?: string[];
  kind?: 'classic' | 'fine_grained';
  /** Fine-grained: */
  resource_owner?: string;
  repository_selection?: RepositorySelection;
  repositories?: (string | number)[];
  permissions?: PermissionSet;
  justification?: string;
}

export interface UpdateTokenRequest {
  name?: string;
  description?: string | null;
  expires_at?: string | null;
  expires_in_days?: number;
  scopes?: string[];
  permissions?: PermissionSet;
  /** Fine-grained: a new resource owner (with its selection) — e.g. requesting access again. */
  resource_owner?: string;
  repository_selection?: RepositorySelection;
  repositories?: (string | number)[];
  justification?: string;
}

export interface RegenerateTokenRequest {
  /** Absent = keep the current expiry; null = no expiry (where allowed). */
  expires_at?: string | null;
  expires_in_days?: number;
}

/** A repository a fine-grained `subset` token selects (the short form). */
export interface TokenRepositoryJson {
  id: number;
  name: string;
  full_name: string;
  private: boolean;
  owner: { login: string };
}

export interface TokenJson {
  id: number;
  kind: TokenKind;
  name: string;
  description: string | null;
  /** The secret — only in the create and regenerate answers. */
  token?: string;
  token_last_eight: string;
  /** Classic tokens. */
  scopes?: string[];
  /** Fine-grained tokens: */
  permissions?: PermissionSet;
  /** The owner's login. */
  resource_owner?: string | null;
  repository_selection?: RepositorySelection | null;
  /** `subset` tokens: the selected repositories. */
  repositories?: TokenRepositoryJson[];
  status: TokenStatus;
  /** Why the status is what it is: an org owner's reason for a denial (or for a revocation). */
  status_reason: string | null;
  justification?: string | null;
  expires_at: string | null;
  created_at: string;
  updated_at: string;
  last_used_at: string | null;
  /** Classic tokens made through the Authorizations API: */
  note_url?: string | null;
  fingerprint?: string | null;
  client_id?: string | null;
  /** Classic tokens an OAuth app received (device flow): the app; null for the user's own tokens. */
  oauth_app?: OAuthAppRefJson | null;
  url: string;
}

/** An OAuth app as a token or a device authorization names it. */
export interface OAuthAppRefJson {
  name: string;
  client_id: string;
  url: string;
}
