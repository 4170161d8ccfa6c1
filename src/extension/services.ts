// The seam between the extension's core (provider, accounts, sessions, API client, git) and its
// views and webviews. The core implements TesseraServices; views depend only on this file.
import type * as vscode from 'vscode';
import type { TokenJson } from '../shared/api-types';

export interface AccountInfo {
  /** Stable id: `${providerOrigin}#${userId}`. */
  readonly id: string;
  readonly providerOrigin: string;
  readonly userId: number;
  readonly login: string;
  /** Whether two-factor authentication is on; undefined when GET /user did not show it (unknown, not off). */
  readonly twoFactorEnabled: boolean | undefined;
}

export type ProblemKind =
  | 'cancelled' // the user cancelled a prompt: show nothing
  | 'provider-down' // connection refused / timed out: name the URL
  | 'network' // other transport failure
  | 'signed-out' // the account's session token is gone, expired or revoked: offer sign-in
  | 'forbidden' // 403 (message names the missing scope/permission/policy)
  | 'not-found'
  | 'validation' // 400/422 with field errors
  | 'locked' // too many attempts; retryAfterSeconds set
  | 'otp-required' // 401 X-GitHub-OTP: required
  | 'sudo-required' // 403 X-Tessera-Sudo: required (the core re-prompts before this reaches a view)
  | 'server'; // 5xx or anything unexpected

export interface FieldError {
  readonly field: string;
  readonly message: string;
  readonly code?: string;
}

/** Every failure that crosses this seam. `message` is safe to show to a person (never a secret). */
export class TesseraError extends Error {
  constructor(
    readonly kind: ProblemKind,
    message: string,
    readonly details: {
      status?: number;
      fieldErrors?: readonly FieldError[];
      retryAfterSeconds?: number;
      url?: string;
      /** For 'signed-out' from an account's call: the account whose sign-in ended. */
      account?: { readonly id: string; readonly login: string };
    } = {},
  ) {
    super(message);
    this.name = 'TesseraError';
  }

  /** The origin of the provider that answered, when known: "Sign In" goes straight to it. */
  get providerOrigin(): string | undefined {
    if (!this.details.url) return undefined;
    try {
      return new URL(this.details.url).origin;
    } catch {
      return undefined;
    }
  }
}

export interface TesseraServices {
  readonly log: vscode.LogOutputChannel;
  /** Signed-in accounts changed (this window or another). */
  readonly onDidChangeAccounts: vscode.Event<void>;
  /** Tokens changed anywhere in this window (views refresh on it). */
  readonly onDidChangeTokens: vscode.Event<void>;
  /**
   * Something may have changed on the provider for this account, made anywhere (another window,
   * the terminal, gh, another replica): views and open webviews reload what they show.
   */
  readonly onDidChangeRemote: vscode.Event<{ readonly accountId: string }>;
  fireTokensChanged(): void;
  accounts(): readonly AccountInfo[];
  /** The id of the token this editor signs in to the account with (its admin:token), when known. */
  signInTokenId(accountId: string): number | undefined;
  /**
   * Signs the account out of Tessera here (its tokens for this editor deleted on the provider when
   * it answers) and tells the person; for a caller that has already asked. False when it was not
   * signed in.
   */
  signOut(accountId: string): Promise<boolean>;
  /**
   * Calls `{origin}/api/v3{path}` as the account (with its admin:token session token). When the
   * provider asks for sudo, the core prompts for password (+ code) and retries once. Resolves with
   * the parsed JSON body (undefined for 204); rejects with TesseraError. The transport under the
   * typed client: callers use `accountApi(services, accountId)` (api/provider-api.ts).
   */
  api<T = unknown>(accountId: string, method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<T>;
  /**
   * Keeps a newly minted or regenerated token secret in SecretStorage (never anywhere else) so git
   * and sessions can use it; the sign-in token's new secret becomes the account's credential. Best
   * effort: the token exists on the provider by now and the caller shows its secret whatever
   * happens here, so a failure (secret storage unavailable, the account signed out meanwhile) is
   * logged and resolves with a warning to show the person (never the secret): never rejects.
   * Undefined when the secret was kept.
   */
  rememberTokenSecret(accountId: string, tokenId: number, secret: string): Promise<string | undefined>;
  forgetTokenSecret(accountId: string, tokenId: number): Promise<void>;
  /**
   * The account's token list just loaded from the provider: sessions of other extensions whose
   * token is gone, revoked, denied or expired are dropped (they hear a 'removed' event); the others
   * keep their expiry up to date. Returns at once (the core checks in the background).
   */
  noteTokenList(accountId: string, tokens: readonly TokenJson[]): void;
  /** Re-reads GET /user for the account (login, 2FA state), e.g. after 2FA was enabled; fires onDidChangeAccounts when it changed. */
  refreshAccount(accountId: string): Promise<AccountInfo | undefined>;
  /** Shows an error the standard way: provider message + "Show Log"; silent for 'cancelled'. */
  /**
   * `retry`, when given, is offered as "Retry" for a provider that is down or unreachable and for
   * a provider that failed or is busy (5xx): registerCommand passes "run the command again".
   * With `afterSignIn`, "Sign In" (for an ended sign-in) runs `retry` too once signed in again.
   */
  showError(err: unknown, context: string, retry?: () => void, opts?: ShowErrorOptions): Promise<void>;
  /** The provider's state for views that must not spin forever. */
  providerState(): { origin: string; up: boolean; message?: string };
  readonly onDidChangeProviderState: vscode.Event<void>;
}

export interface ShowErrorOptions {
  /** "Sign In" goes on with `retry` once signed in (again as the account whose sign-in ended). */
  readonly afterSignIn?: boolean;
}
