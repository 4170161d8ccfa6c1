// GET /orgs/{org}/audit-log — the org's events (approval queue, memberships, repositories,
// policy, SSO, account tokens...), newest first, for its owners. `phrase=action:NAME` filters.
import type { FastifyInstance } from 'fastify';
import { actionFromPhrase, auditEventJson } from '../audit/audit-log';
import type { ProviderContext } from '../context';
import { pageOf, paginationQuerySchema, setLinkHeader } from '../http/pagination';
import { organizationOf, organizationResolver } from '../orgs/org-resource';

export function registerOrgAuditLogRoutes(app: FastifyInstance, ctx: ProviderContext): void {
  app.get<{ Params: { org: string }; Querystring: { phrase?: string; per_page?: string; page?: string } }>(
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
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { phrase: { type: 'string', maxLength: 200 }, include: { type: 'string', enum: ['web', 'git', 'all'] }, order: { type: 'string', enum: ['desc'] }, ...paginationQuerySchema },
        },
      },
    },
    async (request, reply) => {
      const { org } = organizationOf(request);
      const action = actionFromPhrase(request.query.phrase);
      const page = pageOf(request.query);
      const events = await ctx.store.audit.list({ orgId: org.id, action, limit: page.limit, offset: page.offset });
      setLinkHeader(request, reply, page, events.length, ctx.origin);
      return events.map(auditEventJson);
    },
  );
}
