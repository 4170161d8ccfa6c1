// Accounts by login: GET /users/{username} (a user's or an organization's public profile) and
// GET /users/{username}/repos (the account's repositories the caller may see: the public ones, and
// private ones the caller's credentials reach).
import type { FastifyInstance } from 'fastify';
import type { ProviderContext } from '../context';
import { notFound } from '../http/errors';
import { ownerByLogin } from '../repos/account-owner';
import { ListQuery, sendRepositoryPage } from '../repos/repository-list-page';
import { listableRepositories } from '../repos/repository-listing';
import { publicAccountJson } from '../users/public-account-json';
import { paginationQuerySchema } from '../http/pagination';

const API = '/api/v3';

const usernameParams = { type: 'object', properties: { username: { type: 'string', minLength: 1, maxLength: 39 } } } as const;

export function registerUserProfileRoutes(app: FastifyInstance, ctx: ProviderContext): void {
  app.get<{ Params: { username: string } }>(
    `${API}/users/:username`,
    { config: { auth: { anonymous: true, classicScopes: [], permission: 'none', accountToken: true } }, schema: { params: usernameParams } },
    async (request) => {
      const account = await ownerByLogin(ctx, request.params.username);
      if (!account) throw notFound();
      const publicRepos = (await ctx.store.repositories.list({ ownerType: account.type, ownerId: account.id, private: false })).length;
      return publicAccountJson(ctx, account, { publicRepos });
    },
  );

  app.get<{ Params: { username: string }; Querystring: Pick<ListQuery, 'sort' | 'direction' | 'per_page' | 'page'> & { type?: 'all' | 'owner' | 'member' } }>(
    `${API}/users/:username/repos`,
    {
      config: {
        auth: { anonymous: true, classicScopes: [], permission: { group: 'repository', name: 'metadata', level: 'read' }, accountToken: true },
      },
      schema: {
        params: usernameParams,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            type: { type: 'string', enum: ['all', 'owner', 'member'] },
            sort: { type: 'string', enum: ['created', 'updated', 'pushed', 'full_name'] },
            direction: { type: 'string', enum: ['asc', 'desc'] },
            ...paginationQuerySchema,
          },
        },
      },
    },
    async (request, reply) => {
      const account = await ownerByLogin(ctx, request.params.username);
      if (!account) throw notFound();
      // Organization membership is not public on Tessera: `member` lists nothing, `all` the owned ones.
      const owned = request.query.type === 'member' ? [] : await ctx.store.repositories.list({ ownerType: account.type, ownerId: account.id });
      const { items, ssoSkipped } = await listableRepositories(ctx, request.principal, owned, { publicForEveryone: true });
      return sendRepositoryPage(ctx, request, reply, items, ssoSkipped);
    },
  );
}
