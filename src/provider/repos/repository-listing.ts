// Which repositories a caller's credentials may list: what the user can see, narrowed by the
// token — a private one only where the token may learn it exists (hiddenFromToken, through
// tokenAccessDenial: a classic token without `repo` lists public ones only), a fine-grained token
// its resource owner's selected ones (plus public ones where `publicForEveryone`, e.g. an org's
// repository list), an account token its org's — and without those of orgs whose policy or SSO
// refuses the token (SSO ones are reported: `X-GitHub-SSO: partial-results; organizations=…`).
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

/** What listing decided for one repository: listed, skipped for SSO (its owner's id), or left out. */
type ListingDecision = { listed: ListedRepository } | { ssoSkipped: number } | null;

/**
 * Decisions already made for one request, by repository and `publicForEveryone`: a request that
 * lists many times (a GraphQL query's aliases) checks each repository once.
 */
export type ListingMemo = Map<string, Promise<ListingDecision>>;

export async function listableRepositories(
  ctx: ProviderContext,
  principal: Principal | undefined,
  repos: RepositoryRecord[],
  opts: { publicForEveryone: boolean; memo?: ListingMemo },
): Promise<{ items: ListedRepository[]; ssoSkipped: number[] }> {
  const owners = new Map<string, AccountOwner | undefined>();
  const items: ListedRepository[] = [];
  const ssoSkipped: number[] = [];
  for (const repository of repos) {
    // (The promise is kept: a query's aliases run side by side.)
    const memoKey = `${repository.id}:${opts.publicForEveryone}`;
    let deciding = opts.memo?.get(memoKey);
    if (!deciding) {
      deciding = decide(ctx, principal, repository, owners, opts.publicForEveryone);
      opts.memo?.set(memoKey, deciding);
    }
    const decision = await deciding;
    if (decision && 'listed' in decision) items.push(decision.listed);
    else if (decision) ssoSkipped.push(decision.ssoSkipped);
  }
  return { items, ssoSkipped };
}

async function decide(
  ctx: ProviderContext,
  principal: Principal | undefined,
  repository: RepositoryRecord,
  owners: Map<string, AccountOwner | undefined>,
  publicForEveryone: boolean,
): Promise<ListingDecision> {
  const token = principal?.token;
  const key = `${repository.ownerType}:${repository.ownerId}`;
  if (!owners.has(key)) owners.set(key, await ownerById(ctx, repository.ownerType, repository.ownerId));
  const owner = owners.get(key);
  if (!owner) return null;
  const access = await repositoryAccess(ctx, repository, principal?.user);
  if (access === null) return null;
  if (token?.kind === 'account' && !(repository.ownerType === 'Organization' && repository.ownerId === principal?.orgId)) return null;
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
    { ignorePublic: token?.kind === 'fine_grained' && !publicForEveryone },
  );
  if (denial) return isSsoDenial(denial) ? { ssoSkipped: repository.ownerId } : null;
  return { listed: { repository, owner, access } };
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
