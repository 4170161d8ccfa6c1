// What every resolver gets: the provider context, the HTTP request (for the authorization guards
// and the caller's address), the reply (for X-GitHub-SSO) and the authenticated principal.
// `authorizeObject` runs the one guard list for an object a query reaches, under the same
// requirement the REST route for that object declares.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Principal } from '../auth/principal';
import { guardDenial } from '../authz/authorize';
import type { AuthRequirement } from '../authz/requirement';
import type { AuthzResource } from '../authz/resource';
import { SSO_HEADER } from '../authz/token-access';
import type { ProviderContext } from '../context';
import type { Branch } from '../repos/branches';
import type { CommitInfo } from '../repos/commit-info';
import type { ListingMemo } from '../repos/repository-listing';
import { denialError } from './errors';

export interface GraphqlContext {
  ctx: ProviderContext;
  request: FastifyRequest;
  reply: FastifyReply;
  principal: Principal;
  /** Branches read for this request, by repository id (repository-fields.ts). */
  branches: Map<number, Promise<Branch[]>>;
  /** Commits read for this request, by repository id and sha (git-object-fields.ts): aliases read each once. */
  commits: Map<string, Promise<CommitInfo>>;
  /** Which repositories this request's credentials may list, decided once per repository (repository-listing.ts): aliases of a listing check each once. */
  listings: ListingMemo;
  /** The nodes the running operation may return, as the node limit counted them (execute-request.ts). */
  nodeCount: number;
}

/**
 * Throws the GraphQL form of the guard list's denial for `resource` under `requirement` (a 404
 * becomes NOT_FOUND with `notFoundMessage`); an SSO denial also sets its X-GitHub-SSO header.
 */
export async function authorizeObject(g: GraphqlContext, requirement: AuthRequirement, resource: AuthzResource | undefined, notFoundMessage: string): Promise<void> {
  const denial = await guardDenial({ principal: g.principal, requirement, resource, request: g.request, ctx: g.ctx });
  if (!denial) return;
  const sso = denial.headers?.[SSO_HEADER];
  if (sso) g.reply.header(SSO_HEADER, sso);
  throw denialError(denial, notFoundMessage);
}
