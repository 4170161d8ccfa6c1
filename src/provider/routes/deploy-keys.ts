// Deploy keys (GitHub's /repos/{owner}/{repo}/keys): repository administrators list, add and
// remove them; each records the token it was added with, and deleting that token deletes it.
import type { FastifyInstance } from 'fastify';
import { callerOf } from '../authz/caller';
import type { ProviderContext } from '../context';
import { idParam } from '../http/params';
import { pageOf, pagedQuerySchema, setLinkHeader } from '../http/pagination';
import { deployKeyJson, deployKeyUrl } from '../repos/deploy-key-json';
import { addDeployKey, listDeployKeys, NewDeployKey, readDeployKey, removeDeployKey } from '../repos/deploy-key-service';
import { repositoryClassicScopes, repositoryOf, repositoryPermission, repositoryResource } from '../repos/repository-resource';

const KEYS = '/api/v3/repos/:owner/:repo/keys';

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
    { config: { auth: readAuth }, schema: { querystring: pagedQuerySchema() } },
    async (request, reply) => {
      const rec = repositoryOf(request);
      const page = pageOf(request.query);
      const { keys, total } = await listDeployKeys(ctx, rec, page);
      setLinkHeader(request, reply, page, total, ctx.origin);
      return Promise.all(keys.map((k) => deployKeyJson(ctx, rec, k)));
    },
  );

  app.get<{ Params: { owner: string; repo: string; key_id: string } }>(`${KEYS}/:key_id`, { config: { auth: readAuth } }, async (request) => {
    const rec = repositoryOf(request);
    return deployKeyJson(ctx, rec, await readDeployKey(ctx, rec, idParam(request.params.key_id)));
  });

  app.post<{ Params: { owner: string; repo: string }; Body: NewDeployKey }>(
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
      const rec = repositoryOf(request);
      const key = await addDeployKey(ctx, callerOf(request), rec, request.body);
      reply.code(201).header('Location', deployKeyUrl(ctx, rec, key.id));
      return deployKeyJson(ctx, rec, key);
    },
  );

  app.delete<{ Params: { owner: string; repo: string; key_id: string } }>(`${KEYS}/:key_id`, { config: { auth: writeAuth } }, async (request, reply) => {
    await removeDeployKey(ctx, callerOf(request), repositoryOf(request), idParam(request.params.key_id));
    reply.code(204);
  });
}
