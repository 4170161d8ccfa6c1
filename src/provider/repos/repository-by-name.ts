// A repository by its owner and name, as every `/repos/{owner}/{repo}` and git route resolves it:
// kept while the store has not changed (ctx.readCaches), as clients read the same repositories
// again and again. (Names are ASCII; the store compares them case-insensitively.)
import type { ProviderContext } from '../context';
import type { RepositoryRecord } from '../store/repositories';
import type { ResourceOwnerType } from '../store/tokens';
import { accountKey } from './account-owner';

export function repositoryByName(ctx: ProviderContext, ownerType: ResourceOwnerType, ownerId: number, name: string): Promise<RepositoryRecord | undefined> {
  const key = `${accountKey(ownerType, ownerId)}/${name.toLowerCase()}`;
  return ctx.readCaches.repositories.get(key, () => ctx.store.repositories.byOwnerAndName(ownerType, ownerId, name), ctx.store);
}
