// An org's owner-only writes commit only while their caller is still one of its owners. The route
// authorized the caller's role when the request arrived (authz/organization-guards.ts); an owner
// demoted or removed between then and the write must not get it through. So every owner-only
// write of an org runs as `ownerTransaction`, which reads the caller's membership again inside the
// write's own transaction (serializable on both stores: the write commits only as if it ran while
// the caller was an owner), and a write only sometimes reserved to owners (removing someone
// else's membership or authorization) calls `assertStillOwner` inside its transaction. A write
// that needs membership only (creating one of the org's repositories, authorizing one's token for
// its SSO, leaving the org) calls `assertStillRole` with 'member' the same way.
import type { ProviderContext } from '../context';
import { forbidden, notFound } from '../http/errors';
import { withTransaction } from '../transaction';
import type { OrgRole } from '../store/memberships';
import { ownerRequiredMessage, roleSatisfies } from './org-roles';

interface OrgRef {
  id: number;
  login: string;
}

/**
 * Reads the user's role again (in the caller's transaction, past the cache) and refuses unless
 * it is still at least `needed`: 404 when no longer a member, 403 when no longer an owner (as the
 * route's role guard would answer).
 */
export async function assertStillRole(tx: ProviderContext, org: OrgRef, userId: number, needed: OrgRole): Promise<void> {
  const m = await tx.store.memberships.get(org.id, userId);
  if (m?.state !== 'active') throw notFound();
  if (!roleSatisfies(m.role, needed)) throw forbidden(ownerRequiredMessage(org.login));
}

/** `assertStillRole` for an owner-only write. */
export function assertStillOwner(tx: ProviderContext, org: OrgRef, userId: number): Promise<void> {
  return assertStillRole(tx, org, userId, 'owner');
}

/** `fn` as one transaction that commits only while `actorId` is still an active owner of `org`. */
export function ownerTransaction<T>(ctx: ProviderContext, org: OrgRef, actorId: number, fn: (tx: ProviderContext) => Promise<T>): Promise<T> {
  return withTransaction(ctx, async (tx) => {
    await assertStillOwner(tx, org, actorId);
    return fn(tx);
  });
}
