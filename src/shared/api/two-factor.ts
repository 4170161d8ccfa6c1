// Two-factor authentication: POST /user/two-factor/setup, /enable, /disable.

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
