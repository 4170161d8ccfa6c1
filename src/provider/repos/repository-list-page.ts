// One page of a repository list (GET /user/repos, /orgs/{org}/repos, /users/{username}/repos):
// GitHub's query parameters, `since` / `before` on updated_at, sorting and direction, the Link
// header and the SSO partial-results header.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { RepositoryJson } from '../../shared/api-types';
import { partialResultsHeader, SSO_HEADER } from '../authz/token-access';
import type { ProviderContext } from '../context';
import { invalidField } from '../http/errors';
import { pageOf, pagedQuerySchema, setLinkHeader } from '../http/pagination';
import { parseIsoDate } from '../tokens/expiry';
import { repositoryJson } from './repository-json';
import { ListedRepository, RepositorySort, sortRepositories } from './repository-listing';

const sortSchema = {
  sort: { type: 'string', enum: ['created', 'updated', 'pushed', 'full_name'] },
  direction: { type: 'string', enum: ['asc', 'desc'] },
} as const;

export const listQuerySchema = pagedQuerySchema({
  visibility: { type: 'string', enum: ['all', 'public', 'private'] },
  affiliation: { type: 'string', pattern: '^(owner|collaborator|organization_member)(,(owner|collaborator|organization_member))*$', maxLength: 100 },
  type: { type: 'string', enum: ['all', 'owner', 'public', 'private', 'member', 'forks', 'sources'] },
  ...sortSchema,
  since: { type: 'string', maxLength: 40 },
  before: { type: 'string', maxLength: 40 },
});

/**
 * GET /orgs/{org}/repos: `type` (GitHub's, and `owner` as for the other lists; `internal` the
 * repositories of that visibility), and the sort and page parameters.
 */
export const orgListQuerySchema = pagedQuerySchema({
  type: { type: 'string', enum: ['all', 'owner', 'public', 'private', 'member', 'forks', 'sources', 'internal'] },
  ...sortSchema,
});

/** GET /users/{username}/repos: `type` all, owner or member, and the sort and page parameters. */
export const userListQuerySchema = pagedQuerySchema({ type: { type: 'string', enum: ['all', 'owner', 'member'] }, ...sortSchema });

export interface ListQuery {
  visibility?: 'all' | 'public' | 'private';
  affiliation?: string;
  type?: 'all' | 'owner' | 'public' | 'private' | 'member' | 'forks' | 'sources' | 'internal';
  sort?: RepositorySort;
  direction?: 'asc' | 'desc';
  /** Only repositories updated at or after / strictly before (ISO 8601). */
  since?: string;
  before?: string;
  per_page?: string;
  page?: string;
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

/** One page of `items`, sorted by `sort` (default `defaultSort`: GitHub's is `created` for an org's list, `full_name` for the others). */
export function sendRepositoryPage(
  ctx: ProviderContext,
  request: FastifyRequest<{ Querystring: ListQuery }>,
  reply: FastifyReply,
  items: ListedRepository[],
  ssoSkipped: number[],
  defaultSort: RepositorySort = 'full_name',
): RepositoryJson[] {
  const sso = partialResultsHeader(ssoSkipped);
  if (sso) reply.header(SSO_HEADER, sso);
  const q = request.query;
  const page = pageOf(q);
  const listed = sortRepositories(items.filter(updatedWithin(q)), q.sort ?? defaultSort, q.direction);
  const slice = listed.slice(page.offset, page.offset + page.limit);
  setLinkHeader(request, reply, page, listed.length, ctx.origin);
  return slice.map((i) => repositoryJson(ctx, i.repository, i.owner, request.principal ? i.access : undefined));
}
