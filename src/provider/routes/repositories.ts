// Repositories: POST /user/repos and POST /orgs/{org}/repos (a real bare git repository with
// default branch `main`), GET/PATCH/DELETE /repos/{owner}/{repo}, GET /repos/{owner}/{repo}/branches,
// /branches/{branch} and /readme, GET/PUT …/topics (always none), GET /user/repos and GET /orgs/{org}/repos.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { CreateRepositoryRequest, RepositoryJson, UpdateRepositoryRequest } from '../../shared/api-types';
import { principalOf } from '../authz/authorize';
import { callerOf } from '../authz/caller';
import { apiBase, ProviderContext } from '../context';
import { repositoryPath } from '../git/bare-repos';
import { invalidField, notFound } from '../http/errors';
import { pageOf, pagedQuerySchema, setLinkHeader } from '../http/pagination';
import { organizationOf } from '../orgs/org-resource';
import { AccountOwner } from '../repos/account-owner';
import { branchJson } from '../repos/branch-json';
import { listBranches, readBranch } from '../repos/branches';
import { listableRepositories } from '../repos/repository-listing';
import { ListQuery, listQuerySchema, orgListQuerySchema, sendRepositoryPage } from '../repos/repository-list-page';
import { repositoriesRoot } from '../repos/repositories-root';
import { repositoryJson } from '../repos/repository-json';
import { repositorySettingsSchema } from '../repos/repository-settings-input';
import {
  ADMINISTER_REPOSITORY,
  CREATE_ORG_REPOSITORY,
  CREATE_USER_REPOSITORY,
  LIST_ORG_REPOSITORIES,
  READ_REPOSITORY,
  READ_REPOSITORY_CONTENTS,
} from '../repos/repository-requirements';
import { replaceRepositoryTopics, repositoryTopics } from '../repos/repository-topics';
import { findReadme, readmeJson } from '../repos/readme';
import { repositoryOf, repositoryPermission, repositoryResource } from '../repos/repository-resource';
import { createRepository, deleteRepository, updateRepository } from '../repos/repository-service';

const API = '/api/v3';

type CreateRepositoryBody = CreateRepositoryRequest;

const createBodySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 100 },
    ...repositorySettingsSchema,
    auto_init: { type: 'boolean' },
    gitignore_template: { type: 'string', maxLength: 100 },
    license_template: { type: 'string', maxLength: 100 },
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

  app.patch<{ Params: { owner: string; repo: string }; Body: UpdateRepositoryRequest }>(
    `${API}/repos/:owner/:repo`,
    {
      config: { auth: ADMINISTER_REPOSITORY },
      schema: {
        body: {
          type: 'object',
          additionalProperties: false,
          properties: { name: { type: 'string', minLength: 1, maxLength: 100 }, default_branch: { type: 'string', minLength: 1, maxLength: 255 }, ...repositorySettingsSchema },
        },
      },
    },
    async (request) => {
      const rec = repositoryOf(request);
      const updated = await updateRepository(ctx, callerOf(request), rec, request.body);
      return repositoryJson(ctx, updated, rec.owner, rec.access);
    },
  );

  app.get<{ Params: { owner: string; repo: string }; Querystring: { per_page?: string; page?: string } }>(
    `${API}/repos/:owner/:repo/topics`,
    { config: { auth: READ_REPOSITORY }, schema: { querystring: pagedQuerySchema() } },
    async () => repositoryTopics(),
  );

  app.put<{ Params: { owner: string; repo: string }; Body: { names: string[] } }>(
    `${API}/repos/:owner/:repo/topics`,
    {
      config: { auth: ADMINISTER_REPOSITORY },
      schema: {
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['names'],
          properties: { names: { type: 'array', maxItems: 20, items: { type: 'string', minLength: 1, maxLength: 50 } } },
        },
      },
    },
    async (request) => replaceRepositoryTopics(request.body.names),
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
      config: { auth: READ_REPOSITORY_CONTENTS },
      schema: { querystring: pagedQuerySchema({ protected: { type: 'string', enum: ['true', 'false'] } }) },
    },
    async (request, reply) => {
      const rec = repositoryOf(request);
      const page = pageOf(request.query);
      // No branch is protected on Tessera.
      const branches =
        request.query.protected === 'true' ? [] : await listBranches(repositoryPath(repositoriesRoot(ctx), rec.owner.login, rec.repository.name));
      const slice = branches.slice(page.offset, page.offset + page.limit);
      setLinkHeader(request, reply, page, branches.length, ctx.origin);
      const url = `${apiBase(ctx)}/repos/${rec.fullName}`;
      return slice.map((b) => ({ name: b.name, commit: { sha: b.sha, url: `${url}/commits/${b.sha}` }, protected: false }));
    },
  );

  app.get<{ Params: { owner: string; repo: string; branch: string } }>(
    `${API}/repos/:owner/:repo/branches/:branch`,
    {
      config: { auth: READ_REPOSITORY_CONTENTS },
      schema: { params: { type: 'object', properties: { branch: { type: 'string', minLength: 1, maxLength: 255 } } } },
    },
    async (request) => {
      const rec = repositoryOf(request);
      const found = await readBranch(repositoryPath(repositoriesRoot(ctx), rec.owner.login, rec.repository.name), request.params.branch);
      if (!found) throw notFound('Branch not found');
      return branchJson(`${apiBase(ctx)}/repos/${rec.fullName}`, `${ctx.origin}/${rec.fullName}`, found.branch, found.commit);
    },
  );

  // gh repo view shows it (a 404 is "no README").
  app.get<{ Params: { owner: string; repo: string }; Querystring: { ref?: string } }>(
    `${API}/repos/:owner/:repo/readme`,
    {
      config: { auth: READ_REPOSITORY_CONTENTS },
      schema: { querystring: { type: 'object', additionalProperties: false, properties: { ref: { type: 'string', minLength: 1, maxLength: 255 } } } },
    },
    async (request) => {
      const rec = repositoryOf(request);
      return readmeJson(ctx, rec.fullName, await findReadme(ctx, rec, request.query.ref));
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
      return sendRepositoryPage(ctx, request, reply, items, ssoSkipped);
    },
  );

  app.get<{ Params: { org: string }; Querystring: ListQuery }>(
    `${API}/orgs/:org/repos`,
    {
      config: { auth: LIST_ORG_REPOSITORIES },
      schema: { querystring: orgListQuerySchema },
    },
    async (request, reply) => {
      const { org } = organizationOf(request);
      const q = request.query;
      const repos = (await ctx.store.repositories.list({ ownerType: 'Organization', ownerId: org.id })).filter(
        // `public`, `private` (internal ones too: they are private) and `internal` filter here; all,
        // owner, member and sources are every repository.
        (r) => (q.type === 'public' ? !r.private : q.type === 'private' ? r.private : q.type === 'internal' ? r.settings.internal : true),
      );
      const { items, ssoSkipped } = await listableRepositories(ctx, request.principal, q.type === 'forks' ? [] : repos, { publicForEveryone: true });
      return sendRepositoryPage(ctx, request, reply, items, ssoSkipped, 'created');
    },
  );
}
