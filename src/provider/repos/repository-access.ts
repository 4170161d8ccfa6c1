// What a user may do on a repository by who they are (tokens narrow this further, never widen it):
// the owning user and an org's owners administer it, an org's active members write to it, and
// anyone reads a public one. null = may not see it at all.
import type { ProviderContext } from '../context';
import { forbidden, notFound } from '../http/errors';
import { activeRole } from '../orgs/org-roles';
import type { OrgRole } from '../store/memberships';
import type { RepositoryRecord } from '../store/repositories';
import type { UserRecord } from '../store/users';

export type RepositoryAccess = 'read' | 'write' | 'admin';

const RANK: Record<RepositoryAccess, number> = { read: 1, write: 2, admin: 3 };

export function accessSatisfies(have: RepositoryAccess | null, need: RepositoryAccess): boolean {
  return have !== null && RANK[have] >= RANK[need];
}

/** The 403 message of a repository write only its administrators may make. */
export function adminRequiredMessage(fullName: string): string {
  return `Must have admin rights to Repository '${fullName}'.`;
}

function accessOf(repo: RepositoryRecord, user: UserRecord | undefined, orgRole: OrgRole | null): RepositoryAccess | null {
  if (user && repo.ownerType === 'User' && repo.ownerId === user.id) return 'admin';
  if (orgRole === 'owner') return 'admin';
  if (orgRole === 'member') return 'write';
  return repo.private ? null : 'read';
}

export async function repositoryAccess(ctx: ProviderContext, repo: RepositoryRecord, user: UserRecord | undefined): Promise<RepositoryAccess | null> {
  const orgRole = user && repo.ownerType === 'Organization' ? await activeRole(ctx, repo.ownerId, user.id) : null;
  return accessOf(repo, user, orgRole);
}

/**
 * A repository's administrative writes (changing or deleting it, adding or removing its deploy
 * keys) commit only while their caller still administers it: the route authorized the caller's
 * access when the request arrived, and an org owner demoted or removed since must not get the
 * write through. The write calls this inside its own transaction (serializable on both stores),
 * which reads the caller's membership again, past the cache: 404 when they may no longer see the
 * repository, 403 when they may no longer administer it (as the route's guard would answer).
 */
export async function assertStillAdmin(tx: ProviderContext, rec: { repository: RepositoryRecord; fullName: string }, user: UserRecord): Promise<void> {
  const repo = rec.repository;
  let orgRole: OrgRole | null = null;
  if (repo.ownerType === 'Organization') {
    const m = await tx.store.memberships.get(repo.ownerId, user.id);
    orgRole = m?.state === 'active' ? m.role : null;
  }
  const access = accessOf(repo, user, orgRole);
  if (access === null) throw notFound();
  if (access !== 'admin') throw forbidden(adminRequiredMessage(rec.fullName));
}
