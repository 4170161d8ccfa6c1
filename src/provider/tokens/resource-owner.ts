// A fine-grained / account token's resource owner (a user or an organization): whether it is a
// given org, and its login.
import type { ProviderContext } from '../context';
import type { TokenRecord } from '../store/tokens';

/** Whether a fine-grained token acts for the org `orgId` (its resource owner is that org). */
export function isFineGrainedFor(t: TokenRecord, orgId: number): boolean {
  return t.kind === 'fine_grained' && t.resourceOwnerType === 'Organization' && t.resourceOwnerId === orgId;
}

export async function resourceOwnerLogin(ctx: ProviderContext, t: TokenRecord): Promise<string | null> {
  if (t.resourceOwnerId === null) return null;
  if (t.resourceOwnerType === 'User') return (await ctx.store.users.byId(t.resourceOwnerId))?.login ?? null;
  if (t.resourceOwnerType === 'Organization') return (await ctx.store.organizations.byId(t.resourceOwnerId))?.login ?? null;
  return null;
}
