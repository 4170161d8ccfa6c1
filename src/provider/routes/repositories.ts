// Repositories: POST /user/repos and POST /orgs/{org}/repos (a real bare git repository with
// default branch `main`), GET/PATCH/DELETE /repos/{owner}/{repo}, GET /repos/{owner}/{repo}/branches,
// GET /user/repos and GET /orgs/{org}/repos.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { RepositoryJson } from '../../shared/api-types';
import { principalOf } from '../authz/authorize';
import { callerOf } from '../authz/caller';
import { partialResultsHeader, SSO_HEADER } from '../authz/token-access';
import { apiBase, ProviderContext } from '../context';
import { repositoryPath } from '../git/bare-repos';
import { invalidField } from '../http/errors';
import { pageOf, paginationQuerySchema, setLinkHeader } from '../http/pagination';
import { organizationOf } from '../orgs/org-resource';
import { AccountOwner } from '../repos/account-owner';
import { listBranches } from '../repos/branches';
import { listableRepositories, ListedRepository, sortRepositories } from '../repos/repository-listing';
import { repositoriesRoot } from '../repos/repositories-root';
import { repositoryJson } from '../repos/repository-json';
import { CREATE_ORG_REPOSITORY, CREATE_USER_REPOSITORY, LIST_ORG_REPOSITORIES, READ_REPOSITORY } from '../repos/repository-requirements';
import { repositoryClassicScopes, repositoryOf, repositoryPermission, repositoryResource } from '../repos/repository-resource';
import { createRepository, deleteRepository, updateRepository } from '../repos/repository-service';

const API = '/api/v3';

interface CreateRepositoryBody {
  name: string;
  description?: string | null;
  private?: boolean;
  visibility?: 'public' | 'private';
}

const createBodySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 100 },
    description: { anyOf: [{ type: 'string', maxLength: 1024 }, { type: 'null' }] },
    private: { type: 'boolean' },
    visibility: { type: 'string', enum: ['public', 'private'] },
  },
} as const;

async function create(
  ctx: ProviderContext,
  request: FastifyRequest<{ Body: CreateRepositoryBody }>,
  reply: FastifyReply,
  owner: AccountOwner,
): Promise<RepositoryJson> {
  const repo = await createRepository(ctx, callerOf(request), owner, request.body);
  reply.code(201).header('Location', `${apiBase(ctx)}/repos/${owner.login}/${repo.name}`);
  return repositoryJson(ctx, repo, owner, 'admin');
}

