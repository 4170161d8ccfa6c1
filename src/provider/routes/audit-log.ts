// GET /user/audit-log — the events the user did or that concern them, newest first, in GitHub's
// audit-log entry shape. `phrase`, `order`, `after` and `before` as on GitHub (audit/audit-query.ts).
import type { FastifyInstance } from 'fastify';
import { auditEntriesFor } from '../audit/audit-entries';
import { AuditListQuery, auditListQuery, auditQueryFilters, listAuditPage, setAuditLinkHeader } from '../audit/audit-query';
import { pagedQuerySchema } from '../http/pagination';
import { principalOf } from '../authz/authorize';
import type { ProviderContext } from '../context';

export function registerAuditLogRoutes(app: FastifyInstance, ctx: ProviderContext): void {
  app.get<{ Querystring: AuditListQuery }>(
    '/api/v3/user/audit-log',
    {
      config: { auth: { classicScopes: ['admin:token', 'read:user'] } },
      schema: {
        querystring: pagedQuerySchema(auditQueryFilters),
      },
    },
    async (request, reply) => {
      const { user } = principalOf(request);
      const { page, ...pageQuery } = auditListQuery(request.query);
      const events = await listAuditPage(ctx.store.audit, pageQuery, { involvingUserId: user.id });
      await setAuditLinkHeader(request, reply, page, events, () => ctx.store.audit.count({ ...pageQuery.query, involvingUserId: user.id }), ctx.origin);
      return auditEntriesFor(ctx, events, { userId: user.id });
    },
  );
}
