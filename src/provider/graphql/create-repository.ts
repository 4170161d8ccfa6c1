// Mutation.createRepository: for the viewer (POST /user/repos's requirement) or for an
// organization given by `ownerId` (POST /orgs/{org}/repos's), then the same service call.
import { loadOrganizationResource, OrganizationResourceRecord, selfResource } from '../orgs/org-resource';
import type { AccountOwner } from '../repos/account-owner';
import { repositoryAccess } from '../repos/repository-access';
import type { ListedRepository } from '../repos/repository-listing';
import { READ_ORGANIZATION } from '../orgs/organization-requirements';
import { CREATE_ORG_REPOSITORY, CREATE_USER_REPOSITORY } from '../repos/repository-requirements';
import { createRepository } from '../repos/repository-service';
import { GraphqlTypedError, notFoundError } from './errors';
import { authorizeObject, GraphqlContext } from './graphql-context';

export interface CreateRepositoryInput {
  name: string;
  ownerId?: string | null;
  description?: string | null;
  homepageUrl?: string | null;
  visibility: 'PUBLIC' | 'PRIVATE' | 'INTERNAL';
  template?: boolean | null;
  teamId?: string | null;
  hasIssuesEnabled?: boolean | null;
  hasWikiEnabled?: boolean | null;
  clientMutationId?: string | null;
}

function unprocessable(message: string): GraphqlTypedError {
  return new GraphqlTypedError('UNPROCESSABLE', message);
}

/** `User:1` / `Organization:2` from a node id (REST's node_id, GraphQL's id). */
function decodeOwnerId(id: string): { type: 'User' | 'Organization'; id: number } | undefined {
  const m = /^(User|Organization):(\d{1,15})$/.exec(Buffer.from(id, 'base64').toString('utf8'));
  return m ? { type: m[1] as 'User' | 'Organization', id: Number(m[2]) } : undefined;
}

async function ownerFor(g: GraphqlContext, ownerId: string | null | undefined): Promise<AccountOwner> {
  const { ctx, principal } = g;
  const user = principal.user;
  const notResolved = `Could not resolve to a node with the global id of '${String(ownerId).slice(0, 100)}'.`;
  const ref = ownerId == null ? { type: 'User' as const, id: user.id } : decodeOwnerId(ownerId);
  if (!ref) throw notFoundError(notResolved);
  if (ref.type === 'User') {
    if (ref.id !== user.id) throw new GraphqlTypedError('FORBIDDEN', `${user.login} cannot create a repository for another user.`);
    await authorizeObject(g, CREATE_USER_REPOSITORY, await selfResource(g.request, ctx, principal), notResolved);
    return { type: 'User', id: user.id, login: user.login, user };
  }
  const org = await ctx.store.organizations.byId(ref.id);
  if (!org) throw notFoundError(notResolved);
  // An organization the caller may read (GET /orgs/{org}: gh has just looked its id up) is not
  // hidden again: where REST's POST /orgs/{org}/repos is 404 (not a member), say who may create.
  await authorizeObject(g, READ_ORGANIZATION, await loadOrganizationResource(ctx, org.login, principal, null), notResolved);
  const resource = await loadOrganizationResource(ctx, org.login, principal, 'member');
  try {
    await authorizeObject(g, CREATE_ORG_REPOSITORY, resource, notResolved);
  } catch (err) {
    const member = (resource?.record as OrganizationResourceRecord | undefined)?.role != null;
    if (member || !(err instanceof GraphqlTypedError && err.type === 'NOT_FOUND')) throw err;
    throw new GraphqlTypedError(
      'FORBIDDEN',
      `${user.login} does not have the correct permissions to execute \`CreateRepository\`: only members of ${org.login} can create its repositories.`,
    );
  }
  return { type: 'Organization', id: org.id, login: org.login, org };
}

export async function createRepositoryMutation(
  g: GraphqlContext,
  input: CreateRepositoryInput,
): Promise<{ clientMutationId: string | null; repository: ListedRepository }> {
  if (input.teamId != null) throw unprocessable('Tessera has no teams: teamId is not accepted.');
  if (input.homepageUrl != null && input.homepageUrl.length > 1024) throw unprocessable('homepageUrl is too long (at most 1024 characters).');
  if (input.description != null && input.description.length > 1024) throw unprocessable('description is too long (at most 1024 characters).');
  const owner = await ownerFor(g, input.ownerId);
  const repository = await createRepository(g.ctx, { principal: g.principal, ip: g.request.ip }, owner, {
    name: input.name,
    description: input.description ?? null,
    visibility: input.visibility === 'PRIVATE' ? 'private' : input.visibility === 'INTERNAL' ? 'internal' : 'public',
    ...(input.homepageUrl != null ? { homepage: input.homepageUrl } : {}),
    ...(input.template != null ? { is_template: input.template } : {}),
    ...(input.hasIssuesEnabled != null ? { has_issues: input.hasIssuesEnabled } : {}),
    ...(input.hasWikiEnabled != null ? { has_wiki: input.hasWikiEnabled } : {}),
  });
  return {
    clientMutationId: input.clientMutationId ?? null,
    repository: { repository, owner, access: await repositoryAccess(g.ctx, repository, g.principal.user) },
  };
}
