// OAuth apps, the device flow and the web flow: the OAuth endpoints at the origin
// (/login/device/code, /login/oauth/access_token, GitHub's field names) and Tessera's own API for
// registering apps and approving a device's user code.
import type { OAuthAppRefJson } from './tokens';

export interface OAuthAppJson extends OAuthAppRefJson {
  id: number;
  callback_url: string | null;
  /** Who registered it; null for a built-in app (GitHub CLI). */
  owner: string | null;
  created_at: string;
  /** Only in the answer that registered the app. */
  client_secret?: string;
}

export interface CreateOAuthAppRequest {
  name: string;
  url: string;
  callback_url?: string;
}

/** POST /login/device/code (form-encoded or JSON). */
export interface DeviceCodeRequest {
  client_id: string;
  /** Classic scopes, separated by spaces or commas. */
  scope?: string;
}

export interface DeviceCodeResponse {
  device_code: string;
  user_code: string;
  verification_uri: string;
  expires_in: number;
  interval: number;
}

/** POST /login/oauth/access_token with the device grant. */
export interface DeviceTokenRequest {
  client_id: string;
  device_code: string;
  grant_type: string;
  client_secret?: string;
}

/** POST /login/oauth/access_token with a code of the web flow (GitHub: no grant_type needed). */
export interface AuthorizationCodeTokenRequest {
  client_id: string;
  client_secret?: string;
  code: string;
  redirect_uri?: string;
}

export interface AccessTokenResponse {
  access_token: string;
  token_type: 'bearer';
  /** The granted scopes, comma-separated. */
  scope: string;
}

/** GitHub's OAuth error answer (HTTP 200 on the token endpoint, as GitHub). */
export interface OAuthErrorResponse {
  error: string;
  error_description: string;
  error_uri: string;
  /** slow_down: the new polling interval in seconds. */
  interval?: number;
}

/** POST /api/v3/user/device-authorizations[/lookup|/deny]. */
export interface DeviceUserCodeRequest {
  user_code: string;
}

export type DeviceAuthorizationStatus = 'pending' | 'approved' | 'denied' | 'used' | 'expired';

export interface DeviceAuthorizationJson {
  id: number;
  /** The app, and the login of who registered it (null: built in to the provider). */
  app: OAuthAppRefJson & { owner: string | null };
  scopes: string[];
  status: DeviceAuthorizationStatus;
  expires_at: string;
  /** The token the device received (status `used`), for the approving user. */
  token_id: number | null;
}
