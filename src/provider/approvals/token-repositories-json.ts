// The repositories a fine-grained token (asks to) reach in an org: GET
// .../personal-access-token-requests/{id}/repositories and .../personal-access-tokens/{id}/repositories.
import type { RepositoryJson } from '../../shared/api-types';
import type { ProviderContext } from '../context';
import { listPage, type Page } from '../http/pagination';
import { repositoryJson } from '../repos/repository-json';
import type { OrganizationRecord } from '../store/organizations';
import type { TokenRecord } from '../store/tokens';

/** One page of them and how many there are in all. */
export async function tokenRepositoriesJson(
  ctx: ProviderContext,
  org: OrganizationRecord,
  t: TokenRecord,
  page: Page,
): Promise<{ repositories: RepositoryJson[]; total: number }> {
  if (t.resourceOwnerType !== 'Organization' || t.resourceOwnerId !== org.id || t.repositorySelection === 'none' || !t.repositorySelection) {
    return { repositories: [], total: 0 };
  }
  const ownedByOrg = { ownerType: 'Organization' as const, ownerId: org.id };
  const query = t.repositorySelection === 'all' ? ownedByOrg : { ...ownedByOrg, ids: await ctx.store.fineGrainedTokens.repositoryIds(t.id) };
  const { items, total } = await listPage(page, (window) => ctx.store.repositories.list({ ...query, ...window }), () => ctx.store.repositories.count(query));
  const owner = { type: 'Organization' as const, id: org.id, login: org.login, org };
  return { repositories: items.map((r) => repositoryJson(ctx, r, owner)), total };
}
