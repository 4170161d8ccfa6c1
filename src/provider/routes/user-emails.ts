// GET /user/emails — the user's email addresses (GitHub's shape; Tessera keeps one, primary).
// Fine-grained: account permission `email_addresses: read`; classic: `user` or `user:email`.
import type { FastifyInstance } from 'fastify';
import { principalOf } from '../authz/authorize';
import type { ProviderContext } from '../context';
import { paginationQuerySchema } from '../http/pagination';

export function registerUserEmailRoutes(app: FastifyInstance, _ctx: ProviderContext): void {
  app.get(
    '/api/v3/user/emails',
    {
      config: { auth: { classicScopes: ['user:email'], permission: { group: 'account', name: 'email_addresses', level: 'read' } } },
      schema: { querystring: { type: 'object', additionalProperties: false, properties: { ...paginationQuerySchema } } },
    },
    async (request) => {
      const { user } = principalOf(request);
      return [{ email: user.email, primary: true, verified: true, visibility: 'private' }];
    },
  );
}
