// "Clone Repository…": a picker of the user's repositories (GET /user/repos), a destination
// folder, then `git clone` with a token chosen for the repository. The token goes to git through
// the environment (GIT_CONFIG_* → http.<origin>/.extraHeader), never on the command line and never
// into the clone's config; the clone gets credential.<origin>.useHttpPath and
// http.<origin>/.sslCAInfo so later fetches and pushes work through the credentials provider.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RepositoryJson } from '../../shared/api-types';
import { accountApi, allPages } from '../api/provider-api';
import { pick, type PickItem } from '../auth/quick-input';
import type { CoreServices } from '../core-services';
import { TesseraError, type AccountInfo } from '../services';
import type { TesseraCredentialsProvider } from './credentials-provider';
import { cloneDestination, removePartialClone } from './clone-destination';
import { cloneFailure } from './clone-failure';
import { envConfig, runGit } from './git-exec';
import { cloneUrl, credentialUrlKey, httpUrlKey } from './remote-url';
import { repositoryPickDescription } from './repository-pick';

export interface CloneArgs {
  /** `owner/name`; skips the picker. */
  readonly fullName?: string;
  /** The account whose provider holds `fullName` (a Repositories view row names it). */
  readonly accountId?: string;
  /** The folder to clone into (the clone is `<parentDir>/<name>`); skips the folder dialog (test API only). */
  readonly parentDir?: string;
  /** 'none' skips the "open it?" question (tests). */
  readonly open?: 'ask' | 'none' | 'window' | 'workspace';
}

function listRepos(core: CoreServices, account: AccountInfo): Promise<RepositoryJson[]> {
  const api = accountApi(core, account.id);
  return allPages((page) => api.userRepositories(page), 10);
}

