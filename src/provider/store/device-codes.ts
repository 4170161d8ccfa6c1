// Device codes of the OAuth device flow. The device code (the device's secret) and the user code
// (what the person types) are stored as SHA-256 digests. Every state change is one atomic
// conditional write, so of two racing requests exactly one wins.

/** As stored; a code whose expires_at has passed counts as expired whatever its status. */
export type DeviceCodeStatus = 'pending' | 'approved' | 'denied' | 'used';

export interface DeviceCodeRecord {
  id: number;
  appId: number;
  deviceCodeDigest: string;
  userCodeDigest: string;
  /** Normalized classic scope names. */
  scopes: string[];
  status: DeviceCodeStatus;
  /** Who approved or denied it. */
  userId: number | null;
  /** The token the device received. */
  tokenId: number | null;
  intervalSeconds: number;
  lastPolledAt: Date | null;
  expiresAt: Date;
  createdAt: Date;
}

export interface NewDeviceCode {
  appId: number;
  deviceCodeDigest: string;
  userCodeDigest: string;
  scopes: string[];
  intervalSeconds: number;
  expiresAt: Date;
  createdAt: Date;
}

export interface DeviceCodeStore {
  /** A pending code. Throws UniqueViolation('device_code' | 'user_code') on a digest collision. */
  create(code: NewDeviceCode): Promise<DeviceCodeRecord>;
  byId(id: number): Promise<DeviceCodeRecord | undefined>;
  byDeviceCodeDigest(digest: string): Promise<DeviceCodeRecord | undefined>;
  byUserCodeDigest(digest: string): Promise<DeviceCodeRecord | undefined>;
  /**
   * Records a poll of a pending code: true (and last_polled_at = now) when the last poll was at
   * least `minGapMs` ago or there was none; false (nothing written) when polled sooner or when
   * the code is not pending.
   */
  recordPoll(id: number, now: Date, minGapMs: number): Promise<boolean>;
  /** Adds `seconds` to the code's polling interval; the new interval. */
  slowDown(id: number, seconds: number): Promise<number>;
  /**
   * Approves or denies a pending, unexpired code for `userId` (and ends any confirmation ticket);
   * undefined when the code is not pending or has expired (nothing written).
   */
  decide(id: number, decision: 'approved' | 'denied', userId: number, now: Date): Promise<DeviceCodeRecord | undefined>;
  /** An approved, unexpired code becomes used, with the token made for it; false when it was not approved (or another request used it). */
  markUsed(id: number, tokenId: number, now: Date): Promise<boolean>;
  /**
   * Sets the one confirmation ticket of a pending code (the sign-in page's second step): its
   * digest, for `userId`, until `expiresAt`. Replaces an earlier ticket.
   */
  setTicket(id: number, ticket: { digest: string; userId: number; expiresAt: Date }): Promise<void>;
  /**
   * The pending, unexpired code whose unexpired ticket has this digest, and the user the ticket
   * is for; ends the ticket (single use). undefined when there is none.
   */
  takeTicket(digest: string, now: Date): Promise<{ code: DeviceCodeRecord; userId: number } | undefined>;
  /** Deletes codes that expired before `before`; how many. */
  deleteExpired(before: Date): Promise<number>;
}
