// Deploy keys (GitHub's /repos/{owner}/{repo}/keys): repository administrators list, add and
// remove them; each records the token it was added with, and deleting that token deletes it.
import type { FastifyInstance } from 'fastify';
import { audit, requestSource } from '../audit/audit';
import { principalOf } from '../authz/authorize';
import { apiBase, ProviderContext } from '../context';
import { invalidField, notFound, validationFailed } from '../http/errors';
import { idParam } from '../http/params';
import { pageOf, paginationQuerySchema, setLinkHeader } from '../http/pagination';
import { ORG_AUDIT_ACTIONS } from '../orgs/org-audit';
import { parseDeployKey } from '../repos/deploy-key-format';
import { repositoryClassicScopes, repositoryOf, repositoryPermission, repositoryResource, RepositoryResourceRecord } from '../repos/repository-resource';
import type { DeployKeyRecord } from '../store/deploy-keys';
import { UniqueViolation } from '../store/errors';

const KEYS = '/api/v3/repos/:owner/:repo/keys';

async function deployKeyJson(ctx: ProviderContext, rec: RepositoryResourceRecord, k: DeployKeyRecord): Promise<Record<string, unknown>> {
  const addedBy = k.addedBy !== null ? ((await ctx.store.users.byId(k.addedBy))?.login ?? null) : null;
  return {
    id: k.id,
    key: k.key,
    url: `${apiBase(ctx)}/repos/${rec.fullName}/keys/${k.id}`,
    title: k.title,
    verified: true,
    created_at: k.createdAt.toISOString(),
    read_only: k.readOnly,
    added_by: addedBy,
    last_used: k.lastUsedAt?.toISOString() ?? null,
    enabled: true,
    token_id: k.tokenId,
  };
}

const readAuth = {
  classicScopes: repositoryClassicScopes('admin'),
  permission: repositoryPermission('administration', 'read'),
  accountToken: true,
  resource: repositoryResource,
};
const writeAuth = { ...readAuth, permission: repositoryPermission('administration', 'write') };

export function registerDeployKeyRoutes(app: FastifyInstance, ctx: ProviderContext): void {
  app.get<{ Params: { owner: string; repo: string }; Querystring: { per_page?: string; page?: string } }>(
    KEYS,
    { config: { auth: readAuth }, schema: { querystring: { type: 'object', additionalProperties: false, properties: { ...paginationQuerySchema } } } },
    async (request, reply) => {
      const rec = repositoryOf(request);
      const page = pageOf(request.query);
      const keys = await ctx.store.deployKeys.list(rec.repository.id, page);
      setLinkHeader(request, reply, page, await ctx.store.deployKeys.count(rec.repository.id), ctx.origin);
      return Promise.all(keys.map((k) => deployKeyJson(ctx, rec, k)));
    },
  );

  app.get<{ Params: { owner: string; repo: string; key_id: string } }>(`${KEYS}/:key_id`, { config: { auth: readAuth } }, async (request) => {
    const rec = repositoryOf(request);
    const key = await ctx.store.deployKeys.byId(rec.repository.id, idParam(request.params.key_id));
    if (!key) throw notFound();
    return deployKeyJson(ctx, rec, key);
  });

  app.post<{ Params: { owner: string; repo: string }; Body: { title?: string; key: string; read_only?: boolean } }>(
    KEYS,
    {
      config: { auth: writeAuth },
      schema: {
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['key'],
          properties: { title: { type: 'string', maxLength: 255 }, key: { type: 'string', minLength: 1, maxLength: 16384 }, read_only: { type: 'boolean' } },
        },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const rec = repositoryOf(request);
      const parsed = parseDeployKey(request.body.key);
      if ('error' in parsed) throw invalidField('key', parsed.error);
      const comment = request.body.key.trim().split(/\s+/).slice(2).join(' ');
      let key: DeployKeyRecord;
      try {
        key = await ctx.store.deployKeys.create({
          repositoryId: rec.repository.id,
          // The key's comment stands in for a missing title, cut to the title's own limit.
          title: (request.body.title ?? comment.slice(0, 255)).trim() || 'deploy key',
          key: parsed.key,
          readOnly: request.body.read_only ?? true,
          addedBy: principal.user.id,
          tokenId: principal.token?.id ?? null,
          createdAt: ctx.clock.now(),
        });
      } catch (err) {
        if (err instanceof UniqueViolation) throw validationFailed([{ resource: 'PublicKey', field: 'key', code: 'custom', message: 'key is already in use' }]);
        throw err;
      }
      await audit(ctx, requestSource(request), ORG_AUDIT_ACTIONS.deployKeyCreate, {
        ...(rec.owner.type === 'Organization' ? { org: rec.owner.org } : {}),
        tokenId: principal.token?.id,
        data: { repo: rec.fullName, deploy_key_id: key.id, title: key.title, read_only: key.readOnly },
      });
      reply.code(201).header('Location', `${apiBase(ctx)}/repos/${rec.fullName}/keys/${key.id}`);
      return deployKeyJson(ctx, rec, key);
    },
  );

  app.delete<{ Params: { owner: string; repo: string; key_id: string } }>(`${KEYS}/:key_id`, { config: { auth: writeAuth } }, async (request, reply) => {
    const principal = principalOf(request);
    const rec = repositoryOf(request);
    const id = idParam(request.params.key_id);
    const key = await ctx.store.deployKeys.byId(rec.repository.id, id);
    if (!key || !(await ctx.store.deployKeys.delete(rec.repository.id, id))) throw notFound();
    await audit(ctx, requestSource(request), ORG_AUDIT_ACTIONS.deployKeyDelete, {
      ...(rec.owner.type === 'Organization' ? { org: rec.owner.org } : {}),
      tokenId: principal.token?.id,
      data: { repo: rec.fullName, deploy_key_id: key.id, title: key.title },
    });
    reply.code(204);
  });
}
