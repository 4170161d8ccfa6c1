// Repositories: POST /user/repos and POST /orgs/{org}/repos (a real bare git repository with
// default branch `main`), GET/PATCH/DELETE /repos/{owner}/{repo}, GET /repos/{owner}/{repo}/branches,
// GET /user/repos and GET /orgs/{org}/repos.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { RepositoryJson } from '../../shared/api-types';
import { recordAudit } from '../audit/audit-log';
import type { Principal } from '../auth/principal';
import { principalOf } from '../authz/authorize';
import { requireClassicScope } from '../authz/permission-check';
import { apiBase, ProviderContext } from '../context';
import { createBareRepository, deleteBareRepository, repositoryPath, trashBareRepository, validateRepositoryName } from '../git/bare-repos';
import { forbidden, invalidField, notFound, validationFailed } from '../http/errors';
import { pageOf, paginationQuerySchema, setLinkHeader } from '../http/pagination';
import { ORG_AUDIT_ACTIONS } from '../orgs/org-audit';
import { organizationOf, organizationResolver, selfResource } from '../orgs/org-resource';
import { AccountOwner } from '../repos/account-owner';
import { branchJson } from '../repos/branch-json';
import { listBranches } from '../repos/branches';
import { readCommit } from '../repos/commit-info';
import { listableRepositories } from '../repos/repository-listing';
import { ListQuery, listQuerySchema, sendRepositoryPage } from '../repos/repository-list-page';
import { repositoriesRoot } from '../repos/repositories-root';
import { repositoryJson } from '../repos/repository-json';
import { writeReadmeCommit } from '../repos/repository-init';
import { RepositorySettingsBody, repositorySettingsSchema, requestedVisibility, settingsFromBody } from '../repos/repository-settings-input';
import { repositoryClassicScopes, repositoryOf, repositoryPermission, repositoryResource } from '../repos/repository-resource';
import { UniqueViolation } from '../store/errors';
import type { RepositoryRecord } from '../store/repositories';

const API = '/api/v3';

interface CreateRepositoryBody extends RepositorySettingsBody {
  name: string;
  description?: string | null;
  auto_init?: boolean;
}

const createBodySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 100 },
    description: { anyOf: [{ type: 'string', maxLength: 1024 }, { type: 'null' }] },
    ...repositorySettingsSchema,
    auto_init: { type: 'boolean' },
  },
} as const;

const ADMINISTRATION_WRITE = { group: 'repository', name: 'administration', level: 'write' } as const;

/** Creating a repository with a fine-grained token needs access to all of the owner's repositories. */
function assertCanCreate(principal: Principal, isPrivate: boolean): void {
  requireClassicScope(principal, isPrivate ? ['repo'] : ['repo', 'public_repo']);
  const t = principal.token;
  if (t?.kind === 'fine_grained' && t.repositorySelection !== 'all') {
    throw forbidden("Resource not accessible by personal access token: creating repositories needs repository_selection 'all'");
  }
}

async function createRepository(
  ctx: ProviderContext,
  request: FastifyRequest<{ Body: CreateRepositoryBody }>,
  reply: FastifyReply,
  owner: AccountOwner,
): Promise<RepositoryJson> {
  const principal = principalOf(request);
  const body = request.body;
  const nameProblem = validateRepositoryName(body.name);
  if (nameProblem) throw invalidField('name', nameProblem.replace(/^repository name /, ''));
  const visibility = requestedVisibility(body, owner.type) ?? 'public';
  const isPrivate = visibility !== 'public';
  assertCanCreate(principal, isPrivate);
  let repo: RepositoryRecord;
  try {
    repo = await ctx.store.repositories.create({
      ownerType: owner.type,
      ownerId: owner.id,
      name: body.name,
      description: body.description ?? null,
      private: isPrivate,
      settings: { ...settingsFromBody(body), internal: visibility === 'internal' },
      createdBy: principal.user.id,
      createdAt: ctx.clock.now(),
    });
  } catch (err) {
    if (err instanceof UniqueViolation) throw validationFailed([{ resource: 'Repository', field: 'name', code: 'already_exists', message: 'name already exists on this account' }]);
    throw err;
  }
  try {
    const gitDir = await createBareRepository(repositoriesRoot(ctx), owner.login, repo.name);
    if (body.auto_init) {
      await writeReadmeCommit(ctx, gitDir, repo, principal.user);
      repo = (await ctx.store.repositories.byId(repo.id)) ?? repo;
    }
  } catch (err) {
    if (body.auto_init) await deleteBareRepository(repositoriesRoot(ctx), owner.login, repo.name).catch(() => undefined);
    await ctx.store.repositories.delete(repo.id);
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') {
      throw validationFailed([{ resource: 'Repository', field: 'name', code: 'already_exists', message: 'name already exists on this account' }]);
    }
    throw err;
  }
  await recordAudit(ctx, {
    action: ORG_AUDIT_ACTIONS.repoCreate,
    actor: principal.user,
    ...(owner.type === 'Organization' ? { org: owner.org } : {}),
    tokenId: principal.token?.id,
    ip: request.ip,
    data: { repo: `${owner.login}/${repo.name}`, visibility },
  });
  reply.code(201).header('Location', `${apiBase(ctx)}/repos/${owner.login}/${repo.name}`);
  return repositoryJson(ctx, repo, owner, 'admin');
}

