// Validation of a fine-grained token's request fields (create and PATCH), each failure a 422
// naming its field: the resource owner (the user or an org they are an active member of), the
// repository selection and its repositories (all of the resource owner), and the permissions
// (the catalog in src/shared/fine-grained-permissions.ts).
import {
  FINE_GRAINED_PERMISSIONS,
  PermissionGroup,
  PermissionLevel,
  PermissionSet,
  permissionSetErrors,
} from '../../shared/fine-grained-permissions';
import type { ProviderContext } from '../context';
import { invalidField, validationFailed } from '../http/errors';
import { activeRole } from '../orgs/org-roles';
import { AccountOwner, ownerByLogin } from '../repos/account-owner';
import type { OrgRole } from '../store/memberships';
import type { RepositorySelection } from '../store/tokens';
import type { UserRecord } from '../store/users';

interface ResolvedResourceOwner {
  owner: AccountOwner;
  /** The user's active role in the org (null for the user's own account). */
  role: OrgRole | null;
}

/** `resource_owner`: the user's login (default) or an org they are an active member of. */
export async function resolveResourceOwner(ctx: ProviderContext, user: UserRecord, login: string | undefined): Promise<ResolvedResourceOwner> {
  if (login === undefined || login.toLowerCase() === user.login.toLowerCase()) {
    return { owner: { type: 'User', id: user.id, login: user.login, user }, role: null };
  }
  const owner = await ownerByLogin(ctx, login);
  if (owner?.type === 'Organization') {
    const role = await activeRole(ctx, owner.id, user.id);
    if (role) return { owner, role };
  }
  throw invalidField('resource_owner', `must be you ('${user.login}') or an organization you are a member of`);
}

/**
 * The repository selection a request means: explicit, else `subset` when repositories are given,
 * else `fallback`.
 */
export function requestedSelection(
  selection: RepositorySelection | undefined,
  repositories: readonly unknown[] | undefined,
  fallback: RepositorySelection,
): RepositorySelection {
  if (selection !== undefined) return selection;
  return repositories !== undefined ? 'subset' : fallback;
}

/**
 * The ids of `repositories` (names, `owner/name`s or ids) for a `subset` selection; every one
 * must be a repository of the resource owner that the user can see.
 */
export async function resolveRepositories(
  ctx: ProviderContext,
  user: UserRecord,
  owner: AccountOwner,
  selection: RepositorySelection,
  repositories: readonly (string | number)[] | undefined,
): Promise<number[]> {
  if (selection !== 'subset') {
    if (repositories !== undefined && repositories.length > 0) {
      throw invalidField('repositories', `must be omitted unless repository_selection is 'subset' (it is '${selection}')`);
    }
    return [];
  }
  if (!repositories || repositories.length === 0) {
    throw invalidField('repositories', "must list at least one repository when repository_selection is 'subset'", 'missing_field');
  }
  const ids = new Set<number>();
  const bad: string[] = [];
  for (const entry of repositories) {
    let repo;
    if (typeof entry === 'number') {
      repo = await ctx.store.repositories.byId(entry);
    } else {
      const slash = entry.indexOf('/');
      const ownerLogin = slash >= 0 ? entry.slice(0, slash) : owner.login;
      const name = slash >= 0 ? entry.slice(slash + 1) : entry;
      if (ownerLogin.toLowerCase() === owner.login.toLowerCase()) repo = await ctx.store.repositories.byOwnerAndName(owner.type, owner.id, name);
    }
    const ownedByOwner = repo && repo.ownerType === owner.type && repo.ownerId === owner.id;
    // Users see their own repositories; members see all of their org's.
    if (!repo || !ownedByOwner || (owner.type === 'User' && repo.ownerId !== user.id)) bad.push(String(entry).slice(0, 140));
    else ids.add(repo.id);
  }
  if (bad.length) {
    throw invalidField(
      'repositories',
      `must all be repositories of the resource owner '${owner.login}'; not: ${bad.slice(0, 10).map((b) => `'${b}'`).join(', ')}${bad.length > 10 ? ', …' : ''}`,
    );
  }
  return [...ids].sort((a, b) => a - b);
}

/**
 * The permission set to store: validated against the catalog (422 naming e.g.
 * `permissions.repository.contents`), organization permissions only for an org resource owner,
 * empty groups dropped, `repository.metadata: read` added whenever repositories are reachable.
 */
export function normalizePermissions(raw: unknown, owner: AccountOwner, selection: RepositorySelection): PermissionSet {
  const errors = permissionSetErrors(raw ?? {});
  if (errors.length) throw validationFailed(errors.map((e) => ({ resource: 'PersonalAccessToken', field: e.field, code: 'invalid', message: e.message })));
  const set = (raw ?? {}) as Record<string, Record<string, PermissionLevel>>;
  const orgPerms = Object.keys(set.organization ?? {});
  if (owner.type === 'User' && orgPerms.length) {
    throw invalidField(`permissions.organization.${orgPerms[0]}`, 'needs an organization as the resource owner');
  }
  const out: PermissionSet = {};
  for (const group of ['repository', 'organization', 'account'] as PermissionGroup[]) {
    const perms = set[group];
    if (!perms) continue;
    const entries = FINE_GRAINED_PERMISSIONS.filter((p) => p.group === group && perms[p.name] !== undefined).map((p) => [p.name, perms[p.name]] as const);
    if (entries.length) out[group] = Object.fromEntries(entries);
  }
  if (selection !== 'none' || out.repository) out.repository = { metadata: 'read', ...(out.repository ?? {}) };
  return out;
}

const RANK: Record<PermissionLevel, number> = { read: 1, write: 2 };

/** true when `next` grants a permission, or a level, that `prev` did not. */
export function widensPermissions(prev: PermissionSet | null, next: PermissionSet): boolean {
  for (const [group, perms] of Object.entries(next) as [PermissionGroup, Record<string, PermissionLevel>][]) {
    for (const [name, level] of Object.entries(perms)) {
      const before = prev?.[group]?.[name];
      if (!before || RANK[level] > RANK[before]) return true;
    }
  }
  return false;
}

/** true when the new selection reaches a repository the old one did not. */
export function widensSelection(prev: RepositorySelection | null, prevIds: number[], next: RepositorySelection, nextIds: number[]): boolean {
  if (next === 'none' || prev === 'all') return false;
  if (next === 'all') return true;
  if (prev !== 'subset') return nextIds.length > 0;
  const before = new Set(prevIds);
  return nextIds.some((id) => !before.has(id));
}
