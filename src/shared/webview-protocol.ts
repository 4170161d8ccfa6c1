// Messages between the extension and its webviews (media/webview/*.ts). A webview calls a named
// method and gets exactly one reply; the extension may also push 'init' (after the webview said
// 'ready') and 'update' (something changed).
import type { AuditEventJson, CreateTokenRequest, OrgRoleJson, TokenJson, TokenPolicyJson, TokenRepositoryJson, UpdateTokenPolicyRequest } from './api-types';

export type FromWebview =
  | { readonly type: 'ready' }
  | { readonly type: 'call'; readonly id: number; readonly method: string; readonly params?: unknown };

export type ToWebview =
  | { readonly type: 'init'; readonly data: unknown }
  | { readonly type: 'update'; readonly data?: unknown }
  | { readonly type: 'reply'; readonly id: number; readonly ok: true; readonly result: unknown }
  | { readonly type: 'reply'; readonly id: number; readonly ok: false; readonly error: WebviewError };

/** A failure as a webview sees it: safe text plus the provider's field errors. */
export interface WebviewError {
  readonly kind: string;
  readonly message: string;
  readonly fieldErrors: readonly { readonly field: string; readonly message: string }[];
}

/**
 * The call every page may make after a call failed with kind 'signed-out' (this editor's sign-in
 * ended): the extension signs in again at the provider where it ended (never one the page names).
 */
export const SIGN_IN_CALL = 'signIn';
export interface SignInResult {
  /** False when the person cancelled (or signing in failed, which the extension showed). */
  readonly signedIn: boolean;
}

/** Expiry choice in a form: preset days, a custom YYYY-MM-DD, none, or keep the current one. */
export type ExpiryChoice =
  | { readonly mode: 'days'; readonly days: number }
  | { readonly mode: 'date'; readonly date: string }
  | { readonly mode: 'none' }
  | { readonly mode: 'keep' };

// ---- Create token ----
export interface CreateTokenInit {
  readonly accounts: readonly { readonly id: string; readonly label: string; readonly login: string }[];
  readonly accountId: string;
  readonly kind?: 'classic' | 'fine_grained';
  readonly owner?: string;
  readonly now: number;
}
export interface OwnerOption {
  readonly login: string;
  readonly isUser: boolean;
  /** Known only to org owners (GET .../personal-access-token-policy is owners-only). */
  readonly policy?: TokenPolicyJson;
  readonly role?: OrgRoleJson;
}
/** A repository the fine-grained form can select. */
export type RepositoryChoice = TokenRepositoryJson;
/** The `create` call's parameters. */
export interface CreateTokenCall {
  readonly accountId: string;
  readonly body: CreateTokenRequest;
}
export interface CreateTokenResult {
  readonly token: TokenJson;
  /** The secret could not be kept for git (services.rememberTokenSecret): shown on the receipt. */
  readonly warning?: string;
}
/** The `tokenState` call's answer: the created token now, or `gone` once it was deleted. */
export interface CreatedTokenState {
  readonly token?: TokenJson;
  readonly gone?: boolean;
}

// ---- Token details ----
export interface TokenDetailsInit {
  readonly accountId: string;
  readonly accountLabel: string;
  readonly tokenId: number;
  readonly now: number;
  /** A secret minted just before the panel opened (regenerate from the tree), shown once. */
  readonly secret?: NewSecret;
}
export interface NewSecret {
  readonly secret: string;
  readonly lastEight: string;
}
/** `update` pushes to the details panel: reload, or (once) a new secret. */
export interface TokenDetailsUpdate {
  readonly secret?: NewSecret;
}
export interface TokenDetailsData {
  readonly token?: TokenJson;
  readonly events: readonly AuditEventJson[];
  readonly eventsError?: string;
  readonly gone?: boolean;
  readonly now: number;
}

// ---- Two-factor setup ----
export interface TwoFactorInit {
  readonly accountId: string;
  readonly login: string;
  readonly origin: string;
  readonly alreadyEnabled: boolean;
}
export interface TwoFactorSetupData {
  readonly secret: string;
  readonly otpauthUri: string;
  /** `data:image/svg+xml;base64,...` rendered by `qrcode` in the extension. */
  readonly qrDataUri: string;
}
/**
 * The `enable` and `newRecoveryCodes` calls' answer: the recovery codes, shown once (none when the
 * person did not confirm). An answer that comes after its tab closed is offered to copy instead.
 */
export interface RecoveryCodesResult {
  readonly recoveryCodes?: readonly string[];
}

// ---- Organization settings (token policy) ----
export interface OrgSettingsInit {
  readonly accountId: string;
  /** "alice · https://127.0.0.1:47443" */
  readonly accountLabel: string;
  readonly org: string;
}
/** The `load` and `save` calls' answer. */
export interface OrgSettingsData {
  readonly policy: TokenPolicyJson;
}
/** The `save` call's parameters: the fields the form changed since it loaded the policy. */
export interface OrgSettingsSave {
  readonly policy: UpdateTokenPolicyRequest;
}
