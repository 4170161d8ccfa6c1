// Tessera's entry point. activate() registers everything synchronously and returns at once (it is
// measured and logged); the embedded provider starts in the background (in this extension host:
// dist/provider.js is required lazily, never bundled here), and so does the link to vscode.git.
import * as vscode from 'vscode';
import { AccountStore } from './accounts/account-store';
import { secretKeyOf } from './accounts/account-secrets';
import { HttpClient } from './api/http-client';
import type { ApiHealth } from './api/api-types';
import { AUTH_PROVIDER_ID, AUTH_PROVIDER_LABEL, TesseraAuthenticationProvider } from './auth/authentication-provider';
import { parseScopes } from './auth/scope-grammar';
import { completeSignIn, requestAdminToken, signOut } from './auth/sign-in-core';
import { signInInteractive, signUpInteractive, sudoInteractive } from './auth/sign-in-ui';
import { registerCoreCommands } from './core-commands';
import { CoreServices } from './core-services';
import { GitIntegration } from './git/git-integration';
import { createLog } from './log';
import { EmbeddedProvider } from './provider/embedded-provider';
import { ProviderDirectory } from './provider/provider-directory';
import { TesseraError, type AccountInfo } from './services';
import type { ProviderInfo, TesseraApi } from './test-api';
import { registerViews } from './views/register-views';

let running: { embedded: EmbeddedProvider; client: HttpClient } | undefined;

export function activate(context: vscode.ExtensionContext): TesseraApi {
  const started = performance.now();
  const { channel, log } = createLog();
  context.subscriptions.push(channel);

  const embedded = new EmbeddedProvider(context.extensionPath, context.globalStorageUri, log);
  // The client needs the directory's trust function and the directory needs a health probe that
  // uses the client: tie the knot through a late-bound reference.
  const ref: { client?: HttpClient } = {};
  const providers = new ProviderDirectory(embedded, log, async (origin) => {
    const answer = await ref.client!.request(origin, 'GET', '/-/health', { timeoutMs: 3000 });
    return answer.status === 200 && (answer.body as ApiHealth | undefined)?.service === 'tessera';
  });
  const client = new HttpClient(providers.trust, log);
  ref.client = client;
  const store = new AccountStore(context, log);
  const core: CoreServices = new CoreServices(log, store, client, providers, (account) => sudoInteractive(core, account));
  const signIn = (origin?: string) => signInInteractive(core, origin ? { origin } : {});
  const auth = new TesseraAuthenticationProvider({ core, signIn });
  const git = new GitIntegration(context, core, signIn);
  running = { embedded, client };
  context.subscriptions.push(
    embedded,
    providers,
    store,
    core,
    auth,
    git,
    vscode.authentication.registerAuthenticationProvider(AUTH_PROVIDER_ID, AUTH_PROVIDER_LABEL, auth, { supportsMultipleAccounts: true }),
    { dispose: () => void client.dispose() },
  );
  void vscode.commands.executeCommand('setContext', 'tessera.signedIn', store.accounts().length > 0);

  registerCoreCommands(context, { core, git, signIn, signUp: () => signUpInteractive(core) });

  const viewsStarted = performance.now();
  try {
    registerViews(context, core);
  } catch (err) {
    log.error(`The Tessera views failed to register: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
  }
  const viewsMs = performance.now() - viewsStarted;

  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('tessera.providerUrl') || e.affectsConfiguration('tessera.embeddedPort')) {
        log.info('Provider settings changed; reconnecting');
        void embedded.stop().then(() => providers.start());
      }
    }),
    embedded.onDidChangeState((s) => {
      if (s.kind === 'hosting' || s.kind === 'shared') void git.restoreCaEnvironment();
    }),
  );

  // Background work: the provider, vscode.git, the accounts' secrets.
  providers.start();
  void git.start();
  void store.ensureLoaded().catch((err) => {
    log.error(`Tessera could not read its accounts: ${err instanceof Error ? err.message : String(err)}`);
    void core.showError(err, 'Tessera accounts');
  });

  const activationMs = performance.now() - started;
  log.info(`Tessera activated in ${activationMs.toFixed(1)} ms (views ${viewsMs.toFixed(1)} ms; the provider starts in the background)`);

  const api: TesseraApi = {
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
      const authz = await requestAdminToken(client, origin, opts.login, opts.password, opts.otp);
      return completeSignIn(client, store, origin, authz, log);
    },
    async signOut(accountId: string): Promise<void> {
      await signOut(client, store, accountId, log);
    },
    secretKey: (accountId) => secretKeyOf(accountId),
    async selectCredentials(remoteUrl, operation) {
      const prev = git.credentials.interactive;
      git.credentials.interactive = false;
      try {
        return await git.credentials.credentialsFor(remoteUrl, operation);
      } finally {
        git.credentials.interactive = prev;
      }
    },
    async gitCredentials(url: string) {
      const prev = git.credentials.interactive;
      git.credentials.interactive = false;
      try {
        return (await git.credentials.getCredentials(vscode.Uri.parse(url))) ?? undefined;
      } finally {
        git.credentials.interactive = prev;
      }
    },
    async gitReady() {
      return !!(await git.start());
    },
    parseScopes: (scopes) => parseScopes(scopes),
    configureRepository: (root) => git.configureCommand(root),
    useCombinedCaBundle: () => git.caEnv.apply(true),
    authentication: auth,
    readSecretRaw: async (key) => context.secrets.get(key),
    writeSecretRaw: async (key, value) => context.secrets.store(key, value),
    globalStateSnapshot: () => Object.fromEntries(context.globalState.keys().map((k) => [k, context.globalState.get(k)])),
    embedded: { state: () => embedded.state, stop: () => embedded.stop(), start: () => embedded.start(), dataDir: embedded.dataDir },
    overrideSudoPrompt(answer) {
      core.sudoPrompt = answer ? (account) => answer(account, (password, otp) => core.openSudo(account.id, password, otp)) : (account) => sudoInteractive(core, account);
    },
    paths: { globalStorage: context.globalStorageUri.fsPath, logs: context.logUri.fsPath },
  };
  return api;
}

export async function deactivate(): Promise<void> {
  const r = running;
  running = undefined;
  if (r) {
    await r.embedded.stop().catch(() => undefined);
    await r.client.dispose().catch(() => undefined);
  }
}

export { TesseraError };
