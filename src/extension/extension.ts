// Tessera's entry point. activate() registers everything synchronously and returns at once (it is
// measured and logged); the embedded provider starts in the background (in this extension host:
// dist/provider.js is required lazily, never bundled here), and so does the link to vscode.git.
import * as vscode from 'vscode';
import { AccountStore } from './accounts/account-store';
import { HttpClient } from './api/http-client';
import { HEALTH_PATH, type HealthResponse } from '../shared/api-types';
import { AUTH_PROVIDER_ID, AUTH_PROVIDER_LABEL, TesseraAuthenticationProvider } from './auth/authentication-provider';
import { signedInAccount, signInInteractive, sudoInteractive } from './auth/sign-in-ui';
import { takeTurnsThrough } from './auth/quick-input';
import { SignInQueue } from './auth/sign-in-queue';
import { signUpInteractive } from './auth/sign-up-ui';
import { registerCoreCommands } from './core-commands';
import { CoreServices } from './core-services';
import { GitIntegration } from './git/git-integration';
import { ChangeStreams } from './live/change-streams';
import { createLog } from './log';
import { EmbeddedProvider } from './provider/embedded-provider';
import { ProviderDirectory } from './provider/provider-directory';
import { TesseraError } from './services';
import { TEST_RUN_RATE_LIMIT, testHooks, type TesseraApi } from './test-api';
import { registerViews, type ViewsInternals } from './views/register-views';
import { WaitingPromptsStatus } from './status-bar/waiting-prompts-status';

let running: { embedded: EmbeddedProvider; client: HttpClient; streams: ChangeStreams } | undefined;

export function activate(context: vscode.ExtensionContext): TesseraApi | undefined {
  const started = performance.now();
  const { channel, log } = createLog();
  context.subscriptions.push(channel);

  const testRun = context.extensionMode === vscode.ExtensionMode.Test;
  const embedded = new EmbeddedProvider(context.extensionPath, context.globalStorageUri, log, context.secrets, testRun ? TEST_RUN_RATE_LIMIT : undefined);
  // The client needs the directory's trust function and the directory needs a health probe that
  // uses the client: tie the knot through a late-bound reference.
  const ref: { client?: HttpClient } = {};
  const providers = new ProviderDirectory(embedded, log, async (origin) => {
    const answer = await ref.client!.request(origin, 'GET', HEALTH_PATH, { timeoutMs: 3000 });
    return answer.status === 200 && (answer.body as HealthResponse | undefined)?.service === 'tessera';
  });
  const client = new HttpClient(providers.trust, log);
  ref.client = client;
  const store = new AccountStore(context, log);
  const core: CoreServices = new CoreServices(log, store, client, providers, (account) => sudoInteractive(core, account));
  // One prompt at a time: a sign-in (the command's, git's, another extension's session's) and every
  // pick or box of Tessera's wait for the one on screen instead of replacing it.
  // While one waits for its turn, the status bar says so.
  const waitingStatus = new WaitingPromptsStatus();
  const signIns = new SignInQueue((origin?: string) => signInInteractive(core, origin ? { origin } : {}), (waiting) => waitingStatus.update(waiting));
  context.subscriptions.push(waitingStatus, takeTurnsThrough((flow) => signIns.prompt(flow)));
  // The command and git show a failed sign-in where it happened; other extensions are told why (auth).
  const signIn = async (origin?: string) => signedInAccount(await signIns.signIn(origin));
  const auth = new TesseraAuthenticationProvider({ core, signIns });
  const git = new GitIntegration(context, core, { signIn });
  // Live updates: one change stream per signed-in account (the views reload on core.onDidChangeRemote).
  const streams = new ChangeStreams({ log, store, client, providers, remote: core.remoteChanges });
  running = { embedded, client, streams };
  context.subscriptions.push(
    streams,
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
  let views: ViewsInternals | undefined;
  try {
    views = registerViews(context, core);
  } catch (err) {
    log.error(`The Tessera views failed to register: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
  }
  const viewsMs = performance.now() - viewsStarted;

  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('tessera.caFile') || e.affectsConfiguration('tessera.providerUrl')) git.configureOrigins();
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
  void store.ensureLoaded().then(() => streams.reconcile(), (err) => {
    log.error(`Tessera could not read its accounts: ${err instanceof Error ? err.message : String(err)}`);
    void core.showError(err, 'Tessera accounts');
  });

  const activationMs = performance.now() - started;
  log.info(`Tessera activated in ${activationMs.toFixed(1)} ms (views ${viewsMs.toFixed(1)} ms; the provider starts in the background)`);

  // Test hooks in ExtensionMode.Test only: in any other mode activate() exports nothing.
  return testHooks(context, { core, embedded, git, auth, signIns, views, activationMs });
}

export async function deactivate(): Promise<void> {
  const r = running;
  running = undefined;
  if (r) {
    r.streams.dispose(); // open streams would hold the HTTP client's close
    await r.embedded.stop().catch(() => undefined);
    await r.client.dispose().catch(() => undefined);
  }
}

export { TesseraError };