export async function cloneRepository(core: CoreServices, creds: TesseraCredentialsProvider, args: CloneArgs = {}): Promise<string | undefined> {
  const origin = core.providers.configuredOrigin();
  let accounts = core.accounts().filter((a) => a.providerOrigin === origin);
  if (!accounts.length) accounts = [...core.accounts()];
  if (!accounts.length) {
    const choice = await vscode.window.showInformationMessage('Sign in to Tessera to clone its repositories.', 'Sign In');
    if (choice === 'Sign In') await vscode.commands.executeCommand('tessera.signIn');
    return undefined;
  }
  let repo: { owner: string; name: string; origin: string } | undefined;
  if (args.fullName) {
    const [owner, name] = args.fullName.split('/');
    if (!owner || !name) throw new TesseraError('validation', `'${args.fullName}' is not owner/name`);
    const named = args.accountId === undefined ? accounts[0] : core.accounts().find((a) => a.id === args.accountId);
    if (!named) throw new TesseraError('signed-out', `The account that lists ${args.fullName} is no longer signed in in this window.`);
    repo = { owner, name, origin: named.providerOrigin };
  } else {
    const items: PickItem<{ owner: string; name: string; origin: string }>[] = [];
    const seen = new Set<string>();
    await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Tessera: listing repositories' }, async () => {
      for (const a of accounts) {
        let repos: RepositoryJson[];
        try {
          repos = await listRepos(core, a);
        } catch (err) {
          if (err instanceof TesseraError && err.kind === 'not-found') {
            throw new TesseraError('not-found', `The provider at ${a.providerOrigin} has no repository listing (GET /api/v3/user/repos).`);
          }
          throw err;
        }
        for (const r of repos) {
          const key = `${a.providerOrigin}/${r.full_name}`.toLowerCase();
          if (seen.has(key)) continue;
          seen.add(key);
          items.push({
            label: `$(${r.private ? 'lock' : 'repo'}) ${r.full_name}`,
            description: repositoryPickDescription(r, a),
            ...(r.description ? { detail: r.description } : {}),
            value: { owner: r.owner.login, name: r.name, origin: a.providerOrigin },
          });
        }
      }
    });
    if (!items.length) {
      void vscode.window.showInformationMessage('You have no repositories on the Tessera provider yet.');
      return undefined;
    }
    const chosen = await pick('Clone a Tessera repository', items, 'Repository to clone', { matchOnDescription: true });
    if (!chosen) return undefined;
    repo = chosen;
  }
  const target = await chooseDestination(repo, args.parentDir);
  if (!target) return undefined;
  const { dest } = target;

  const url = cloneUrl(repo.origin, repo.owner, repo.name);
  const cred = await creds.credentialsFor(url, 'fetch');
  const ca = core.providers.caPathFor(repo.origin);
  const entries: [string, string][] = [];
  if (cred) {
    const basic = Buffer.from(`${cred.username}:${cred.password}`, 'utf8').toString('base64');
    entries.push([httpUrlKey(repo.origin, 'extraHeader'), `Authorization: Basic ${basic}`]);
  }
  const env = envConfig({ ...process.env, GIT_TERMINAL_PROMPT: '0' }, entries);
  if (ca) env.GIT_SSL_CAINFO = ca; // this git talks to the provider only; the env wins over config
  const gitArgs = ['clone', '-c', `${credentialUrlKey(repo.origin, 'useHttpPath')}=true`];
  if (ca) gitArgs.push('-c', `${httpUrlKey(repo.origin, 'sslCAInfo')}=${ca}`);
  gitArgs.push('--', url, dest);
  const r = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Cloning ${repo.owner}/${repo.name}…`, cancellable: true },
    (_progress, token) => {
      const stop = new AbortController();
      const sub = token.onCancellationRequested(() => stop.abort());
      return runGit(gitArgs, { cwd: path.dirname(dest), env, timeoutMs: 600_000, signal: stop.signal }).finally(() => sub.dispose());
    },
  );
  if (r.code !== 0 || r.cancelled) {
    removePartialClone(target);
    if (r.cancelled) {
      core.log.info(`Cloning ${url} into ${dest} was cancelled; removed what it had written`);
      return undefined;
    }
    throw cloneFailure(r.stderr, repo.origin, `${repo.owner}/${repo.name}`, !!cred);
  }
  core.log.info(`Cloned ${url} into ${dest}${cred ? ` with token ${cred.tokenId}` : ' without a token'}`);
  const open = args.open ?? 'ask';
  if (open === 'window') await vscode.commands.executeCommand('vscode.openFolder', vscode.Uri.file(dest), { forceNewWindow: false });
  else if (open === 'workspace') vscode.workspace.updateWorkspaceFolders(vscode.workspace.workspaceFolders?.length ?? 0, 0, { uri: vscode.Uri.file(dest) });
  else if (open === 'ask') {
    const choice = await vscode.window.showInformationMessage(`Cloned ${repo.owner}/${repo.name} into ${dest}.`, 'Open', 'Open in New Window', 'Add to Workspace');
    if (choice === 'Open') await vscode.commands.executeCommand('vscode.openFolder', vscode.Uri.file(dest));
    else if (choice === 'Open in New Window') await vscode.commands.executeCommand('vscode.openFolder', vscode.Uri.file(dest), { forceNewWindow: true });
    else if (choice === 'Add to Workspace') vscode.workspace.updateWorkspaceFolders(vscode.workspace.workspaceFolders?.length ?? 0, 0, { uri: vscode.Uri.file(dest) });
  }
  return dest;
}

/**
 * The folder the clone goes into: `<parent>/<name>`, which must not exist or be an empty folder.
 * From the folder dialog, a folder that cannot take it is said and the dialog offered again (the
 * repository chosen stays chosen); a folder given by the caller is refused with the reason.
 */
async function chooseDestination(repo: { owner: string; name: string }, given: string | undefined): Promise<{ dest: string; existed: boolean } | undefined> {
  if (given) {
    const d = cloneDestination(given, repo.name);
    if (!d.ok) throw new TesseraError('validation', d.problem);
    return d;
  }
  // Next to the open folder by default (a clone is rarely wanted inside it).
  const first = vscode.workspace.workspaceFolders?.[0]?.uri;
  let defaultUri = first?.scheme === 'file' ? vscode.Uri.file(path.dirname(first.fsPath)) : undefined;
  for (;;) {
    const picked = await vscode.window.showOpenDialog({
      canSelectFolders: true, canSelectFiles: false, canSelectMany: false, openLabel: 'Select as Repository Destination',
      title: `Where should ${repo.owner}/${repo.name} be cloned?`,
      ...(defaultUri ? { defaultUri } : {}),
    });
    if (!picked?.[0]) return undefined;
    const d = cloneDestination(picked[0].fsPath, repo.name);
    if (d.ok) return d;
    const again = 'Choose Another Folder';
    if ((await vscode.window.showWarningMessage(d.problem, again)) !== again) return undefined;
    defaultUri = picked[0];
  }
}