export function registerRepositoryRoutes(app: FastifyInstance, ctx: ProviderContext): void {
  app.post<{ Body: CreateRepositoryBody }>(
    `${API}/user/repos`,
    {
      config: { auth: { classicScopes: ['repo', 'public_repo'], permission: ADMINISTRATION_WRITE, resource: selfResource } },
      schema: { body: createBodySchema },
    },
    async (request, reply) => {
      const { user } = principalOf(request);
      return createRepository(ctx, request, reply, { type: 'User', id: user.id, login: user.login, user });
    },
  );

  app.post<{ Params: { org: string }; Body: CreateRepositoryBody }>(
    `${API}/orgs/:org/repos`,
    {
      config: {
        auth: { classicScopes: ['repo', 'public_repo'], permission: ADMINISTRATION_WRITE, accountToken: true, resource: organizationResolver('member') },
      },
      schema: { body: createBodySchema },
    },
    async (request, reply) => {
      const { org } = organizationOf(request);
      return createRepository(ctx, request, reply, { type: 'Organization', id: org.id, login: org.login, org });
    },
  );

  app.get<{ Params: { owner: string; repo: string } }>(
    `${API}/repos/:owner/:repo`,
    {
      config: {
        auth: {
          anonymous: true,
          // Tessera: admin:token (token management) may read a private repository's metadata, to
          // make tokens for it.
          classicScopes: (_r, res) => (res?.isPublic ? [] : ['repo', 'admin:token']),
          permission: repositoryPermission('metadata', 'read'),
          accountToken: true,
          resource: repositoryResource,
        },
      },
    },
    async (request) => {
      const rec = repositoryOf(request);
      // GitHub answers anonymous callers without a permissions object.
      return repositoryJson(ctx, rec.repository, rec.owner, request.principal ? rec.access : undefined);
    },
  );

  app.patch<{ Params: { owner: string; repo: string }; Body: RepositorySettingsBody & { description?: string | null } }>(
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
            ...repositorySettingsSchema,
          },
        },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const rec = repositoryOf(request);
      const visibility = requestedVisibility(request.body, rec.owner.type);
      const isPrivate = visibility === undefined ? undefined : visibility !== 'public';
      // Making a public repository private (or back) needs the full `repo` scope.
      if (isPrivate !== undefined && isPrivate !== rec.repository.private) requireClassicScope(principal, ['repo']);
      const updated = await ctx.store.repositories.update(rec.repository.id, {
        description: request.body.description,
        private: isPrivate,
        settings: { ...settingsFromBody(request.body), ...(visibility !== undefined ? { internal: visibility === 'internal' } : {}) },
        updatedAt: ctx.clock.now(),
      });
      if (!updated) throw notFound(); // deleted meanwhile
      const org = rec.owner.type === 'Organization' ? { org: rec.owner.org } : {};
      await recordAudit(ctx, {
        action: isPrivate !== undefined && isPrivate !== rec.repository.private ? ORG_AUDIT_ACTIONS.repoAccess : ORG_AUDIT_ACTIONS.repoUpdate,
        actor: principal.user,
        ...org,
        tokenId: principal.token?.id,
        ip: request.ip,
        data: { repo: rec.fullName, fields: Object.keys(request.body), visibility: updated.settings.internal ? 'internal' : updated.private ? 'private' : 'public' },
      });
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
      const principal = principalOf(request);
      const rec = repositoryOf(request);
      // The bare repository is moved aside first and removed only once the record is gone: a
      // failure at either step leaves both as they were (nothing lost, the name not blocked).
      const trashed = await trashBareRepository(repositoriesRoot(ctx), rec.owner.login, rec.repository.name);
      try {
        await ctx.store.repositories.delete(rec.repository.id);
      } catch (err) {
        await trashed?.restore().catch((restoreErr: Error) => {
          ctx.log('error', `DELETE ${rec.fullName}: the record could not be deleted, nor the bare repository put back (${restoreErr.message})`);
        });
        throw err;
      }
      await trashed?.purge().catch((err: Error) => ctx.log('warn', `DELETE ${rec.fullName}: the trashed bare repository stays under .trash (${err.message})`));
      await recordAudit(ctx, {
        action: ORG_AUDIT_ACTIONS.repoDestroy,
        actor: principal.user,
        ...(rec.owner.type === 'Organization' ? { org: rec.owner.org } : {}),
        tokenId: principal.token?.id,
        ip: request.ip,
        data: { repo: rec.fullName },
      });
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

  app.get<{ Params: { owner: string; repo: string; branch: string } }>(
    `${API}/repos/:owner/:repo/branches/:branch`,
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
      schema: { params: { type: 'object', properties: { branch: { type: 'string', minLength: 1, maxLength: 255 } } } },
    },
    async (request) => {
      const rec = repositoryOf(request);
      const gitDir = repositoryPath(repositoriesRoot(ctx), rec.owner.login, rec.repository.name);
      const branch = (await listBranches(gitDir)).find((b) => b.name === request.params.branch);
      if (!branch) throw notFound('Branch not found');
      return branchJson(`${apiBase(ctx)}/repos/${rec.fullName}`, `${ctx.origin}/${rec.fullName}`, branch, await readCommit(gitDir, branch.sha));
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
      config: {
        auth: {
          anonymous: true,
          classicScopes: [],
          permission: { group: 'repository', name: 'metadata', level: 'read' },
          accountToken: true,
          resource: organizationResolver(null),
        },
      },
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
      return sendRepositoryPage(ctx, request, reply, items, ssoSkipped);
    },
  );
}
