// The Repositories view's commands (also in the palette): create a repository (owner, name,
// visibility, description), delete one after a modal confirmation naming it, copy its clone URL,
// refresh. Cloning goes through tessera.cloneRepository (a tree item carries `fullName`).
import * as vscode from 'vscode';
import type { RepositoryJson } from '../../shared/api-types';
import { askText, askThenUse, pick } from '../auth/quick-input';
import { pickAccount } from '../commands/command-args';
import { registerCommand } from '../commands/register-command';
import { createRepository, deleteRepository, listRepositories, ownerChoices, repositoryNameProblem, type Visibility } from '../repos/repository-service';
import { TesseraError, type AccountInfo, type TesseraServices } from '../services';
import { RepositoryAccountNode, RepositoryNode, type RepositoriesTreeProvider } from './repositories-tree';

/** Answers given in advance; whatever is missing is asked. */
export interface CreateRepositoryArgs {
  readonly accountId?: string;
  readonly owner?: string;
  readonly name?: string;
  readonly visibility?: Visibility;
  readonly description?: string;
}

/** A repository named by a tree item, or `{ accountId, fullName }`. */
interface RepositoryRef {
  readonly accountId: string;
  readonly owner: string;
  readonly name: string;
}

const TITLE = 'Create a Tessera Repository';

function accountOf(services: TesseraServices, accountId: string): AccountInfo {
  const a = services.accounts().find((x) => x.id === accountId);
  if (!a) throw new TesseraError('signed-out', 'That Tessera account is no longer signed in in this window.');
  return a;
}

/** The account and owner of the new repository: from `args`, or asked. */
async function promptOwner(services: TesseraServices, args: CreateRepositoryArgs): Promise<{ account: AccountInfo; owner: string } | undefined> {
  const account = args.accountId ? accountOf(services, args.accountId) : await pickAccount(services, TITLE);
  if (!account) return undefined;
  if (args.owner) return { account, owner: args.owner };
  const owners = await ownerChoices(services, account);
  const owner =
    owners.length === 1
      ? owners[0]!.login
      : await pick(
          TITLE,
          owners.map((o) => ({ label: `$(${o.isUser ? 'account' : 'organization'}) ${o.login}`, description: o.isUser ? 'you' : 'organization you administer', value: o.login })),
          'Owner of the new repository',
        );
  return owner ? { account, owner } : undefined;
}

/**
 * Asks what `args` leaves open of the name, visibility and description, and creates the repository.
 * A name that is taken (or a provider that is down) opens the name box again with the name, and the
 * description typed is offered again: nothing typed is lost.
 */
