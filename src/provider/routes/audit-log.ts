// GET /user/audit-log — the events the user did or that concern them, newest first, in GitHub's
// audit-log entry shape. `phrase=action:NAME` filters by event name.
import type { FastifyInstance } from 'fastify';
import { actionFromPhrase, auditEventJson } from '../audit/audit-log';
import { principalOf } from '../authz/authorize';
import type { ProviderContext } from '../context';
import { pageOf, paginationQuerySchema, setLinkHeader } from '../http/pagination';

export function registerAuditLogRoutes(app: FastifyInstance, ctx: ProviderContext): void {
  app.get<{ Querystring: { phrase?: string; per_page?: string; page?: string } }>(
    '/api/v3/user/audit-log',
    {
      config: { auth: { classicScopes: ['admin:token', 'read:user'] } },
      schema: {
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { phrase: { type: 'string', maxLength: 200 }, ...paginationQuerySchema },
        },
      },
    },
    async (request, reply) => {
      const { user } = principalOf(request);
      const action = actionFromPhrase(request.query.phrase);
      const page = pageOf(request.query);
      const events = await ctx.store.audit.list({ involvingUserId: user.id, action, limit: page.limit, offset: page.offset });
      setLinkHeader(request, reply, page, events.length, ctx.origin);
      return events.map(auditEventJson);
    },
  );
}
