// The part of vscode.git's extension API (version 1) that Tessera uses. The types mirror
// microsoft/vscode extensions/git/src/api/git.d.ts (only what is used here).
import * as vscode from 'vscode';

export interface Credentials {
  readonly username: string;
  readonly password: string;
}

export interface CredentialsProvider {
  getCredentials(host: vscode.Uri): vscode.ProviderResult<Credentials>;
}

interface GitRemote {
  readonly name: string;
  readonly fetchUrl?: string;
  readonly pushUrl?: string;
  readonly isReadOnly: boolean;
}

export interface GitRepository {
  readonly rootUri: vscode.Uri;
  readonly state: { readonly remotes: GitRemote[]; readonly onDidChange: vscode.Event<void> };
}

export interface GitAPI {
  readonly git: { readonly path: string };
  readonly repositories: GitRepository[];
  readonly onDidOpenRepository: vscode.Event<GitRepository>;
  registerCredentialsProvider(provider: CredentialsProvider): vscode.Disposable;
}

interface GitExtension {
  readonly enabled: boolean;
  readonly onDidChangeEnablement: vscode.Event<boolean>;
  getAPI(version: 1): GitAPI;
}

/** vscode.git's API (activating it when needed); undefined when git is disabled or missing. */
export async function getGitApi(): Promise<GitAPI | undefined> {
  const ext = vscode.extensions.getExtension<GitExtension>('vscode.git');
  if (!ext) return undefined;
  const exports = ext.isActive ? ext.exports : await ext.activate();
  if (!exports?.enabled) return undefined;
  return exports.getAPI(1);
}
