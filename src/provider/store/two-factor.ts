// Two-factor authentication (TOTP) state and single-use recovery codes.

export interface TwoFactorRecord {
  userId: number;
  /** Base32 TOTP secret. Set by setup; `enabled` only once a code for it was verified. */
  secret: string;
  enabled: boolean;
  /** The last TOTP time step accepted (RFC 6238 §5.2: never accept one at or before it). */
  lastTimeStep: number | null;
  createdAt: Date;
  enabledAt: Date | null;
}

export interface TwoFactorStore {
  get(userId: number): Promise<TwoFactorRecord | undefined>;
  /**
   * Starts (or restarts) setup with a new secret; keeps 2FA disabled until `enable`. False, and
   * nothing changes, when 2FA is enabled (atomic: a setup never turns off 2FA enabled meanwhile).
   */
  beginSetup(userId: number, secret: string, now: Date): Promise<boolean>;
  /**
   * Enables 2FA for the pending setup of `secret` (the one a code was checked against), records
   * `timeStep` as the last accepted step and replaces all recovery codes with these digests —
   * atomically. False when there is no pending setup, or its secret is another one (setup was
   * begun again meanwhile: enabling that one would lock the user out).
   */
  enable(userId: number, secret: string, timeStep: number, recoveryCodeDigests: string[], now: Date): Promise<boolean>;
  /**
   * Replaces all recovery codes (used or not) with these digests, atomically, only while 2FA is
   * enabled. False when it is not.
   */
  replaceRecoveryCodes(userId: number, recoveryCodeDigests: string[]): Promise<boolean>;
  /** Removes 2FA and all recovery codes. */
  disable(userId: number): Promise<boolean>;
  /**
   * Records `timeStep` as the last accepted step only if it is after the stored one (atomic
   * compare-and-set, so a code can't be replayed even by two processes at once). True when recorded.
   */
  acceptTimeStep(userId: number, timeStep: number): Promise<boolean>;
  /** Marks the unused recovery code with this digest used. True when it was unused (single use). */
  useRecoveryCode(userId: number, codeDigest: string, now: Date): Promise<boolean>;
  remainingRecoveryCodes(userId: number): Promise<number>;
}
