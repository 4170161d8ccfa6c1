// Creating a repository: the record, then its bare git repository on disk (the record goes again
// when the disk step fails), then the audit event. Called by POST /user/repos, POST
// /orgs/{org}/repos and GraphQL's createRepository once their requirement has passed.
import { recordAudit } from '../audit/audit-log';
import type { Principal } from '../auth/principal';
import { requireClassicScope } from '../authz/permission-check';
import type { ProviderContext } from '../context';
import { createBareRepository, validateRepositoryName } from '../git/bare-repos';
import { forbidden, invalidField, validationFailed } from '../http/errors';
import { ORG_AUDIT_ACTIONS } from '../orgs/org-audit';
import { UniqueViolation } from '../store/errors';
import type { RepositoryRecord } from '../store/repositories';
import type { AccountOwner } from './account-owner';
import { repositoriesRoot } from './repositories-root';

export interface Visibility {
  private?: boolean;
  visibility?: 'public' | 'private';
}

/** The visibility a request asks for (undefined: not given); `private` and `visibility` must agree. */
export function wantsPrivate(body: Visibility): boolean | undefined {
  if (body.visibility !== undefined && body.private !== undefined && body.private !== (body.visibility === 'private')) {
    throw invalidField('visibility', `contradicts private: ${body.private}`);
  }
  if (body.visibility !== undefined) return body.visibility === 'private';
  return body.private;
}

/** Creating a repository with a fine-grained token needs access to all of the owner's repositories. */
function assertCanCreate(principal: Principal, isPrivate: boolean): void {
  requireClassicScope(principal, isPrivate ? ['repo'] : ['repo', 'public_repo']);
  const t = principal.token;
  if (t?.kind === 'fine_grained' && t.repositorySelection !== 'all') {
    throw forbidden("Resource not accessible by personal access token: creating repositories needs repository_selection 'all'");
  }
}

function nameTaken(): Error {
  return validationFailed([{ resource: 'Repository', field: 'name', code: 'already_exists', message: 'name already exists on this account' }]);
}

export async function createRepository(
  ctx: ProviderContext,
  principal: Principal,
  ip: string,
  owner: AccountOwner,
  input: { name: string; description?: string | null } & Visibility,
): Promise<RepositoryRecord> {
  const nameProblem = validateRepositoryName(input.name);
  if (nameProblem) throw invalidField('name', nameProblem.replace(/^repository name /, ''));
  const isPrivate = wantsPrivate(input) ?? false;
  assertCanCreate(principal, isPrivate);
  let repo: RepositoryRecord;
  try {
    repo = await ctx.store.repositories.create({
      ownerType: owner.type,
      ownerId: owner.id,
      name: input.name,
      description: input.description ?? null,
      private: isPrivate,
      createdBy: principal.user.id,
      createdAt: ctx.clock.now(),
    });
  } catch (err) {
    if (err instanceof UniqueViolation) throw nameTaken();
    throw err;
  }
  try {
    await createBareRepository(repositoriesRoot(ctx), owner.login, repo.name);
  } catch (err) {
    await ctx.store.repositories.delete(repo.id);
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw nameTaken();
    throw err;
  }
  await recordAudit(ctx, {
    action: ORG_AUDIT_ACTIONS.repoCreate,
    actor: principal.user,
    ...(owner.type === 'Organization' ? { org: owner.org } : {}),
    tokenId: principal.token?.id,
    ip,
    data: { repo: `${owner.login}/${repo.name}`, visibility: repo.private ? 'private' : 'public' },
  });
  return repo;
}
