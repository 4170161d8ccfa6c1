// Two-factor authentication: POST /user/two-factor/setup, /enable, /recovery-codes, /disable.

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

/** POST /user/two-factor/recovery-codes: ten new codes; every earlier one stops working. */
export type TwoFactorRecoveryCodesResponse = TwoFactorEnableResponse;
