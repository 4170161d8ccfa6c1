// Which repositories a caller's credentials may list: what the user can see, narrowed by the
// token — a classic token without `repo` lists public ones only, a fine-grained token its resource
// owner's selected ones (plus public ones where `publicForEveryone`, e.g. an org's repository
// list), an account token its org's — and without those of orgs whose policy or SSO refuses the
// token (SSO ones are reported: `X-GitHub-SSO: partial-results; organizations=…`).
import { hasScope } from '../../shared/classic-scopes';
import type { Principal } from '../auth/principal';
import { isSsoDenial, tokenAccessDenial } from '../authz/token-access';
import type { ProviderContext } from '../context';
import type { RepositoryRecord } from '../store/repositories';
import { AccountOwner, ownerById, ownerRef } from './account-owner';
import { RepositoryAccess, repositoryAccess } from './repository-access';
import { isoTime } from '../iso-time';

export interface ListedRepository {
  repository: RepositoryRecord;
  owner: AccountOwner;
  access: RepositoryAccess | null;
}

export async function listableRepositories(
  ctx: ProviderContext,
  principal: Principal | undefined,
  repos: RepositoryRecord[],
  opts: { publicForEveryone: boolean },
): Promise<{ items: ListedRepository[]; ssoSkipped: number[] }> {
  const owners = new Map<string, AccountOwner | undefined>();
  const items: ListedRepository[] = [];
  const ssoSkipped: number[] = [];
  const token = principal?.token;
  for (const repository of repos) {
    const key = `${repository.ownerType}:${repository.ownerId}`;
    if (!owners.has(key)) owners.set(key, await ownerById(ctx, repository.ownerType, repository.ownerId));
    const owner = owners.get(key);
    if (!owner) continue;
    const access = await repositoryAccess(ctx, repository, principal?.user);
    if (access === null) continue;
    if (token?.kind === 'classic' && repository.private && !hasScope(token.scopes, 'repo') && !hasScope(token.scopes, 'admin:token')) continue;
    if (token?.kind === 'account' && !(repository.ownerType === 'Organization' && repository.ownerId === principal?.orgId)) continue;
    const denial = await tokenAccessDenial(
      ctx,
      principal,
      {
        owner: ownerRef(owner),
        isPublic: !repository.private,
        repository: { id: repository.id, fullName: `${owner.login}/${repository.name}` },
        ...(owner.type === 'Organization' ? { org: owner.org } : {}),
      },
      'read',
      { ignorePublic: token?.kind === 'fine_grained' && !opts.publicForEveryone },
    );
    if (denial) {
      if (isSsoDenial(denial)) ssoSkipped.push(repository.ownerId);
      continue;
    }
    items.push({ repository, owner, access });
  }
  return { items, ssoSkipped };
}

export type RepositorySort = 'created' | 'updated' | 'pushed' | 'full_name';

/** Sorted by `sort` (ties by id); the direction defaults to asc for full_name, desc otherwise. */
export function sortRepositories(items: ListedRepository[], sort: RepositorySort, direction?: 'asc' | 'desc'): ListedRepository[] {
  const dir = direction ?? (sort === 'full_name' ? 'asc' : 'desc');
  const key = (i: ListedRepository): string =>
    sort === 'full_name'
      ? `${i.owner.login}/${i.repository.name}`.toLowerCase()
      : isoTime(sort === 'created' ? i.repository.createdAt : sort === 'updated' ? i.repository.updatedAt : (i.repository.pushedAt ?? i.repository.createdAt));
  const out = [...items].sort((a, b) => key(a).localeCompare(key(b)) || a.repository.id - b.repository.id);
  return dir === 'desc' ? out.reverse() : out;
}
