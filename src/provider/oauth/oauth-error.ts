// GitHub's OAuth error answers ({error, error_description, error_uri}) for the endpoints at
// /login/…: the token endpoint answers them with HTTP 200, as GitHub does (OAuth clients such as
// gh read the `error` field, not the status).
import type { OAuthErrorResponse } from '../../shared/api-types';

export type OAuthErrorCode =
  | 'authorization_pending'
  | 'slow_down'
  | 'expired_token'
  | 'access_denied'
  | 'incorrect_device_code'
  | 'incorrect_client_credentials'
  | 'unsupported_grant_type'
  | 'bad_verification_code'
  | 'redirect_uri_mismatch';

const DOCS = 'https://docs.github.com/apps/oauth-apps/building-oauth-apps/authorizing-oauth-apps';

const DESCRIPTIONS: Record<OAuthErrorCode, string> = {
  authorization_pending: 'The authorization request is still pending.',
  slow_down: 'Too many requests have been made in the same timeframe.',
  expired_token: 'The `device_code` has expired.',
  access_denied: 'The authorization request was denied.',
  incorrect_device_code: 'The device_code provided is not valid.',
  incorrect_client_credentials: 'The client_id and/or client_secret passed are incorrect.',
  unsupported_grant_type: 'The grant type is not supported.',
  bad_verification_code: 'The code passed is incorrect or expired.',
  redirect_uri_mismatch: 'The redirect_uri MUST match the registered callback URL for this application.',
};

const DEVICE_FLOW_ERRORS = `${DOCS}#error-codes-for-the-device-flow`;
const TROUBLESHOOTING = 'https://docs.github.com/apps/managing-oauth-apps/troubleshooting-oauth-app-access-token-request-errors';
const ERROR_URIS: Partial<Record<OAuthErrorCode, string>> = {
  bad_verification_code: `${TROUBLESHOOTING}#bad-verification-code`,
  redirect_uri_mismatch: `${TROUBLESHOOTING}#redirect-uri-mismatch2`,
  incorrect_client_credentials: `${TROUBLESHOOTING}#incorrect-client-credentials`,
};

export class OAuthError extends Error {
  constructor(
    readonly code: OAuthErrorCode,
    readonly status = 200,
    readonly extra: { interval?: number } = {},
  ) {
    super(DESCRIPTIONS[code]);
    this.name = 'OAuthError';
  }

  body(): OAuthErrorResponse {
    return { error: this.code, error_description: this.message, error_uri: ERROR_URIS[this.code] ?? DEVICE_FLOW_ERRORS, ...this.extra };
  }
}
