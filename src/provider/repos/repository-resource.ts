// The resource resolver and requirement helpers for `/repos/{owner}/{repo}` API routes and
// `/{owner}/{repo}.git` git routes. A route declares
//
//   config: { auth: {
//     resource: repositoryResource,                     // or repositoryResolver({...})
//     classicScopes: repositoryClassicScopes('read' | 'write' | 'admin'),
//     permission: repositoryPermission('contents' | 'metadata' | 'administration', 'read' | 'write'),
//     accountToken: true,                                // account API tokens of the owning org
//   } }
//
// A private repository the caller's token may not reach (authz/token-access.ts, hiddenFromToken)
// is not found, like one the user cannot see, before any guard runs; the guard list
// (authz/organization-guards.ts) then enforces, in order: the caller's own access (owner / org
// member / public), account-token org scope, the fine-grained token's resource owner and repository
// selection, pending/denied approval, the org's classic-token restriction and lifetime caps, and
// SSO authorization. Reads of a public repository are open to every token.
import type { FastifyRequest } from 'fastify';
import type { PermissionLevel } from '../../shared/fine-grained-permissions';
import type { Principal } from '../auth/principal';
import type { PerRequest, PermissionRequirement, ResourceResolver } from '../authz/requirement';
import type { AuthzResource } from '../authz/resource';
import { hiddenFromToken, targetOf } from '../authz/token-access';
import type { ProviderContext } from '../context';
import { HttpError } from '../http/errors';
import type { RepositoryRecord } from '../store/repositories';
import { AccountOwner, ownerByLogin, ownerRef } from './account-owner';
import { RepositoryAccess, repositoryAccess } from './repository-access';
import { repositoryByName } from './repository-by-name';

/** `request.authz.resource.record` of a repository route. */
export interface RepositoryResourceRecord {
  repository: RepositoryRecord;
  owner: AccountOwner;
  /** `owner/name` as stored. */
  fullName: string;
  /** What the caller's user may do by who they are (before token restrictions); null = can't see it. */
  access: RepositoryAccess | null;
}

interface RepositoryResolverOptions {
  /** Reads `{owner, repo}` from the request. Default: `request.params.owner` / `request.params.repo` (a trailing `.git` is dropped). */
  params?: (request: FastifyRequest) => { owner: string | undefined; repo: string | undefined };
  /**
   * An unauthenticated caller asking for a repository it can't see: 'not-found' (404, default)
   * or 'challenge' (401, so git asks its credential helper; with `wwwAuthenticate` on the route).
   */
  unauthenticated?: 'not-found' | 'challenge';
}

function defaultParams(request: FastifyRequest): { owner: string | undefined; repo: string | undefined } {
  const p = (request.params ?? {}) as Record<string, string | undefined>;
  return { owner: p.owner, repo: p.repo };
}

/** Loads the repository, its owner and the caller's access. */
async function loadRepository(
  ctx: ProviderContext,
  ownerLogin: string,
  repoName: string,
  principal: Principal | undefined,
): Promise<RepositoryResourceRecord | undefined> {
  const name = repoName.replace(/\.git$/i, '');
  if (!name || name.length > 100) return undefined;
  const owner = await ownerByLogin(ctx, ownerLogin);
  if (!owner) return undefined;
  const repository = await repositoryByName(ctx, owner.type, owner.id, name);
  if (!repository) return undefined;
  const access = await repositoryAccess(ctx, repository, principal?.user);
  return { repository, owner, fullName: `${owner.login}/${repository.name}`, access };
}

/** The repository as an authorization resource (what the guard list checks). */
export function repositoryAuthzResource(rec: RepositoryResourceRecord): AuthzResource {
  return { type: 'repository', id: rec.repository.id, owner: ownerRef(rec.owner), isPublic: !rec.repository.private, record: rec };
}

export function repositoryResolver(opts: RepositoryResolverOptions = {}): ResourceResolver {
  const read = opts.params ?? defaultParams;
  return async (request, ctx, principal) => {
    const { owner, repo } = read(request);
    const rec = owner && repo ? await loadRepository(ctx, owner, repo, principal) : undefined;
    if (!rec || rec.access === null) {
      if (!principal && opts.unauthenticated === 'challenge') throw new HttpError(401, 'Requires authentication');
      return undefined;
    }
    const resource = repositoryAuthzResource(rec);
    // A private repository the token may not reach does not exist for it, whatever the route needs.
    if (await hiddenFromToken(ctx, principal, targetOf(resource)!)) return undefined;
    return resource;
  };
}

/** The default resolver: `:owner` / `:repo` params, 404 for what the caller can't see. */
export const repositoryResource: ResourceResolver = repositoryResolver();

/** The record a repository route's handler works on. */
export function repositoryOf(request: FastifyRequest): RepositoryResourceRecord {
  const rec = request.authz?.resource?.record as RepositoryResourceRecord | undefined;
  if (!rec || request.authz?.resource?.type !== 'repository') throw new Error('repositoryOf: the route has no repository resource');
  return rec;
}

/**
 * Classic scopes by visibility: reading a public repository needs none; anything else on a
 * private one needs `repo`; writing to a public one needs `public_repo` (or `repo`).
 */
export function repositoryClassicScopes(level: 'read' | 'write' | 'admin'): PerRequest<readonly string[]> {
  return (_request, resource) => {
    const isPublic = resource?.isPublic === true;
    if (level === 'read') return isPublic ? [] : ['repo'];
    return isPublic ? ['public_repo'] : ['repo'];
  };
}

/**
 * The fine-grained permission a repository route needs. Reading a public repository's contents or
 * metadata needs none (every token reads public repositories).
 */
export function repositoryPermission(name: 'contents' | 'metadata' | 'administration', level: PermissionLevel): PerRequest<PermissionRequirement | 'none'> {
  return (_request, resource) => {
    if (resource?.isPublic === true && level === 'read' && name !== 'administration') return 'none';
    return { group: 'repository', name, level };
  };
}
