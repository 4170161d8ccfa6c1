// The login of a fine-grained / account token's resource owner (a user or an organization).
import type { ProviderContext } from '../context';
import type { TokenRecord } from '../store/tokens';

export async function resourceOwnerLogin(ctx: ProviderContext, t: TokenRecord): Promise<string | null> {
  if (t.resourceOwnerId === null) return null;
  if (t.resourceOwnerType === 'User') return (await ctx.store.users.byId(t.resourceOwnerId))?.login ?? null;
  if (t.resourceOwnerType === 'Organization') return (await ctx.store.organizations.byId(t.resourceOwnerId))?.login ?? null;
  return null;
}
