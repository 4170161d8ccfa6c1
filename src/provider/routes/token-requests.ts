// The approval queue, GitHub's endpoints and shapes (org owners): GET/POST
// /orgs/{org}/personal-access-token-requests, POST .../{pat_request_id} (approve | deny, reason
// ≤ 1024 characters, which the requester reads on their token as status_reason), GET
// .../{pat_request_id}/repositories.
import type { FastifyInstance } from 'fastify';
import type { ReviewTokenRequest, ReviewTokenRequests } from '../../shared/api-types';
import { grantFilter, GrantListQuery, grantListQuerySchema } from '../approvals/grant-filters';
import { reviewRequests } from '../approvals/approval-service';
import { MAX_REVIEW_REASON } from '../../shared/api-types';
import { pendingRequestsPage, requestsJson } from '../approvals/request-list';
import { tokenRepositoriesJson } from '../approvals/token-repositories-json';
import { principalOf } from '../authz/authorize';
import type { ProviderContext } from '../context';
import { notFound } from '../http/errors';
import { ID_SCHEMA, idParam } from '../http/params';
import { pageOf, pagedQuerySchema, setLinkHeader } from '../http/pagination';
import { organizationOf } from '../orgs/org-resource';
import { ownerRequirements } from '../approvals/owner-requirements';

const BASE = '/api/v3/orgs/:org/personal-access-token-requests';
const { READ, WRITE } = ownerRequirements('organization_personal_access_token_requests');

const reviewProperties = {
  action: { type: 'string', enum: ['approve', 'deny'] },
  reason: { anyOf: [{ type: 'string', maxLength: MAX_REVIEW_REASON }, { type: 'null' }] },
} as const;

export function registerTokenRequestRoutes(app: FastifyInstance, ctx: ProviderContext): void {
  app.get<{ Params: { org: string }; Querystring: GrantListQuery }>(
    BASE,
    { config: { auth: READ }, schema: { querystring: grantListQuerySchema } },
    async (request, reply) => {
      const { org } = organizationOf(request);
      const page = pageOf(request.query);
      const { rows, total } = await pendingRequestsPage(ctx, grantFilter(request.query), org, page);
      setLinkHeader(request, reply, page, total, ctx.origin);
      return requestsJson(ctx, org, rows);
    },
  );

  app.post<{ Params: { org: string }; Body: ReviewTokenRequests }>(
    BASE,
    {
      config: { auth: WRITE },
      schema: {
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['pat_request_ids', 'action'],
          properties: {
            pat_request_ids: { type: 'array', minItems: 1, maxItems: 100, items: ID_SCHEMA },
            ...reviewProperties,
          },
        },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const { org } = organizationOf(request);
      const { pat_request_ids: ids, action, reason } = request.body;
      await reviewRequests(ctx, org, ids, action, reason ?? null, principal.user, 'pat_request_ids', request.ip);
      reply.code(202);
      return {};
    },
  );

  app.post<{ Params: { org: string; pat_request_id: string }; Body: ReviewTokenRequest }>(
    `${BASE}/:pat_request_id`,
    {
      config: { auth: WRITE },
      schema: { body: { type: 'object', additionalProperties: false, required: ['action'], properties: reviewProperties } },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const { org } = organizationOf(request);
      const id = idParam(request.params.pat_request_id);
      const r = await ctx.store.tokenRequests.byId(org.id, id);
      if (!r) throw notFound();
      await reviewRequests(ctx, org, [id], request.body.action, request.body.reason ?? null, principal.user, 'pat_request_id', request.ip);
      reply.code(204);
    },
  );

  app.get<{ Params: { org: string; pat_request_id: string }; Querystring: { per_page?: string; page?: string } }>(
    `${BASE}/:pat_request_id/repositories`,
    { config: { auth: READ }, schema: { querystring: pagedQuerySchema() } },
    async (request, reply) => {
      const { org } = organizationOf(request);
      const r = await ctx.store.tokenRequests.byId(org.id, idParam(request.params.pat_request_id));
      const token = r ? await ctx.store.tokens.byId(r.tokenId) : undefined;
      if (!r || !token) throw notFound();
      const page = pageOf(request.query);
      const { repositories, total } = await tokenRepositoriesJson(ctx, org, token, page);
      setLinkHeader(request, reply, page, total, ctx.origin);
      return repositories;
    },
  );
}
