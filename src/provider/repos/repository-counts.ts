// How many public and private repositories an account owns (GET /user, /users/{username},
// /orgs/{org}): kept while the store has not changed (ctx.readCaches), as clients ask for their own
// user on nearly every session.
import type { ProviderContext } from '../context';
import type { RepositoryCounts } from '../store/repositories';
import type { ResourceOwnerType } from '../store/tokens';
import { accountKey } from './account-owner';

export async function repositoryCountsOf(ctx: ProviderContext, ownerType: ResourceOwnerType, ownerId: number): Promise<RepositoryCounts> {
  const counts = await ctx.readCaches.repositoryCounts.get(accountKey(ownerType, ownerId), () => ctx.store.repositories.countByOwner(ownerType, ownerId), ctx.store);
  return counts!; // (countByOwner always answers)
}
