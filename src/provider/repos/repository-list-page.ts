// One page of a repository list (GET /user/repos, /orgs/{org}/repos, /users/{username}/repos):
// GitHub's query parameters, sorting and direction, the Link header and the SSO partial-results header.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { partialResultsHeader, SSO_HEADER } from '../authz/token-access';
import type { ProviderContext } from '../context';
import { invalidField } from '../http/errors';
import { pageOf, paginationQuerySchema, setLinkHeader } from '../http/pagination';
import { parseIsoDate } from '../tokens/expiry';
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
    since: { type: 'string', maxLength: 40 },
    before: { type: 'string', maxLength: 40 },
    ...paginationQuerySchema,
  },
} as const;

export interface ListQuery {
  visibility?: 'all' | 'public' | 'private';
  affiliation?: string;
  type?: 'all' | 'owner' | 'public' | 'private' | 'member' | 'forks' | 'sources';
  sort?: 'created' | 'updated' | 'pushed' | 'full_name';
  direction?: 'asc' | 'desc';
  /** Only repositories updated at or after / strictly before (ISO 8601). */
  since?: string;
  before?: string;
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

function updatedWithin(q: ListQuery): (i: ListedRepository) => boolean {
  const bound = (field: 'since' | 'before') => {
    const v = q[field];
    if (v === undefined) return undefined;
    const d = parseIsoDate(v);
    if (!d) throw invalidField(field, 'must be an ISO 8601 timestamp (YYYY-MM-DDTHH:MM:SSZ)');
    return d.getTime();
  };
  const since = bound('since');
  const before = bound('before');
  return (i) => (since === undefined || i.repository.updatedAt.getTime() >= since) && (before === undefined || i.repository.updatedAt.getTime() < before);
}

export function sendRepositoryPage(ctx: ProviderContext, request: FastifyRequest<{ Querystring: ListQuery }>, reply: FastifyReply, items: ListedRepository[], ssoSkipped: number[]) {
  const sso = partialResultsHeader(ssoSkipped);
  if (sso) reply.header(SSO_HEADER, sso);
  const page = pageOf(request.query);
  const slice = sortListed(items.filter(updatedWithin(request.query)), request.query).slice(page.offset, page.offset + page.limit);
  setLinkHeader(request, reply, page, slice.length, ctx.origin);
  return slice.map((i) => repositoryJson(ctx, i.repository, i.owner, request.principal ? i.access : undefined));
}
