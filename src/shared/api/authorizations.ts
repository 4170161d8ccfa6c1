// The 2013 OAuth Authorizations API (/authorizations) and POST /credentials/revoke.
import type { SimpleUserJson } from './users';

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
  /** The secret in the answer that created it; '' in every other. */
  token: string;
  token_last_eight: string;
  hashed_token: string;
  app: { name: string; url: string; client_id: string };
  note: string;
  note_url: string | null;
  created_at: string;
  updated_at: string;
  fingerprint: string | null;
  expires_at: string | null;
  user: SimpleUserJson;
}

export interface RevokeCredentialsRequest {
  credentials: string[];
}

/** POST /credentials/check: the tokens to check (without using them). */
export interface CheckCredentialsRequest {
  credentials: string[];
}

/** Whether each credential, in the order asked, is a token that works now (it would authenticate a request). */
export interface CheckCredentialsResponse {
  credentials: { active: boolean }[];
}
