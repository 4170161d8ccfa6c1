// What activate() returns: an API for tests (and for the curious), reachable through
// vscode.extensions.getExtension('tessera-dev.tessera').exports. It exposes internals that a
// person reaches through the UI, so that extension-host tests can drive them without dialogs.
import type * as vscode from 'vscode';
import type { AccountInfo, TesseraServices } from './services';
import type { CredentialChoice } from './git/credentials-provider';
import type { Credentials } from './git/git-api';
import type { GitOperation } from './git/credential-selection';
import type { TokenRequest } from './auth/scope-grammar';
import type { EmbeddedState } from './provider/embedded-provider';

export interface ProviderInfo {
  /** 'hosting': this window runs the embedded provider; 'shared': another window does; 'remote'. */
  readonly mode: 'hosting' | 'shared' | 'remote';
  readonly origin: string;
  readonly url: string;
  readonly caCertPath?: string;
  readonly caCertPem?: string;
  readonly dataDir?: string;
}

export interface TesseraApi {
  readonly services: TesseraServices;
  /** How long activate() took (ms, performance.now()). */
  readonly activationMs: number;
  /** Waits for the provider (embedded: until started or found). */
  providerInfo(): Promise<ProviderInfo>;
  /** Non-interactive sign-in (the same 2013 flow as the UI); rejects with a TesseraError. */
  signInWithPassword(opts: { origin?: string; login: string; password: string; otp?: string }): Promise<AccountInfo>;
  signOut(accountId: string): Promise<void>;
  /** The SecretStorage key of an account's value. */
  secretKey(accountId: string): string;
  /** The token git would get for a remote URL and operation (no UI: never offers to create one). */
  selectCredentials(remoteUrl: string, operation: GitOperation | 'unknown'): Promise<CredentialChoice | undefined>;
  /** Exactly what vscode.git's askpass gets from Tessera's credentials provider for a URL. */
  gitCredentials(url: string): Promise<Credentials | undefined>;
  /** Whether vscode.git accepted the credentials provider. */
  gitReady(): Promise<boolean>;
  parseScopes(scopes: readonly string[]): TokenRequest;
  /** Configures a repository's git config for its Tessera remotes (the command, without prompts). */
  configureRepository(root: string): Promise<string | undefined>;
  /** Points GIT_SSL_CAINFO at a combined bundle (the action of the GIT_SSL_CAINFO warning). */
  useCombinedCaBundle(): Promise<string | undefined>;
  /** The registered 'tessera' AuthenticationProvider itself (tests call it without consent dialogs). */
  readonly authentication: vscode.AuthenticationProvider;
  /** This extension's SecretStorage, raw — a test writes here to act as another window would. */
  readSecretRaw(key: string): Promise<string | undefined>;
  writeSecretRaw(key: string, value: string): Promise<void>;
  /** Everything this extension keeps in globalState (to prove no secret is there). */
  globalStateSnapshot(): Record<string, unknown>;
  /** The embedded provider's lifecycle (tests play "another window" with a second provider). */
  readonly embedded: {
    state(): EmbeddedState;
    stop(): Promise<void>;
    start(): void;
    readonly dataDir: string;
  };
  /**
   * Replaces the sudo prompt (password + code QuickInput) with `answer`, which gets the account
   * and a function that POSTs /user/sudo; `undefined` restores the real prompt.
   */
  overrideSudoPrompt(answer: ((account: AccountInfo, openSudo: (password: string, otp?: string) => Promise<void>) => Promise<boolean>) | undefined): void;
  /** Where VS Code keeps this extension's files. */
  readonly paths: { readonly globalStorage: string; readonly logs: string };
}