async function promptAndCreate(services: TesseraServices, account: AccountInfo, owner: string, args: CreateRepositoryArgs): Promise<RepositoryJson | undefined> {
  let description = args.description;
  // What the person picked stays picked when the name box opens again (a name taken, say).
  let visibility = args.visibility;
  const create = async (name: string): Promise<RepositoryJson | undefined> => {
    visibility ??=
      (await pick<Visibility>(
        TITLE,
        [
          { label: '$(lock) Private', description: owner === account.login ? 'only you' : `members of ${owner}`, value: 'private' },
          { label: '$(repo) Public', description: 'anyone who can reach the provider can read it', value: 'public' },
        ],
        `Who can see ${owner}/${name}?`,
      ));
    if (!visibility) return undefined;
    if (args.description === undefined) {
      const typed = await askText({
        title: TITLE,
        prompt: `A short description of ${owner}/${name} (optional: press Enter to skip)`,
        ...(description !== undefined ? { value: description } : {}),
        validate: (v) => (v.length > 1024 ? 'At most 1024 characters.' : undefined),
      });
      if (typed === undefined) return undefined;
      description = typed;
    }
    const repo = { owner, name, visibility, ...(description ? { description } : {}) };
    return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Creating ${owner}/${name} on Tessera…` }, () => createRepository(services, account, repo));
  };
  const given = args.name?.trim();
  if (given) return create(given);
  return askThenUse({ title: TITLE, prompt: `Name of the new repository under ${owner} (letters, digits, "-", "_", ".")`, placeholder: 'my-project', validate: repositoryNameProblem }, (name) => create(name.trim()));
}

/**
 * What the command takes from its argument: the account and owner (a Repositories view row, the
 * Create Token form's owner). The name and visibility are always the person's answers, so no
 * caller (another extension, a link) creates a repository unasked.
 */
function prefillFromArg(arg: unknown): CreateRepositoryArgs {
  if (arg instanceof RepositoryAccountNode) return { accountId: arg.account.id };
  if (!arg || typeof arg !== 'object' || arg instanceof vscode.TreeItem) return {};
  const o = arg as { accountId?: unknown; owner?: unknown };
  return { ...(typeof o.accountId === 'string' ? { accountId: o.accountId } : {}), ...(typeof o.owner === 'string' ? { owner: o.owner } : {}) };
}

/** Create Repository: asks what `args` leaves open, creates it, refreshes the view and offers to clone. */
export async function createRepositoryFlow(services: TesseraServices, tree: RepositoriesTreeProvider, args: CreateRepositoryArgs): Promise<RepositoryJson | undefined> {
  const target = await promptOwner(services, args);
  if (!target) return undefined;
  const { account, owner } = target;
  const created = await promptAndCreate(services, account, owner, args);
  if (!created) return undefined;
  services.log.info(`Created repository ${created.full_name} (${created.visibility}) as ${account.login}`);
  tree.refresh();
  void vscode.window.showInformationMessage(`Created ${created.full_name} (${created.visibility}) on Tessera.`, 'Clone…', 'Copy Clone URL').then(async (choice) => {
    if (choice === 'Clone…') await vscode.commands.executeCommand('tessera.cloneRepository', { accountId: account.id, fullName: created.full_name });
    else if (choice === 'Copy Clone URL') await copyUrl(created.clone_url);
  });
  return created;
}

function refFromArg(services: TesseraServices, arg: unknown): RepositoryRef | undefined {
  if (arg instanceof RepositoryNode) return { accountId: arg.accountId, owner: arg.owner, name: arg.name };
  const o = arg as { accountId?: unknown; fullName?: unknown } | undefined;
  if (o && typeof o.fullName === 'string') {
    const [owner, name] = o.fullName.split('/');
    if (!owner || !name) throw new TesseraError('validation', `'${o.fullName}' is not owner/name.`);
    const accountId = typeof o.accountId === 'string' ? o.accountId : services.accounts()[0]?.id;
    if (!accountId) throw new TesseraError('signed-out', 'Sign in to Tessera first.');
    return { accountId, owner, name };
  }
  return undefined;
}

async function pickRepository(services: TesseraServices, title: string, filter: (r: RepositoryJson) => boolean): Promise<RepositoryRef | undefined> {
  const account = await pickAccount(services, title);
  if (!account) return undefined;
  const repos = (await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Tessera: listing repositories' }, () => listRepositories(services, account.id))).filter(filter);
  if (!repos.length) {
    void vscode.window.showInformationMessage(`${account.login} has no repositories on Tessera that this can act on.`);
    return undefined;
  }
  const r = await pick(
    title,
    repos.map((x) => ({ label: `$(${x.private ? 'lock' : 'repo'}) ${x.full_name}`, description: x.visibility, ...(x.description ? { detail: x.description } : {}), value: x })),
    'Which repository?',
  );
  return r ? { accountId: account.id, owner: r.owner.login, name: r.name } : undefined;
}

export function registerRepositoryCommands(services: TesseraServices, tree: RepositoriesTreeProvider): vscode.Disposable[] {
  return [
    registerCommand(services, 'tessera.refreshRepositories', () => tree.refresh(true), 'Refresh repositories'),
    registerCommand(
      services,
      'tessera.createRepository',
      (arg?: unknown): Promise<RepositoryJson | undefined> => createRepositoryFlow(services, tree, prefillFromArg(arg)),
      'Create repository',
    ),
    registerCommand(
      services,
      'tessera.deleteRepository',
      async (arg?: unknown): Promise<boolean> => {
        const ref = refFromArg(services, arg) ?? (await pickRepository(services, 'Delete a Tessera Repository', (r) => r.permissions?.admin !== false));
        if (!ref) return false;
        const full = `${ref.owner}/${ref.name}`;
        const choice = await vscode.window.showWarningMessage(
          `Delete the repository ${full}?`,
          { modal: true, detail: `Its git history, branches and every commit in it are deleted from the Tessera provider. Tokens that select it lose it. This cannot be undone.` },
          `Delete ${full}`,
        );
        if (choice !== `Delete ${full}`) return false;
        await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Deleting ${full}…` }, () => deleteRepository(services, ref.accountId, ref.owner, ref.name));
        services.log.info(`Deleted repository ${full}`);
        tree.refresh();
        services.fireTokensChanged(); // tokens that selected it changed
        void vscode.window.showInformationMessage(`Deleted ${full} from Tessera.`);
        return true;
      },
      'Delete repository',
    ),
    registerCommand(
      services,
      'tessera.copyRepositoryUrl',
      async (arg?: unknown) => {
        if (arg instanceof RepositoryNode) return copyUrl(arg.repository.clone_url);
        const ref = refFromArg(services, arg) ?? (await pickRepository(services, 'Copy a Clone URL', () => true));
        if (!ref) return undefined;
        const origin = services.accounts().find((a) => a.id === ref.accountId)?.providerOrigin ?? services.providerState().origin;
        return copyUrl(`${origin}/${ref.owner}/${ref.name}.git`);
      },
      'Copy clone URL',
    ),
  ];
}

async function copyUrl(url: string): Promise<string> {
  await vscode.env.clipboard.writeText(url);
  void vscode.window.setStatusBarMessage(`$(check) Copied the clone URL ${url} to the clipboard`, 4000);
  return url;
}
