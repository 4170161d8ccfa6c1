// What a user may do on a repository by who they are (tokens narrow this further, never widen it):
// the owning user and an org's owners administer it, an org's active members write to it, and
// anyone reads a public one. null = may not see it at all.
import type { ProviderContext } from '../context';
import { activeRole } from '../orgs/org-roles';
import type { RepositoryRecord } from '../store/repositories';
import type { UserRecord } from '../store/users';

export type RepositoryAccess = 'read' | 'write' | 'admin';

const RANK: Record<RepositoryAccess, number> = { read: 1, write: 2, admin: 3 };

export function accessSatisfies(have: RepositoryAccess | null, need: RepositoryAccess): boolean {
  return have !== null && RANK[have] >= RANK[need];
}

export async function repositoryAccess(ctx: ProviderContext, repo: RepositoryRecord, user: UserRecord | undefined): Promise<RepositoryAccess | null> {
  if (user) {
    if (repo.ownerType === 'User' && repo.ownerId === user.id) return 'admin';
    if (repo.ownerType === 'Organization') {
      const role = await activeRole(ctx, repo.ownerId, user.id);
      if (role === 'owner') return 'admin';
      if (role === 'member') return 'write';
    }
  }
  return repo.private ? null : 'read';
}
