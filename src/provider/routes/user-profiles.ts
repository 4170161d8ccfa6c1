// Accounts by login: GET /users/{username} (a user's or an organization's public profile) and
// GET /users/{username}/repos (the account's repositories the caller may see), for anyone.
import type { FastifyInstance } from 'fastify';
import type { ProviderContext } from '../context';
import { ListQuery, sendRepositoryPage, userListQuerySchema } from '../repos/repository-list-page';
import { publicAccountJson } from '../users/public-account-json';
import { accountRepositories, publicAccount } from '../users/user-service';

const API = '/api/v3';

const usernameParams = { type: 'object', properties: { username: { type: 'string', minLength: 1, maxLength: 39 } } } as const;

type UserListQuery = Pick<ListQuery, 'sort' | 'direction' | 'per_page' | 'page'> & { type?: 'all' | 'owner' | 'member' };

export function registerUserProfileRoutes(app: FastifyInstance, ctx: ProviderContext): void {
  app.get<{ Params: { username: string } }>(
    `${API}/users/:username`,
    { config: { auth: { anonymous: true, classicScopes: [], permission: 'none', accountToken: true } }, schema: { params: usernameParams } },
    async (request) => {
      const { account, publicRepos } = await publicAccount(ctx, request.params.username);
      return publicAccountJson(ctx, account, { publicRepos });
    },
  );

  app.get<{ Params: { username: string }; Querystring: UserListQuery }>(
    `${API}/users/:username/repos`,
    {
      config: { auth: { anonymous: true, classicScopes: [], permission: { group: 'repository', name: 'metadata', level: 'read' }, accountToken: true } },
      schema: { params: usernameParams, querystring: userListQuerySchema },
    },
    async (request, reply) => {
      const { items, ssoSkipped } = await accountRepositories(ctx, request.principal, request.params.username, request.query.type);
      return sendRepositoryPage(ctx, request, reply, items, ssoSkipped);
    },
  );
}
