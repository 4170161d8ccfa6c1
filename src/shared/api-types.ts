// Request and response shapes of the provider's HTTP API (GitHub's field names, snake_case).
// Shared by the provider and the extension's API client.
import type { PermissionSet } from './fine-grained-permissions';
import type { TokenKind } from './token-format';

export interface HealthResponse {
  service: 'tessera';
  version: string;
  status: 'ok';
}

export interface ApiFieldError {
  resource?: string;
  field: string;
  code: string;
  message: string;
}

export interface ApiError {
  message: string;
  errors?: ApiFieldError[];
  documentation_url?: string;
}

// ---- users ----

export interface CreateUserRequest {
  login: string;
  email: string;
  password: string;
  name?: string | null;
}

export interface UpdateUserRequest {
  name?: string | null;
  email?: string;
}

export interface UserJson {
  login: string;
  id: number;
  type: 'User';
  site_admin: boolean;
  name: string | null;
  email: string;
  two_factor_authentication: boolean;
  created_at: string;
  updated_at: string;
  url: string;
}

// ---- two-factor, sudo ----

export interface TwoFactorSetupResponse {
  secret: string;
  otpauth_uri: string;
}

export interface TwoFactorEnableRequest {
  code: string;
}

export interface TwoFactorEnableResponse {
  recovery_codes: string[];
}

export interface TwoFactorDisableRequest {
  /** Optional confirmation; disabling needs sudo either way. */
  password?: string;
}

export interface SudoRequest {
  password: string;
  otp?: string;
}

export interface SudoResponse {
  sudo_until: string;
}

// ---- tokens (/user/personal-access-tokens) ----

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

export interface TokenJson {
  id: number;
  kind: TokenKind;
  name: string;
  description: string | null;
  /** The secret — only in the create and regenerate answers. */
  token?: string;
  token_last_eight: string;
  scopes?: string[];
  permissions?: PermissionSet;
  resource_owner?: string | null;
  repository_selection?: RepositorySelection | null;
  /** Fine-grained `subset` tokens: the selected repositories. */
  repositories?: { id: number; name: string; full_name: string; private: boolean; owner: { login: string } }[];
  status: TokenStatus;
  status_reason?: string | null;
  justification?: string | null;
  expires_at: string | null;
  created_at: string;
  updated_at: string;
  last_used_at: string | null;
  note_url?: string | null;
  fingerprint?: string | null;
  client_id?: string | null;
  url: string;
}

// ---- the 2013 OAuth Authorizations API ----

export interface CreateAuthorizationRequest {
  scopes?: string[];
  note: string;
  note_url?: string;
  client_id?: string;
  client_secret?: string;
  fingerprint?: string;
}

export interface UpdateAuthorizationRequest {
  scopes?: string[];
  add_scopes?: string[];
  remove_scopes?: string[];
  note?: string;
  note_url?: string;
  fingerprint?: string;
}

export interface AuthorizationJson {
  id: number;
  url: string;
  scopes: string[];
  /** The secret — only in the answer that created it. */
  token?: string;
  token_last_eight: string;
  hashed_token: string;
  app: { name: string; url: string; client_id: string };
  note: string;
  note_url: string | null;
  created_at: string;
  updated_at: string;
  fingerprint: string | null;
  expires_at: string | null;
  user?: { login: string; id: number };
}

// ---- credentials revoke, audit ----

export interface RevokeCredentialsRequest {
  credentials: string[];
}

export interface AuditEventJson {
  '@timestamp': number;
  _document_id: string;
  action: string;
  actor: string | null;
  actor_id: number | null;
  user: string | null;
  user_id: number | null;
  org?: string | null;
  org_id?: number | null;
  token_id?: number;
  actor_ip?: string;
  created_at: number;
  [detail: string]: unknown;
}
