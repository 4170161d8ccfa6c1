// One page of a repository list (GET /user/repos, /orgs/{org}/repos, /users/{username}/repos):
// GitHub's query parameters, sorting and direction, the Link header and the SSO partial-results header.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { partialResultsHeader, SSO_HEADER } from '../authz/token-access';
import type { ProviderContext } from '../context';
import { pageOf, paginationQuerySchema, setLinkHeader } from '../http/pagination';
import type { ListedRepository } from './repository-listing';
import { repositoryJson } from './repository-json';

export const listQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    visibility: { type: 'string', enum: ['all', 'public', 'private'] },
    affiliation: { type: 'string', pattern: '^(owner|collaborator|organization_member)(,(owner|collaborator|organization_member))*$', maxLength: 100 },
    type: { type: 'string', enum: ['all', 'owner', 'public', 'private', 'member', 'forks', 'sources'] },
    sort: { type: 'string', enum: ['created', 'updated', 'pushed', 'full_name'] },
    direction: { type: 'string', enum: ['asc', 'desc'] },
    ...paginationQuerySchema,
  },
} as const;

export interface ListQuery {
  visibility?: 'all' | 'public' | 'private';
  affiliation?: string;
  type?: 'all' | 'owner' | 'public' | 'private' | 'member' | 'forks' | 'sources';
  sort?: 'created' | 'updated' | 'pushed' | 'full_name';
  direction?: 'asc' | 'desc';
  per_page?: string;
  page?: string;
}

function sortListed(items: ListedRepository[], q: ListQuery): ListedRepository[] {
  const sort = q.sort ?? 'full_name';
  const direction = q.direction ?? (sort === 'full_name' ? 'asc' : 'desc');
  const key = (i: ListedRepository): string =>
    sort === 'full_name'
      ? `${i.owner.login}/${i.repository.name}`.toLowerCase()
      : (sort === 'created' ? i.repository.createdAt : sort === 'updated' ? i.repository.updatedAt : (i.repository.pushedAt ?? i.repository.createdAt)).toISOString();
  const out = [...items].sort((a, b) => key(a).localeCompare(key(b)) || a.repository.id - b.repository.id);
  return direction === 'desc' ? out.reverse() : out;
}

export function sendRepositoryPage(ctx: ProviderContext, request: FastifyRequest<{ Querystring: ListQuery }>, reply: FastifyReply, items: ListedRepository[], ssoSkipped: number[]) {
  const sso = partialResultsHeader(ssoSkipped);
  if (sso) reply.header(SSO_HEADER, sso);
  const page = pageOf(request.query);
  const slice = sortListed(items, request.query).slice(page.offset, page.offset + page.limit);
  setLinkHeader(request, reply, page, slice.length, ctx.origin);
  return slice.map((i) => repositoryJson(ctx, i.repository, i.owner, request.principal ? i.access : undefined));
}
