// The test hooks: an API that exposes internals a person reaches through the UI (SecretStorage raw,
// the signed-in account's services, sign-in without prompts, the auth provider without consent)
// and the `tessera._views.internals` command, so that extension-host tests can drive them without
// dialogs. They exist only when VS Code runs the extension for its tests (ExtensionMode.Test):
// otherwise activate() exports nothing and any other extension gets tokens only through
// vscode.authentication, with the user's consent.
import * as vscode from 'vscode';
import { secretKeyOf } from './accounts/account-secrets';
import type { TesseraAuthenticationProvider } from './auth/authentication-provider';
import { shownPrompt, type ShownPrompt } from './auth/quick-input';
import { parseScopes, type TokenRequest } from './auth/scope-grammar';
import { completeSignIn, requestAdminToken, signOut } from './auth/sign-in-core';
import { sudoInteractive } from './auth/sign-in-ui';
import type { SignInQueue } from './auth/sign-in-queue';
import type { CoreServices } from './core-services';
import type { GitIntegration } from './git/git-integration';
import { createForPush, creatorOfMissing } from './git/missing-repository';
import { exportDataKey } from './provider/data-key-export';
import { importDataKey, type ImportDataKeyResult } from './provider/data-key-import';
import { gatherCandidates } from './git/token-candidates';
import { deleteRepository } from './repos/repository-service';
import type { AccountInfo, TesseraServices } from './services';
import type { CloneArgs } from './git/clone-repository';
import type { CredentialChoice } from './git/credentials-provider';
import type { Credentials } from './git/git-api';
import type { GitOperation } from './git/credential-selection';
import type { EmbeddedProvider, EmbeddedState } from './provider/embedded-provider';
import type { ViewsInternals } from './views/register-views';

interface ProviderInfo {
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
  /** The same, as git running while the person is at the screen gets it: Tessera's offers and picks show. */
  askGitCredentials(url: string): Promise<Credentials | undefined>;
  /** Whether vscode.git accepted the credentials provider. */
  gitReady(): Promise<boolean>;
  parseScopes(scopes: readonly string[]): TokenRequest;
  /** Configures a repository's git config for its Tessera remotes (the command, without prompts). */
  configureRepository(root: string): Promise<string | undefined>;
  /** "Export the Embedded Provider's Data Key…" into `file`, without the warning and the dialog (false: no key). */
  exportDataKey(file: string): Promise<boolean>;
  /** "Import the Embedded Provider's Data Key…" from `file`, without the dialog and the confirmation. */
  importDataKey(file: string): Promise<ImportDataKeyResult>;
  /** "Clone Repository…" with its answers given (the folder, whether to open it): the clone's path. */
  cloneRepository(args: CloneArgs): Promise<string | undefined>;
  /** Points GIT_SSL_CAINFO at a combined bundle (the action of the GIT_SSL_CAINFO warning). */
  useCombinedCaBundle(): Promise<string | undefined>;
  /** The registered 'tessera' AuthenticationProvider itself (tests call it without consent dialogs). */
  readonly authentication: vscode.AuthenticationProvider;
  /** This extension's SecretStorage, raw — a test writes here to act as another window would. */
  readSecretRaw(key: string): Promise<string | undefined>;
  writeSecretRaw(key: string, value: string): Promise<void>;
  deleteSecretRaw(key: string): Promise<void>;
  /** While `reason` is set, storing an account's value fails as with a locked keyring; undefined ends it. */
  refuseSecretWrites(reason: string | undefined): void;
  /** Everything this extension keeps in globalState (to prove no secret is there). */
  globalStateSnapshot(): Record<string, unknown>;
  /** The embedded provider's lifecycle (tests play "another window" with a second provider). */
  readonly embedded: {
    state(): EmbeddedState;
    stop(): Promise<void>;
    start(): void;
    /** Stops the provider this window runs (if any) and starts again (resolves once started or failed). */
    restart(): Promise<void>;
    readonly dataDir: string;
  };
  /**
   * Replaces the sudo prompt (password + code QuickInput) with `answer`, which gets the account
   * and a function that POSTs /user/sudo; `undefined` restores the real prompt.
   */
  overrideSudoPrompt(answer: ((account: AccountInfo, openSudo: (password: string, otp?: string) => Promise<void>) => Promise<boolean>) | undefined): void;
  /** Tessera's prompt on screen (sign-in steps, picks), answered through the workbench's own commands. */
  readonly prompts: {
    shown(): ShownPrompt | undefined;
    /** How many prompts and sign-ins wait for the one on screen to end (their turn, sign-in-queue.ts). */
    waiting(): number;
    /** Types `text` into the input box and presses Enter; in a pick, Enter takes the item labelled `text` (without it, the first). */
    answer(text?: string): Promise<void>;
    /** In a multi-select pick: checks the items with these labels and presses Enter. */
    choose(labels: readonly string[]): Promise<void>;
    /** Escape. */
    cancel(): Promise<void>;
  };
  /** Repository actions without their prompts (the bundled code: errors are this bundle's TesseraError). */
  readonly repositories: {
    /** The account that could create a missing `owner/repo` on `origin` (the push offer's test). */
    creatorOfMissing(origin: string, owner: string, repo: string): Promise<string | undefined>;
    /** What "Create it on Tessera and push" does once accepted, with the account's current git candidates. */
    createForPush(accountId: string, owner: string, repo: string): Promise<{ repoId?: number; tokenId?: number }>;
    delete(accountId: string, owner: string, name: string): Promise<void>;
  };
  /** Where VS Code keeps this extension's files. */
  readonly paths: { readonly globalStorage: string; readonly logs: string };
}

