// The query of GitHub's approval-queue and grants lists: owner (logins), repository (a name),
// permission (a permission name), last_used_before / last_used_after, token_id, sort=created_at,
// direction. Lists arrive comma-separated (@octokit) or repeated.
import { FINE_GRAINED_PERMISSIONS } from '../../shared/fine-grained-permissions';
import type { ProviderContext } from '../context';
import { invalidField } from '../http/errors';
import { listPage, pagedQuerySchema } from '../http/pagination';
import { parseIsoDate } from '../tokens/expiry';
import type { OrganizationRecord } from '../store/organizations';
import type { TokenRequestTokenFilter } from '../store/token-requests';
import type { UserRecord } from '../store/users';

const listOf = { anyOf: [{ type: 'string', maxLength: 2000 }, { type: 'array', maxItems: 100, items: { type: 'string', maxLength: 100 } }] } as const;

export const grantListQuerySchema = pagedQuerySchema({
  sort: { type: 'string', enum: ['created_at'] },
  direction: { type: 'string', enum: ['asc', 'desc'] },
  owner: listOf,
  repository: { type: 'string', minLength: 1, maxLength: 100 },
  permission: { type: 'string', minLength: 1, maxLength: 100 },
  last_used_before: { type: 'string', maxLength: 40 },
  last_used_after: { type: 'string', maxLength: 40 },
  token_id: listOf,
  // The bracketed names form-encoded clients send for the same lists.
  'owner[]': listOf,
  'token_id[]': listOf,
});

export interface GrantListQuery {
  per_page?: string;
  page?: string;
  sort?: 'created_at';
  direction?: 'asc' | 'desc';
  owner?: string | string[];
  repository?: string;
  permission?: string;
  last_used_before?: string;
  last_used_after?: string;
  token_id?: string | string[];
  'owner[]'?: string | string[];
  'token_id[]'?: string | string[];
}

function items(...values: (string | string[] | undefined)[]): string[] | undefined {
  const given = values.filter((v): v is string | string[] => v !== undefined);
  if (!given.length) return undefined;
  return given.flatMap((v) => (Array.isArray(v) ? v : [v])).flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean);
}

export interface GrantFilter {
  owners?: Set<string>;
  tokenIds?: Set<number>;
  repository?: string;
  permission?: string;
  lastUsedBefore?: Date;
  lastUsedAfter?: Date;
  descending: boolean;
}

/** Validates the query (422 naming the parameter). */
export function grantFilter(q: GrantListQuery): GrantFilter {
  const owners = items(q.owner, q['owner[]']);
  if (owners && owners.length > 10) throw invalidField('owner', 'lists at most 10 logins');
  const ids = items(q.token_id, q['token_id[]']);
  if (ids && ids.length > 50) throw invalidField('token_id', 'lists at most 50 ids');
  if (ids?.some((i) => !/^[1-9][0-9]{0,14}$/.test(i))) throw invalidField('token_id', 'must be token ids');
  if (q.permission !== undefined && !FINE_GRAINED_PERMISSIONS.some((p) => p.name === q.permission)) {
    throw invalidField('permission', `'${q.permission.slice(0, 100)}' is not a fine-grained permission`);
  }
  const date = (field: 'last_used_before' | 'last_used_after') => {
    const v = q[field];
    if (v === undefined) return undefined;
    const d = parseIsoDate(v);
    if (!d) throw invalidField(field, 'must be an ISO 8601 date-time');
    return d;
  };
  return {
    ...(owners ? { owners: new Set(owners.map((o) => o.toLowerCase())) } : {}),
    ...(ids ? { tokenIds: new Set(ids.map(Number)) } : {}),
    ...(q.repository !== undefined ? { repository: q.repository.toLowerCase() } : {}),
    ...(q.permission !== undefined ? { permission: q.permission } : {}),
    ...(q.last_used_before !== undefined ? { lastUsedBefore: date('last_used_before') } : {}),
    ...(q.last_used_after !== undefined ? { lastUsedAfter: date('last_used_after') } : {}),
    descending: q.direction !== 'asc',
  };
}

/**
 * The filter as the store matches it (TokenRequestTokenFilter): logins and the repository name
 * resolved to ids. Undefined when nothing can pass (the repository is not one of the org's).
 */
async function tokenFilterOf(ctx: ProviderContext, filter: GrantFilter, org: OrganizationRecord): Promise<TokenRequestTokenFilter | undefined> {
  const token: TokenRequestTokenFilter = {
    ...(filter.tokenIds ? { tokenIds: [...filter.tokenIds] } : {}),
    ...(filter.permission ? { permission: filter.permission } : {}),
    ...(filter.lastUsedBefore ? { lastUsedBefore: filter.lastUsedBefore } : {}),
    ...(filter.lastUsedAfter ? { lastUsedAfter: filter.lastUsedAfter } : {}),
  };
  if (filter.owners) {
    const users = await Promise.all([...filter.owners].map((login) => ctx.store.users.byLogin(login)));
    token.userIds = users.filter((u): u is UserRecord => !!u).map((u) => u.id);
  }
  if (filter.repository) {
    const repo = await ctx.store.repositories.byOwnerAndName('Organization', org.id, filter.repository);
    if (!repo) return undefined;
    token.repositoryId = repo.id;
  }
  return token;
}

/** What an org's token list (the queue, the grants) is asked for: the store matches `token`. */
export interface OrgTokenListQuery {
  orgId: number;
  descending: boolean;
  token: TokenRequestTokenFilter;
  limit?: number;
  offset?: number;
}

/**
 * A page of an org's token list that passes the filter, and how many pass it: the filter is
 * matched by the store's query (`list`, `count`; logins and the repository name resolved first),
 * so a page reads its own rows only.
 */
export async function filteredPage<T>(
  ctx: ProviderContext,
  filter: GrantFilter,
  org: OrganizationRecord,
  page: { limit: number; offset: number },
  list: (q: OrgTokenListQuery) => Promise<T[]>,
  count: (q: OrgTokenListQuery) => Promise<number>,
): Promise<{ rows: T[]; total: number }> {
  const token = await tokenFilterOf(ctx, filter, org);
  if (!token) return { rows: [], total: 0 };
  const query = { orgId: org.id, descending: filter.descending, token };
  const { items, total } = await listPage(page, (window) => list({ ...query, ...window }), () => count(query));
  return { rows: items, total };
}
