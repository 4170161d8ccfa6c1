// Users and organizations (the RepositoryOwner interface): profiles anyone signed in may read,
// an organization's under GET /orgs/{org}'s requirement, and the viewer's organizations under
// GET /user/orgs's. A source object is an AccountOwner.
import { partialResultsHeader, SSO_HEADER } from '../authz/token-access';
import { nodeId } from '../orgs/account-json';
import { loadOrganizationResource } from '../orgs/org-resource';
import { activeRole } from '../orgs/org-roles';
import { listableOrgs } from '../orgs/organization-listing';
import { reachesOrganization } from '../orgs/organization-reader';
import type { OrgRole } from '../store/memberships';
import { LIST_USER_ORGANIZATIONS, READ_ORGANIZATION } from '../orgs/organization-requirements';
import { AccountOwner, ownerByLogin } from '../repos/account-owner';
import { checkPageArgs, PageArgs, paginate } from './connection';
import { GraphqlTypedError, notFoundError } from './errors';
import { authorizeObject, GraphqlContext } from './graphql-context';
import { ownerRepositories, RepositoriesArgs } from './repository-connection';
import { repositoryByName } from './repository-fields';
import { githubTime } from '../iso-time';
import { avatarUrl, sizedAvatarUrl } from '../avatars/identicon';
import { mayReadEmail } from '../users/own-profile-access';

type Resolver = (o: AccountOwner, args: Record<string, unknown>, g: GraphqlContext) => unknown;

/** The viewer's active role in the organization, when this request's token reaches it (null otherwise). */
async function viewerRole(o: AccountOwner, g: GraphqlContext): Promise<OrgRole | null> {
  if (o.type !== 'Organization') return null;
  const role = await activeRole(g.ctx, o.id, g.principal.user.id);
  return role && (await reachesOrganization(g.ctx, g.principal, o.org, role)) ? role : null;
}

function orgNotFoundMessage(login: string): string {
  return `Could not resolve to an Organization with the login of '${login.slice(0, 100)}'.`;
}

/** The account named `login` (null when there is none); an organization under GET /orgs/{org}'s requirement. */
export async function accountByLogin(g: GraphqlContext, login: string): Promise<AccountOwner | null> {
  const owner = await ownerByLogin(g.ctx, login);
  if (owner?.type === 'Organization') {
    const resource = await loadOrganizationResource(g.ctx, owner.login, g.principal, null);
    await authorizeObject(g, READ_ORGANIZATION, resource, orgNotFoundMessage(login));
  }
  return owner ?? null;
}

export async function userByLogin(g: GraphqlContext, login: string): Promise<AccountOwner> {
  const owner = await ownerByLogin(g.ctx, login);
  if (owner?.type !== 'User') throw notFoundError(`Could not resolve to a User with the login of '${login.slice(0, 100)}'.`);
  return owner;
}

export async function organizationByLogin(g: GraphqlContext, login: string): Promise<AccountOwner> {
  const owner = await accountByLogin(g, login);
  if (owner?.type !== 'Organization') throw notFoundError(orgNotFoundMessage(login));
  return owner;
}

const COMMON: Record<string, Resolver> = {
  databaseId: (o) => o.id,
  login: (o) => o.login,
  url: (o, _a, g) => `${g.ctx.origin}/${o.login}`,
  resourcePath: (o) => `/${o.login}`,
  avatarUrl: (o, args, g) => sizedAvatarUrl(avatarUrl(g.ctx, o.type === 'User' ? 'u' : 'o', o.id), args.size),
  repositories: (o, args, g) => ownerRepositories(g, o, args as RepositoriesArgs),
  repository: (o, args, g) => repositoryByName(g, o.login, String(args.name)),
};

export const USER_FIELDS: Record<string, Resolver> = {
  ...COMMON,
  id: (o) => nodeId('User', o.id),
  name: (o) => (o.type === 'User' ? o.user.name : null),
  // Only the viewer's own address, to credentials that may read it: Tessera has no public profile emails.
  email: (o, _a, g) => (o.type === 'User' && o.id === g.principal.user.id && mayReadEmail(g.principal) ? o.user.email : ''),
  createdAt: (o) => (o.type === 'User' ? githubTime(o.user.createdAt) : null),
  updatedAt: (o) => (o.type === 'User' ? githubTime(o.user.updatedAt) : null),
  isSiteAdmin: (o) => o.type === 'User' && o.user.siteAdmin,
  isViewer: (o, _a, g) => o.id === g.principal.user.id,
  organizations: async (o, args, g) => {
    checkPageArgs(args as PageArgs, 'organizations');
    if (o.id !== g.principal.user.id) throw new GraphqlTypedError('FORBIDDEN', "Tessera lists only the viewer's own organizations.");
    await authorizeObject(g, LIST_USER_ORGANIZATIONS, undefined, 'Not Found');
    const memberships = await g.ctx.store.memberships.list({ userId: o.id, state: 'active' });
    const { orgs, ssoSkipped } = await listableOrgs(g.ctx, g.principal, await g.ctx.store.organizations.byIds(memberships.map((m) => m.orgId)));
    const sso = partialResultsHeader(ssoSkipped);
    if (sso) g.reply.header(SSO_HEADER, sso);
    orgs.sort((a, b) => a.login.toLowerCase().localeCompare(b.login.toLowerCase()));
    return paginate(
      orgs.map((org): AccountOwner => ({ type: 'Organization', id: org.id, login: org.login, org })),
      args as PageArgs,
      'organizations',
    );
  },
};

export const ORGANIZATION_FIELDS: Record<string, Resolver> = {
  ...COMMON,
  id: (o) => nodeId('Organization', o.id),
  name: (o) => (o.type === 'Organization' ? o.org.name : null),
  description: (o) => (o.type === 'Organization' ? o.org.description : null),
  createdAt: (o) => (o.type === 'Organization' ? githubTime(o.org.createdAt) : null),
  updatedAt: (o) => (o.type === 'Organization' ? githubTime(o.org.updatedAt) : null),
  viewerIsAMember: async (o, _a, g) => (await viewerRole(o, g)) !== null,
  viewerCanAdminister: async (o, _a, g) => (await viewerRole(o, g)) === 'owner',
};
