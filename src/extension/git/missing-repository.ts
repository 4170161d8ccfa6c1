// git reaches for a repository that does not exist on Tessera (a new remote, the first push):
// while git waits for credentials, Tessera asks once — "Create it on Tessera and push" — then
// creates the repository (private, owned by the user or an organization the user administers),
// makes a token that can push to it when none can, and lets git go on with the same push.
import * as vscode from 'vscode';
import { accountApi } from '../api/provider-api';
import type { CoreServices } from '../core-services';
import { createRepository, ownerChoices } from '../repos/repository-service';
import { TesseraError, type AccountInfo } from '../services';
import { selectCredential, type RepoTarget, type TokenCandidate } from './credential-selection';
import { mintGitToken } from './git-token';
import { cloneUrl } from './remote-url';

const CREATE_AND_PUSH = 'Create it on Tessera and push';

/**
 * The signed-in account that could create `owner/repo` on `origin` when it does not exist there
 * (the owner is the account or an organization it administers, and the account's own sign-in
 * sees no such repository); undefined when it exists, or no account could create it.
 */
export async function creatorOfMissing(core: CoreServices, origin: string, owner: string, repo: string): Promise<AccountInfo | undefined> {
  for (const account of core.accounts().filter((a) => a.providerOrigin === origin)) {
    const owners = await ownerChoices(core, account).catch(() => [{ login: account.login, isUser: true }]);
    if (!owners.some((o) => o.login.toLowerCase() === owner.toLowerCase())) continue;
    try {
      await accountApi(core, account.id).repository(owner, repo);
      return undefined; // it exists
    } catch (err) {
      if (err instanceof TesseraError && err.kind === 'not-found') return account;
      throw err;
    }
  }
  return undefined;
}

/**
 * Creates the repository and, unless a candidate can already push to it, a fine-grained token for
 * it (contents: write, 30 days). Answers the new target and the token git should use.
 */
export async function createForPush(
  core: CoreServices,
  account: AccountInfo,
  owner: string,
  repo: string,
  candidates: readonly TokenCandidate[],
): Promise<{ target: RepoTarget; token: TokenCandidate | undefined }> {
  const created = await createRepository(core, account, { owner, name: repo, visibility: 'private' });
  core.log.info(`Created repository ${created.full_name} for a push to ${cloneUrl(account.providerOrigin, owner, repo)}`);
  void vscode.commands.executeCommand('tessera.refreshRepositories').then(undefined, () => undefined);
  const target: RepoTarget = { owner: created.owner.login, repo: created.name, repoId: created.id, isPublic: !created.private };
  const existing = selectCredential(candidates, target, 'push');
  const token = existing ?? (await mintGitToken(core, account, target, 'fine', 'write'));
  return { target, token };
}

/** The question, while git waits; then createForPush. undefined when declined or failed (shown). */
export async function offerCreateForPush(
  core: CoreServices,
  origin: string,
  owner: string,
  repo: string,
  candidates: readonly TokenCandidate[],
): Promise<{ target: RepoTarget; token: TokenCandidate | undefined } | undefined> {
  const account = await creatorOfMissing(core, origin, owner, repo).catch((err) => {
    core.log.warn(`Could not tell whether ${owner}/${repo} exists: ${err instanceof Error ? err.message : String(err)}`);
    return undefined;
  });
  if (!account) return undefined;
  const full = `${owner}/${repo}`;
  const canPush = !!selectCredential(candidates, { owner, repo }, 'push');
  const choice = await vscode.window.showWarningMessage(
    `The repository ${full} does not exist on Tessera.`,
    {
      modal: true,
      detail:
        `git is waiting to reach ${cloneUrl(origin, owner, repo)}. Tessera can create ${full} now as a private repository` +
        `${owner.toLowerCase() === account.login.toLowerCase() ? '' : ` of the organization ${owner}`}` +
        `${canPush ? '' : ', with a token that can push to it only (fine-grained, 30 days)'}, and git goes on with the push.`,
    },
    CREATE_AND_PUSH,
  );
  if (choice !== CREATE_AND_PUSH) return undefined;
  try {
    return await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Creating ${full} on Tessera…` }, () =>
      createForPush(core, account, owner, repo, candidates),
    );
  } catch (err) {
    await core.showError(err, `Create ${full}`);
    return undefined;
  }
}
