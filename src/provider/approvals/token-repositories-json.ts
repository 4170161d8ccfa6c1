// The repositories a fine-grained token (asks to) reach in an org: GET
// .../personal-access-token-requests/{id}/repositories and .../personal-access-tokens/{id}/repositories.
import type { RepositoryJson } from '../../shared/api-types';
import type { ProviderContext } from '../context';
import type { Page } from '../http/pagination';
import { repositoryJson } from '../repos/repository-json';
import type { OrganizationRecord } from '../store/organizations';
import type { TokenRecord } from '../store/tokens';

export async function tokenRepositoriesJson(ctx: ProviderContext, org: OrganizationRecord, t: TokenRecord, page: Page): Promise<RepositoryJson[]> {
  if (t.resourceOwnerType !== 'Organization' || t.resourceOwnerId !== org.id || t.repositorySelection === 'none' || !t.repositorySelection) return [];
  const query =
    t.repositorySelection === 'all'
      ? { ownerType: 'Organization' as const, ownerId: org.id, limit: page.limit, offset: page.offset }
      : { ids: await ctx.store.fineGrainedTokens.repositoryIds(t.id), limit: page.limit, offset: page.offset };
  const repos = await ctx.store.repositories.list(query);
  const owner = { type: 'Organization' as const, id: org.id, login: org.login, org };
  return repos.filter((r) => r.ownerType === 'Organization' && r.ownerId === org.id).map((r) => repositoryJson(ctx, r, owner));
}
