// GET /orgs/{org}/audit-log — the org's events (approval queue, memberships, repositories,
// policy, SSO, account tokens...), newest first, for its owners. `phrase`, `order`, `after`, `before`.
import type { FastifyInstance } from 'fastify';
import { auditEntriesFor } from '../audit/audit-entries';
import { AuditListQuery, auditListQuery, auditQueryFilters, listAuditPage, setAuditLinkHeader } from '../audit/audit-query';
import { pagedQuerySchema } from '../http/pagination';
import { principalOf } from '../authz/authorize';
import type { ProviderContext } from '../context';
import { organizationOf, organizationResolver } from '../orgs/org-resource';

export function registerOrgAuditLogRoutes(app: FastifyInstance, ctx: ProviderContext): void {
  app.get<{ Params: { org: string }; Querystring: AuditListQuery & { include?: 'web' | 'git' | 'all' } }>(
    '/api/v3/orgs/:org/audit-log',
    {
      config: {
        auth: {
          classicScopes: ['admin:org'],
          permission: { group: 'organization', name: 'organization_administration', level: 'read' },
          resource: organizationResolver('owner', { administration: true }),
        },
      },
      schema: {
        querystring: pagedQuerySchema({ ...auditQueryFilters, include: { type: 'string', enum: ['web', 'git', 'all'] } }),
      },
    },
    async (request, reply) => {
      const { org } = organizationOf(request);
      const { page, ...pageQuery } = auditListQuery(request.query);
      const events = await listAuditPage(ctx.store.audit, pageQuery, { orgId: org.id });
      await setAuditLinkHeader(request, reply, page, events, () => ctx.store.audit.count({ ...pageQuery.query, orgId: org.id }), ctx.origin);
      return auditEntriesFor(ctx, events, { userId: principalOf(request).user.id, ownerOfOrgId: org.id });
    },
  );
}