/** What activate() built, for the test hooks. */
interface TestHookParts {
  readonly core: CoreServices;
  readonly embedded: EmbeddedProvider;
  readonly git: GitIntegration;
  readonly auth: TesseraAuthenticationProvider;
  readonly signIns: SignInQueue;
  /** undefined when the views failed to register. */
  readonly views: ViewsInternals | undefined;
  readonly activationMs: number;
}

/**
 * The embedded provider's anonymous limit in ExtensionMode.Test (GitHub's 60 an hour otherwise):
 * a whole extension-host test run shares one embedded provider and one client address, whose
 * sign-ups and deliberately refused credentials would pass 60 long before the run ends. The
 * provider's own tests hold the limit itself (test/provider/rate-limit*.test.ts).
 */
export const TEST_RUN_RATE_LIMIT = { anonymous: 1000 } as const;

/**
 * The test API and the `tessera._views.internals` command in ExtensionMode.Test; nothing (undefined,
 * no command) in any other mode. activate() returns what this returns.
 */
export function testHooks(context: vscode.ExtensionContext, parts: TestHookParts): TesseraApi | undefined {
  if (context.extensionMode !== vscode.ExtensionMode.Test) return undefined;
  const { core, embedded, git, auth, signIns, views, activationMs } = parts;
  const { client, store, providers, log } = core;
  if (views) context.subscriptions.push(vscode.commands.registerCommand('tessera._views.internals', (): ViewsInternals => views));
  const withoutPrompts = async <T>(fn: () => Promise<T>): Promise<T> => {
    const prev = git.credentials.interactive;
    git.credentials.interactive = false;
    try {
      return await fn();
    } finally {
      git.credentials.interactive = prev;
    }
  };
  return {
    services: core,
    activationMs,
    async providerInfo(): Promise<ProviderInfo> {
      const s = providers.setting();
      if (s.mode === 'remote') return { mode: 'remote', origin: s.origin, url: s.origin, ...(providers.caPathFor(s.origin) ? { caCertPath: providers.caPathFor(s.origin)! } : {}) };
      const info = await embedded.ready();
      return { mode: info.mode, origin: info.origin, url: info.url, caCertPath: info.caCertPath, caCertPem: info.caCertPem, dataDir: info.dataDir };
    },
    async signInWithPassword(opts): Promise<AccountInfo> {
      const origin = opts.origin ?? providers.configuredOrigin();
      await providers.ensureReady(origin);
      const authz = await requestAdminToken(client, origin, opts.login, opts.password, opts.otp, await store.machineId());
      return completeSignIn(client, store, origin, authz, log);
    },
    async signOut(accountId: string): Promise<void> {
      await signOut(client, store, accountId, log);
    },
    secretKey: (accountId) => secretKeyOf(accountId),
    selectCredentials: (remoteUrl, operation) => withoutPrompts(() => git.credentials.credentialsFor(remoteUrl, operation)),
    gitCredentials: (url) => withoutPrompts(async () => (await git.credentials.getCredentials(vscode.Uri.parse(url))) ?? undefined),
    askGitCredentials: async (url) => (await git.credentials.getCredentials(vscode.Uri.parse(url))) ?? undefined,
    async gitReady() {
      return !!(await git.start());
    },
    parseScopes: (scopes) => parseScopes(scopes),
    configureRepository: (root) => git.configureCommand(root),
    cloneRepository: (args) => git.cloneCommand(args),
    exportDataKey: (file) => exportDataKey(context.secrets, file),
    importDataKey: (file) => importDataKey(context.secrets, providers, file),
    useCombinedCaBundle: () => git.caEnv.apply(true),
    authentication: auth,
    readSecretRaw: async (key) => context.secrets.get(key),
    writeSecretRaw: async (key, value) => context.secrets.store(key, value),
    deleteSecretRaw: async (key) => context.secrets.delete(key),
    refuseSecretWrites(reason) {
      store.refuseWrites = reason === undefined ? undefined : new Error(reason);
    },
    globalStateSnapshot: () => Object.fromEntries(context.globalState.keys().map((k) => [k, context.globalState.get(k)])),
    embedded: { state: () => embedded.state, stop: () => embedded.stop(), start: () => embedded.start(), restart: () => embedded.restart(), dataDir: embedded.dataDir },
    overrideSudoPrompt(answer) {
      core.sudoPrompt = answer ? (account) => answer(account, (password, otp) => core.openSudo(account.id, password, otp)) : (account) => sudoInteractive(core, account);
    },
    prompts: {
      shown: () => shownPrompt(),
      waiting: () => signIns.waiting(),
      async answer(text) {
        const shown = shownPrompt();
        if (text !== undefined) {
          if (shown?.kind === 'pick') await shown.choose([text]);
          else shown?.type(text);
        }
        await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
      },
      async choose(labels) {
        await shownPrompt()?.choose(labels);
        await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
      },
      cancel: async () => void (await vscode.commands.executeCommand('workbench.action.closeQuickOpen')),
    },
    repositories: {
      creatorOfMissing: async (origin, owner, repo) => (await creatorOfMissing(core, origin, owner, repo))?.id,
      async createForPush(accountId, owner, repo) {
        const account = core.accounts().find((a) => a.id === accountId);
        if (!account) throw new Error(`${accountId} is not signed in`);
        const origin = account.providerOrigin;
        const made = await createForPush(core, account, owner, repo, await gatherCandidates(core, origin));
        return { ...(made.target.repoId ? { repoId: made.target.repoId } : {}), ...(made.token ? { tokenId: made.token.tokenId } : {}) };
      },
      delete: (accountId, owner, name) => deleteRepository(core, accountId, owner, name),
    },
    paths: { globalStorage: context.globalStorageUri.fsPath, logs: context.logUri.fsPath },
  };
}
