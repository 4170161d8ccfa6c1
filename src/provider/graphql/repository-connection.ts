// `repositories(...)` of a user or an organization: the same selection and the same filtering by
// what the credentials reach as GET /user/repos (the viewer's own), GET /orgs/{org}/repos (an
// organization's, under that route's requirement) and the other users' public lists.
import { partialResultsHeader, SSO_HEADER } from '../authz/token-access';
import { loadOrganizationResource } from '../orgs/org-resource';
import type { AccountOwner } from '../repos/account-owner';
import { listableRepositories, ListedRepository, RepositorySort, sortRepositories } from '../repos/repository-listing';
import { LIST_ORG_REPOSITORIES } from '../repos/repository-requirements';
import type { RepositoryRecord } from '../store/repositories';
import { checkPageArgs, Connection, PageArgs, paginate } from './connection';
import { authorizeObject, GraphqlContext } from './graphql-context';

export interface RepositoriesArgs extends PageArgs {
  privacy?: 'PUBLIC' | 'PRIVATE' | null;
  isFork?: boolean | null;
  ownerAffiliations?: ('OWNER' | 'COLLABORATOR' | 'ORGANIZATION_MEMBER' | null)[] | null;
  orderBy?: { field: 'CREATED_AT' | 'UPDATED_AT' | 'PUSHED_AT' | 'NAME' | 'STARGAZERS'; direction: 'ASC' | 'DESC' } | null;
}

// Tessera has no stars: STARGAZERS orders by name.
const SORT: Record<NonNullable<RepositoriesArgs['orderBy']>['field'], RepositorySort> = {
  CREATED_AT: 'created',
  UPDATED_AT: 'updated',
  PUSHED_AT: 'pushed',
  NAME: 'full_name',
  STARGAZERS: 'full_name',
};

async function candidates(g: GraphqlContext, owner: AccountOwner, args: RepositoriesArgs): Promise<{ records: RepositoryRecord[]; viewerOwn: boolean }> {
  const { ctx, principal } = g;
  if (owner.type === 'Organization') {
    const resource = await loadOrganizationResource(ctx, owner.login, principal, null);
    await authorizeObject(g, LIST_ORG_REPOSITORIES, resource, `Could not resolve to an Organization with the login of '${owner.login}'.`);
    return { records: await ctx.store.repositories.list({ ownerType: 'Organization', ownerId: owner.id }), viewerOwn: false };
  }
  const affiliations = new Set(args.ownerAffiliations ?? ['OWNER', 'COLLABORATOR']);
  const viewerOwn = owner.id === principal.user.id;
  const records = affiliations.has('OWNER') ? await ctx.store.repositories.list({ ownerType: 'User', ownerId: owner.id }) : [];
  // Organization repositories by membership: the viewer's own (as GET /user/repos). Tessera has no collaborators.
  if (viewerOwn && affiliations.has('ORGANIZATION_MEMBER')) {
    records.push(...(await ctx.store.repositories.listVisibleTo(principal.user.id, { includePublic: false })).filter((r) => r.ownerType === 'Organization'));
  }
  return { records, viewerOwn };
}

export async function ownerRepositories(g: GraphqlContext, owner: AccountOwner, args: RepositoriesArgs): Promise<Connection<ListedRepository>> {
  checkPageArgs(args, 'repositories');
  const { records, viewerOwn } = await candidates(g, owner, args);
  const wanted = records.filter(
    // Tessera has no forks.
    (r) => args.isFork !== true && (args.privacy == null || r.private === (args.privacy === 'PRIVATE')),
  );
  const { items, ssoSkipped } = await listableRepositories(g.ctx, g.principal, wanted, { publicForEveryone: !viewerOwn, memo: g.listings });
  const sso = partialResultsHeader(ssoSkipped);
  if (sso) g.reply.header(SSO_HEADER, sso);
  const order = args.orderBy;
  const sorted = sortRepositories(items, order ? SORT[order.field] : 'full_name', order ? (order.direction === 'ASC' ? 'asc' : 'desc') : 'asc');
  return paginate(sorted, args, 'repositories');
}
