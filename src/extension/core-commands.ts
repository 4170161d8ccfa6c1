// The core's commands: sign in / up / out, the provider's URL, log and restart, and git.
import * as vscode from 'vscode';
import { signOutAndTell } from './auth/sign-out-ui';
import { accountIdFromArg, pickAccount } from './commands/command-args';
import { registerCommand } from './commands/register-command';
import type { CoreServices } from './core-services';
import type { GitIntegration } from './git/git-integration';
import { exportDataKeyInteractive } from './provider/data-key-export';
import { importDataKeyInteractive } from './provider/data-key-import';
import { requestedOrigin } from './provider/origin';
import { type AccountInfo, TesseraError } from './services';

interface CommandDeps {
  readonly core: CoreServices;
  readonly git: GitIntegration;
  readonly signIn: (origin?: string) => Promise<AccountInfo | undefined>;
  readonly signUp: () => Promise<AccountInfo | undefined>;
}

export function registerCoreCommands(context: vscode.ExtensionContext, deps: CommandDeps): void {
  const { core, git } = deps;
  const run = (id: string, title: string, fn: (...args: unknown[]) => Promise<unknown>) => registerCommand(core, id, fn, title);

  context.subscriptions.push(
    run('tessera.signIn', 'Sign In', async (arg) => {
      // Another extension or a link may name the provider: only one this editor knows is taken.
      return deps.signIn(requestedOrigin(arg, (o) => core.isTesseraOrigin(o)));
    }),
    run('tessera.signUp', 'Create an Account', () => deps.signUp()),
    run('tessera.signOut', 'Sign Out', async (arg) => {
      const named = accountIdFromArg(arg);
      if (!named && !core.accounts().length) {
        void vscode.window.showInformationMessage('No Tessera account is signed in.');
        return;
      }
      // The Accounts view's row and the palette's pick are the person's own choice; an account
      // named by anything else (another extension, a link) is signed out only once confirmed.
      if (named && !(arg instanceof vscode.TreeItem) && !(await confirmSignOut(core, named))) return;
      const accountId = named ?? (await pickAccount(core, 'Sign out of Tessera'))?.id;
      if (!accountId) return;
      await signOutAndTell(core, accountId);
    }),
    run('tessera.showProviderUrl', 'Show Provider URL', async () => {
      const state = core.providers.state();
      const s = core.providers.setting();
      const e = core.providers.embedded.state;
      let text: string;
      if (s.mode === 'remote') text = `Tessera provider: ${s.origin} (tessera.providerUrl)${state.up ? '' : ` — ${state.message ?? 'not reachable'}`}`;
      else if (e.kind === 'hosting') text = `Embedded Tessera provider: ${e.url} (running in this window; CA: ${e.caCertPath})`;
      else if (e.kind === 'shared') text = `Embedded Tessera provider: ${e.url} (running in another VS Code window; CA: ${e.caCertPath})`;
      else text = `Embedded Tessera provider: ${state.origin} — ${state.message ?? e.kind}`;
      // Not awaited: the command answers the URL at once (for callers) while the message stays.
      void vscode.window.showInformationMessage(text, 'Copy URL', 'Show Log').then(async (choice) => {
        if (choice === 'Copy URL') await vscode.env.clipboard.writeText(state.origin);
        else if (choice === 'Show Log') core.log.show(true);
      });
      return state.origin;
    }),
    run('tessera.showLog', 'Show Log', async () => core.log.show(true)),
    run('tessera.exportDataKey', 'Export Data Key', () => exportDataKeyInteractive(context.secrets, core.providers.embedded.dataDir)),
    run('tessera.importDataKey', 'Import Data Key', () => importDataKeyInteractive(context.secrets, core.providers)),
    run('tessera.restartProvider', 'Restart Embedded Provider', async () => {
      if (core.providers.setting().mode === 'remote') {
        void vscode.window.showInformationMessage(`Tessera uses the provider at ${core.providers.configuredOrigin()} (tessera.providerUrl); there is no embedded provider to restart.`);
        return;
      }
      const before = core.providers.embedded.state;
      if (before.kind === 'shared') {
        void vscode.window.showInformationMessage(
          `The embedded provider runs in another VS Code window (${before.url}). Restart it from that window, or close that window and this one takes over within seconds.`,
        );
        return;
      }
      await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Restarting the embedded Tessera provider…' }, () =>
        core.providers.embedded.restart(),
      );
      const after = core.providers.embedded.state;
      if (after.kind === 'hosting' || after.kind === 'shared') void vscode.window.showInformationMessage(`The embedded Tessera provider is running at ${after.url}.`);
      else if (after.kind === 'port-conflict' || after.kind === 'failed') {
        // As the provider-down error it is elsewhere, so that a data key failure offers "Import Data Key…".
        await core.showError(new TesseraError('provider-down', after.message, { url: core.providers.embeddedOrigin() }), 'Restart Embedded Provider');
      }
    }),
    run('tessera.configureGit', 'Set Up Git for this Repository', (arg) => git.configureCommand(arg)),
    // `{ fullName }` (a tree item, another extension) skips the picker only: the user still
    // chooses the folder, so nothing is cloned unasked (tests pass a folder through the test API).
    run('tessera.cloneRepository', 'Clone Repository', (arg) => {
      const o = arg && typeof arg === 'object' ? (arg as { fullName?: unknown; accountId?: unknown }) : {};
      if (typeof o.fullName !== 'string') return git.cloneCommand({});
      // A Repositories view row names its account too: the clone comes from that account's provider.
      return git.cloneCommand({ fullName: o.fullName, ...(typeof o.accountId === 'string' ? { accountId: o.accountId } : {}) });
    }),
    run('tessera.useCombinedCaBundle', 'Let Git Trust the Provider', async () => {
      if (!git.caEnv.original) {
        void vscode.window.showInformationMessage('GIT_SSL_CAINFO is not set in VS Code\'s environment: git already uses http.sslCAInfo from the repository\'s config.');
        return undefined;
      }
      const p = await git.caEnv.apply(true);
      if (p) void vscode.window.showInformationMessage(`git in VS Code now trusts the Tessera provider (GIT_SSL_CAINFO → ${p}).`);
      else void vscode.window.showWarningMessage('The Tessera provider has no CA certificate yet; start it first.');
      return p;
    }),
  );
}

/** Asks before signing out an account that a caller named; false when declined or not signed in. */
async function confirmSignOut(core: CoreServices, accountId: string): Promise<boolean> {
  const account = core.accounts().find((a) => a.id === accountId);
  if (!account) {
    void vscode.window.showInformationMessage('That Tessera account is not signed in in this window.');
    return false;
  }
  const choice = await vscode.window.showWarningMessage(
    `Sign out of Tessera as ${account.login}?`,
    { modal: true, detail: `Something other than the Accounts view asked to sign ${account.login} out of ${account.providerOrigin} in this editor. Signing out deletes the tokens this editor made for it on the provider.` },
    'Sign Out',
  );
  return choice === 'Sign Out';
}
