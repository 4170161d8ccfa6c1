// A user's standing in an organization, as authorization sees it: only active memberships count.
import type { ProviderContext } from '../context';
import { forbidden, notFound } from '../http/errors';
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

/**
 * Reads the user's role again (in the caller's transaction, past the cache) and refuses unless
 * they are still an active owner: 404 when no longer a member, 403 when no longer an owner. For
 * writes that must not commit after the role that authorized them at the request's start is gone.
 */
export async function assertStillOwner(tx: ProviderContext, org: { id: number; login: string }, userId: number): Promise<void> {
  const m = await tx.store.memberships.get(org.id, userId);
  if (m?.state !== 'active') throw notFound();
  if (m.role !== 'owner') throw forbidden(ownerRequiredMessage(org.login));
}
