// The token Tessera makes for git when none fits a repository: fine-grained for that repository
// only (the narrowest), or classic `repo`. Its secret is kept for git and sessions.
import * as vscode from 'vscode';
import type { CreateTokenRequest } from '../../shared/api-types';
import { accountApi } from '../api/provider-api';
import type { CoreServices } from '../core-services';
import type { AccountInfo } from '../services';
import type { RepoTarget, TokenCandidate } from './credential-selection';
import { toCandidate } from './token-candidates';

/**
 * A token for git on one repository: fine-grained (only that repository, contents at `level`,
 * 30 days) or classic `repo`. Its secret is kept for git; undefined while it waits for approval.
 */
export async function mintGitToken(core: CoreServices, account: AccountInfo, target: RepoTarget, kind: 'fine' | 'classic', level: 'read' | 'write'): Promise<TokenCandidate | undefined> {
  const full = `${target.owner}/${target.repo}`;
  const expires = new Date(Date.now() + 30 * 86_400_000).toISOString();
  const body: CreateTokenRequest =
    kind === 'fine'
      ? {
          name: `git: ${full} (VS Code)`,
          kind: 'fine_grained',
          resource_owner: target.owner,
          repository_selection: 'subset',
          repositories: [target.repo],
          permissions: { repository: { contents: level, metadata: 'read' } },
          expires_at: expires,
        }
      : { name: `git: repo (VS Code)`, scopes: ['repo'], expires_at: null };
  const token = await accountApi(core, account.id).createToken(body);
  if (!token.token) throw new Error('the provider did not return the new token');
  // Best effort: git gets this token now either way; a failure only means it is not kept for next time.
  const warning = await core.rememberTokenSecret(account.id, token.id, token.token);
  if (warning) void vscode.window.showWarningMessage(`Created the token “${token.name}” for git on ${full}. ${warning}`);
  core.fireTokensChanged();
  core.log.info(`Created token ${token.id} for git on ${full}`);
  if (token.status === 'pending') {
    void vscode.window.showInformationMessage(`The token for ${full} waits for an organization owner's approval.`);
    return undefined;
  }
  return toCandidate(account.id, token.token, token);
}
