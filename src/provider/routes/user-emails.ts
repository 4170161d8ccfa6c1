// GET /user/emails — the user's email addresses (GitHub's shape; Tessera keeps one, primary).
// Fine-grained: account permission `email_addresses: read`; classic: `user` or `user:email`.
import type { FastifyInstance } from 'fastify';
import { principalOf } from '../authz/authorize';
import type { ProviderContext } from '../context';
import { pageOf, pagedQuerySchema, setLinkHeader } from '../http/pagination';

export function registerUserEmailRoutes(app: FastifyInstance, ctx: ProviderContext): void {
  app.get<{ Querystring: { per_page?: string; page?: string } }>(
    '/api/v3/user/emails',
    {
      config: { auth: { classicScopes: ['user:email'], permission: { group: 'account', name: 'email_addresses', level: 'read' } } },
      schema: { querystring: pagedQuerySchema() },
    },
    async (request, reply) => {
      const { user } = principalOf(request);
      const page = pageOf(request.query);
      const all = [{ email: user.email, primary: true, verified: true, visibility: 'private' }];
      setLinkHeader(request, reply, page, all.length, ctx.origin);
      return all.slice(page.offset, page.offset + page.limit);
    },
  );
}
