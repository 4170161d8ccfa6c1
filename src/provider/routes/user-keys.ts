// GET /user/keys — the user's public SSH keys. Git reaches Tessera over HTTPS only, so a user has
// no SSH keys (repositories have deploy keys, /repos/{owner}/{repo}/keys): the list is empty.
import type { FastifyInstance } from 'fastify';
import type { ProviderContext } from '../context';
import { pageOf, pagedQuerySchema, setLinkHeader } from '../http/pagination';

export function registerUserKeyRoutes(app: FastifyInstance, ctx: ProviderContext): void {
  app.get<{ Querystring: { per_page?: string; page?: string } }>(
    '/api/v3/user/keys',
    {
      config: { auth: { classicScopes: ['read:public_key'], permission: { group: 'account', name: 'git_ssh_keys', level: 'read' } } },
      schema: { querystring: pagedQuerySchema() },
    },
    async (request, reply) => {
      setLinkHeader(request, reply, pageOf(request.query), 0, ctx.origin);
      return [];
    },
  );
}
