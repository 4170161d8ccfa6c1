// Repositories as the signed-in account: list, create (for the user or an organization the user
// administers) and delete, with errors a person can act on. Used by the Repositories view, the
// palette commands, the create-token form and the "Create it on Tessera and push" offer.
import type { CreateRepositoryRequest, RepositoryJson } from '../../shared/api-types';
import { repositoryNameProblem as sharedNameProblem } from '../../shared/repository-names';
import { accountApi, allPages } from '../api/provider-api';
import { TesseraError, type AccountInfo, type TesseraServices } from '../services';

const MAX_PAGES = 20;

export type Visibility = 'private' | 'public';

interface NewRepository {
  /** The user's login or an organization's. */
  readonly owner: string;
  readonly name: string;
  readonly visibility: Visibility;
  readonly description?: string;
}

/** Where a repository can be created: the user, then the organizations the user administers. */
interface OwnerChoice {
  readonly login: string;
  readonly isUser: boolean;
}

/** Every repository the account can see as a member or owner (GET /user/repos), by full name. */
export async function listRepositories(services: Pick<TesseraServices, 'api'>, accountId: string): Promise<RepositoryJson[]> {
  const api = accountApi(services, accountId);
  const list = await allPages((page) => api.userRepositories(page), MAX_PAGES).catch((err) => {
    throw explain(err, 'list your repositories');
  });
  return list.sort((a, b) => a.full_name.localeCompare(b.full_name));
}

/** The user first, then the organizations where the user is an owner (role admin). */
export async function ownerChoices(services: Pick<TesseraServices, 'api'>, account: AccountInfo): Promise<OwnerChoice[]> {
  const memberships = await accountApi(services, account.id)
    .orgMemberships()
    .catch((err: unknown) => {
      if (err instanceof TesseraError && err.kind === 'not-found') return [];
      throw explain(err, 'list your organizations');
    });
  const orgs = memberships
    .filter((m) => m.state === 'active' && m.role === 'admin')
    .map((m) => m.organization.login)
    .sort((a, b) => a.localeCompare(b));
  return [{ login: account.login, isUser: true }, ...orgs.map((login) => ({ login, isUser: false }))];
}

/** Why the provider would refuse `name` as a repository name (a sentence), or undefined. */
export function repositoryNameProblem(name: string): string | undefined {
  const problem = sharedNameProblem('name', name.trim());
  return problem ? `The ${problem}.`.replace(/^The repository name/, 'The name') : undefined;
}

export async function createRepository(services: Pick<TesseraServices, 'api'>, account: AccountInfo, repo: NewRepository): Promise<RepositoryJson> {
  const body: CreateRepositoryRequest = {
    name: repo.name.trim(),
    visibility: repo.visibility,
    ...(repo.description?.trim() ? { description: repo.description.trim() } : {}),
  };
  const isUser = repo.owner.toLowerCase() === account.login.toLowerCase();
  try {
    return await accountApi(services, account.id).createRepository(body, isUser ? undefined : repo.owner);
  } catch (err) {
    if (err instanceof TesseraError && err.kind === 'validation' && err.details.fieldErrors?.some((f) => f.code === 'already_exists')) {
      throw new TesseraError('validation', `${repo.owner}/${body.name} already exists on Tessera.`, err.details);
    }
    if (err instanceof TesseraError && err.kind === 'not-found' && !isUser) {
      throw new TesseraError('not-found', `There is no organization ${repo.owner} on Tessera that ${account.login} belongs to.`, err.details);
    }
    throw explain(err, `create ${repo.owner}/${body.name}`);
  }
}

export async function deleteRepository(services: Pick<TesseraServices, 'api'>, accountId: string, owner: string, name: string): Promise<void> {
  try {
    await accountApi(services, accountId).deleteRepository(owner, name);
  } catch (err) {
    if (err instanceof TesseraError && err.kind === 'not-found') {
      throw new TesseraError('not-found', `${owner}/${name} does not exist on Tessera any more, or you may not delete it.`, err.details);
    }
    throw explain(err, `delete ${owner}/${name}`);
  }
}

/**
 * The provider's answer in words for this action. A sign-in made before the editor managed
 * repositories lacks the `repo` / `delete_repo` scope: that is a matter of signing in again.
 */
export function explain(err: unknown, action: string): unknown {
  if (!(err instanceof TesseraError)) return err;
  if (err.kind === 'forbidden' && /lacks the required scope: .*\b(repo|public_repo|delete_repo)\b/.test(err.message)) {
    return new TesseraError('signed-out', `This editor's sign-in may not ${action} (it was made before Tessera managed repositories). Sign in again to allow it.`, err.details);
  }
  if (err.kind === 'forbidden') return new TesseraError('forbidden', `You may not ${action}: ${err.message}`, err.details);
  return err;
}
