// What git smart HTTP at `/{owner}/{repo}.git/…` requires, declared once for the authorization
// layer (authz/authorize.ts and its guard list decide; nothing here checks on its own): the
// repository from the path, fetch (upload-pack) needs contents:read or a public repository, push
// (receive-pack) contents:write; classic tokens repo / public_repo. Only tokens, as the Basic
// password; 401s carry the Basic challenge so git asks its credential helper. Also the one parse of
// the request's service that authorization and the route share.
import type { FastifyRequest } from 'fastify';
import { AuthRequirement, AuthzRequest, resolvePerRequest, ResourceResolver } from '../authz/requirement';
import { HttpError } from '../http/errors';
import { repositoryClassicScopes, repositoryPermission, repositoryResolver } from '../repos/repository-resource';
import { GitSmartHttpParseResult, GitSmartHttpRequest, parseGitSmartHttpRequest } from './git-service';

export const GIT_REALM = 'Basic realm="Tessera"';

/** The smart-HTTP request under /{owner}/{repo}.git: one parse for authorization and the handler. */
function gitRouteOf(request: AuthzRequest): { subPath: string; route: GitSmartHttpParseResult } {
  const subPath = '/' + (request.url.split('?')[0].split('/').slice(3).join('/') || '');
  const query = request.url.includes('?') ? request.url.slice(request.url.indexOf('?') + 1) : '';
  return { subPath, route: parseGitSmartHttpRequest(request.method, subPath, query) };
}

/** The smart-HTTP request a handler serves; one that is not smart HTTP is refused with the parse's status. */
export function smartHttpRequestOf(request: AuthzRequest): { subPath: string; request: GitSmartHttpRequest } {
  const { subPath, route } = gitRouteOf(request);
  if (!route.ok) throw new HttpError(route.status, route.message);
  return { subPath, request: route };
}

/** The smart-HTTP request, or undefined when the request is none (the one refusal it then gets). */
export function smartHttpRequestIfAny(request: AuthzRequest): GitSmartHttpRequest | undefined {
  const { route } = gitRouteOf(request);
  return route.ok ? route : undefined;
}

/**
 * Read (upload-pack) or write (receive-pack), from the same parse the handler serves: the two can
 * never disagree. A request that is not smart HTTP is refused by the handler whatever it is.
 */
export function gitAccessOf(request: AuthzRequest): 'read' | 'write' {
  const { route } = gitRouteOf(request);
  return route.ok ? route.access : 'read';
}

/** `:owner` and `:repo` as given (`:repo` may carry the `.git` suffix). */
export function gitRepositoryParams(request: FastifyRequest): { owner: string | undefined; repo: string | undefined } {
  const p = (request.params ?? {}) as Record<string, string | undefined>;
  return { owner: p.owner, repo: p.repo };
}

const resolveSmartHttpRepository = repositoryResolver({ params: gitRepositoryParams, unauthenticated: 'challenge' });

/** A request that is not git smart HTTP (an unknown or repeated service, …) is refused before the repository is looked up. */
const resolveRepository: ResourceResolver = (request, ctx, principal) => {
  const { route } = gitRouteOf(request);
  if (!route.ok) return Promise.reject(new HttpError(route.status, route.message));
  return resolveSmartHttpRepository(request, ctx, principal);
};
const readScopes = repositoryClassicScopes('read');
const writeScopes = repositoryClassicScopes('write');
const readPermission = repositoryPermission('contents', 'read');
const writePermission = repositoryPermission('contents', 'write');

/** info/refs, git-upload-pack and git-receive-pack of one repository. */
export const GIT_SMART_HTTP: AuthRequirement = {
  // Public repositories can be cloned without credentials; everything else answers 401 with the
  // Basic challenge (the resolver's 'challenge' mode) so git asks its credential helper.
  anonymous: true,
  resource: resolveRepository,
  classicScopes: (request, resource) => resolvePerRequest(gitAccessOf(request) === 'write' ? writeScopes : readScopes, request, resource) ?? [],
  permission: (request, resource) => resolvePerRequest(gitAccessOf(request) === 'write' ? writePermission : readPermission, request, resource),
  tokenOnly: true,
  wwwAuthenticate: GIT_REALM,
};
