// A user's standing in an organization, as authorization sees it: only active memberships count.
import type { ProviderContext } from '../context';
import type { OrgRole } from '../store/memberships';

/** The user's role in the org (the membership kept while the store has not changed: ctx.readCaches). */
export async function activeRole(ctx: ProviderContext, orgId: number, userId: number): Promise<OrgRole | null> {
  const m = await ctx.readCaches.memberships.get(`${orgId}:${userId}`, () => ctx.store.memberships.get(orgId, userId), ctx.store);
  return m?.state === 'active' ? m.role : null;
}

/** true when `role` is at least `needed` (owner ⊃ member). */
export function roleSatisfies(role: OrgRole | null, needed: OrgRole): boolean {
  if (!role) return false;
  return role === 'owner' || needed === 'member';
}

/** The 403 message of an action only the org's owners may take. */
export function ownerRequiredMessage(orgLogin: string): string {
  return `You must be an owner of the '${orgLogin}' organization`;
}