const listQuerySchema = {
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

interface ListQuery {
  visibility?: 'all' | 'public' | 'private';
  affiliation?: string;
  type?: 'all' | 'owner' | 'public' | 'private' | 'member' | 'forks' | 'sources';
  sort?: 'created' | 'updated' | 'pushed' | 'full_name';
  direction?: 'asc' | 'desc';
  per_page?: string;
  page?: string;
}

function sendPage(ctx: ProviderContext, request: FastifyRequest<{ Querystring: ListQuery }>, reply: FastifyReply, items: ListedRepository[], ssoSkipped: number[]) {
  const sso = partialResultsHeader(ssoSkipped);
  if (sso) reply.header(SSO_HEADER, sso);
  const page = pageOf(request.query);
  const slice = sortRepositories(items, request.query.sort ?? 'full_name', request.query.direction).slice(page.offset, page.offset + page.limit);
  setLinkHeader(request, reply, page, slice.length, ctx.origin);
  return slice.map((i) => repositoryJson(ctx, i.repository, i.owner, request.principal ? i.access : undefined));
}

export function registerRepositoryRoutes(app: FastifyInstance, ctx: ProviderContext): void {
  app.post<{ Body: CreateRepositoryBody }>(
    `${API}/user/repos`,
    {
      config: { auth: CREATE_USER_REPOSITORY },
      schema: { body: createBodySchema },
    },
    async (request, reply) => {
      const { user } = principalOf(request);
      return create(ctx, request, reply, { type: 'User', id: user.id, login: user.login, user });
    },
  );

  app.post<{ Params: { org: string }; Body: CreateRepositoryBody }>(
    `${API}/orgs/:org/repos`,
    {
      config: { auth: CREATE_ORG_REPOSITORY },
      schema: { body: createBodySchema },
    },
    async (request, reply) => {
      const { org } = organizationOf(request);
      return create(ctx, request, reply, { type: 'Organization', id: org.id, login: org.login, org });
    },
  );

  app.get<{ Params: { owner: string; repo: string } }>(
    `${API}/repos/:owner/:repo`,
    {
      config: { auth: READ_REPOSITORY },
    },
    async (request) => {
      const rec = repositoryOf(request);
      // GitHub answers anonymous callers without a permissions object.
      return repositoryJson(ctx, rec.repository, rec.owner, request.principal ? rec.access : undefined);
    },
  );

  app.patch<{ Params: { owner: string; repo: string }; Body: { description?: string | null; private?: boolean; visibility?: 'public' | 'private' } }>(
    `${API}/repos/:owner/:repo`,
    {
      config: {
        auth: {
          classicScopes: repositoryClassicScopes('admin'),
          permission: repositoryPermission('administration', 'write'),
          accountToken: true,
          resource: repositoryResource,
        },
      },
      schema: {
        body: {
          type: 'object',
          additionalProperties: false,
          properties: {
            description: { anyOf: [{ type: 'string', maxLength: 1024 }, { type: 'null' }] },
            private: { type: 'boolean' },
            visibility: { type: 'string', enum: ['public', 'private'] },
          },
        },
      },
    },
    async (request) => {
      const rec = repositoryOf(request);
      const updated = await updateRepository(ctx, callerOf(request), rec, request.body);
      return repositoryJson(ctx, updated, rec.owner, rec.access);
    },
  );

  app.delete<{ Params: { owner: string; repo: string } }>(
    `${API}/repos/:owner/:repo`,
    {
      config: {
        auth: {
          classicScopes: ['delete_repo'],
          permission: repositoryPermission('administration', 'write'),
          accountToken: true,
          resource: repositoryResource,
        },
      },
    },
    async (request, reply) => {
      await deleteRepository(ctx, callerOf(request), repositoryOf(request));
      reply.code(204);
    },
  );

  app.get<{ Params: { owner: string; repo: string }; Querystring: { protected?: 'true' | 'false'; per_page?: string; page?: string } }>(
    `${API}/repos/:owner/:repo/branches`,
    {
      config: {
        auth: {
          anonymous: true,
          classicScopes: repositoryClassicScopes('read'),
          permission: repositoryPermission('contents', 'read'),
          accountToken: true,
          resource: repositoryResource,
        },
      },
      schema: { querystring: { type: 'object', additionalProperties: false, properties: { protected: { type: 'string', enum: ['true', 'false'] }, ...paginationQuerySchema } } },
    },
    async (request, reply) => {
      const rec = repositoryOf(request);
      const page = pageOf(request.query);
      // No branch is protected on Tessera.
      const branches =
        request.query.protected === 'true' ? [] : await listBranches(repositoryPath(repositoriesRoot(ctx), rec.owner.login, rec.repository.name));
      const slice = branches.slice(page.offset, page.offset + page.limit);
      setLinkHeader(request, reply, page, slice.length, ctx.origin);
      const url = `${apiBase(ctx)}/repos/${rec.fullName}`;
      return slice.map((b) => ({ name: b.name, commit: { sha: b.sha, url: `${url}/commits/${b.sha}` }, protected: false }));
    },
  );

  app.get<{ Querystring: ListQuery }>(
    `${API}/user/repos`,
    { config: { auth: { classicScopes: [], permission: 'none' } }, schema: { querystring: listQuerySchema } },
    async (request, reply) => {
      const principal = principalOf(request);
      const q = request.query;
      if (q.type !== undefined && (q.visibility !== undefined || q.affiliation !== undefined)) {
        throw invalidField('type', 'cannot be combined with visibility or affiliation');
      }
      const affiliation = new Set((q.affiliation ?? 'owner,collaborator,organization_member').split(','));
      if (q.type === 'owner') affiliation.delete('organization_member');
      if (q.type === 'member') affiliation.delete('owner');
      const visibility = q.type === 'public' || q.type === 'private' ? q.type : (q.visibility ?? 'all');
      const visible = (await ctx.store.repositories.listVisibleTo(principal.user.id, { includePublic: false })).filter(
        (r) =>
          (visibility === 'all' || r.private === (visibility === 'private')) &&
          (r.ownerType === 'User' ? affiliation.has('owner') : affiliation.has('organization_member')),
      );
      // Tessera has no forks.
      const { items, ssoSkipped } = await listableRepositories(ctx, principal, q.type === 'forks' ? [] : visible, { publicForEveryone: false });
      return sendPage(ctx, request, reply, items, ssoSkipped);
    },
  );

  app.get<{ Params: { org: string }; Querystring: ListQuery }>(
    `${API}/orgs/:org/repos`,
    {
      config: { auth: LIST_ORG_REPOSITORIES },
      schema: { querystring: listQuerySchema },
    },
    async (request, reply) => {
      const { org } = organizationOf(request);
      const q = request.query;
      if (q.visibility !== undefined || q.affiliation !== undefined) throw invalidField(q.visibility !== undefined ? 'visibility' : 'affiliation', 'is not a filter of this endpoint (use type)');
      const repos = (await ctx.store.repositories.list({ ownerType: 'Organization', ownerId: org.id })).filter(
        // Only `public` and `private` filter here: all, owner, member and sources are every repository.
        (r) => (q.type === 'public' ? !r.private : q.type === 'private' ? r.private : true),
      );
      const { items, ssoSkipped } = await listableRepositories(ctx, request.principal, q.type === 'forks' ? [] : repos, { publicForEveryone: true });
      return sendPage(ctx, request, reply, items, ssoSkipped);
    },
  );
}
