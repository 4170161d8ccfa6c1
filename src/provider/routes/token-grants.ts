// Tokens granted access to an org, GitHub's endpoints and shapes (org owners): GET/POST
// /orgs/{org}/personal-access-tokens, POST .../{pat_id} (action: revoke), GET
// .../{pat_id}/repositories. Revoking returns the token's resource owner to its user.
import type { FastifyInstance } from 'fastify';
import { MAX_REVIEW_REASON } from '../../shared/api-types';
import { grantFilter, GrantListQuery, grantListQuerySchema } from '../approvals/grant-filters';
import { grantedToken, grantsJson, grantsPage, revokeGrant, revokeGrants } from '../approvals/grant-service';
import { tokenRepositoriesJson } from '../approvals/token-repositories-json';
import { callerOf } from '../authz/caller';
import type { ProviderContext } from '../context';
import { ID_SCHEMA, idParam } from '../http/params';
import { pageOf, pagedQuerySchema, setLinkHeader } from '../http/pagination';
import { organizationOf } from '../orgs/org-resource';
import { ownerRequirements } from '../approvals/owner-requirements';

const BASE = '/api/v3/orgs/:org/personal-access-tokens';
const { READ, WRITE } = ownerRequirements('organization_personal_access_tokens');

export function registerTokenGrantRoutes(app: FastifyInstance, ctx: ProviderContext): void {
  app.get<{ Params: { org: string }; Querystring: GrantListQuery }>(
    BASE,
    { config: { auth: READ }, schema: { querystring: grantListQuerySchema } },
    async (request, reply) => {
      const { org } = organizationOf(request);
      const page = pageOf(request.query);
      const { rows, total } = await grantsPage(ctx, grantFilter(request.query), org, page);
      setLinkHeader(request, reply, page, total, ctx.origin);
      return grantsJson(ctx, org, rows);
    },
  );

  app.post<{ Params: { org: string }; Body: { action: 'revoke'; pat_ids: number[]; reason?: string } }>(
    BASE,
    {
      config: { auth: WRITE },
      schema: {
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['action', 'pat_ids'],
          properties: {
            action: { type: 'string', enum: ['revoke'] },
            pat_ids: { type: 'array', minItems: 1, maxItems: 100, items: ID_SCHEMA },
            reason: { type: 'string', maxLength: MAX_REVIEW_REASON },
          },
        },
      },
    },
    async (request, reply) => {
      await revokeGrants(ctx, callerOf(request), organizationOf(request).org, request.body.pat_ids, request.body.reason);
      reply.code(202);
      return {};
    },
  );

  app.post<{ Params: { org: string; pat_id: string }; Body: { action: 'revoke'; reason?: string } }>(
    `${BASE}/:pat_id`,
    {
      config: { auth: WRITE },
      schema: {
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['action'],
          properties: { action: { type: 'string', enum: ['revoke'] }, reason: { type: 'string', maxLength: MAX_REVIEW_REASON } },
        },
      },
    },
    async (request, reply) => {
      await revokeGrant(ctx, callerOf(request), organizationOf(request).org, idParam(request.params.pat_id), request.body.reason);
      reply.code(204);
    },
  );

  app.get<{ Params: { org: string; pat_id: string }; Querystring: { per_page?: string; page?: string } }>(
    `${BASE}/:pat_id/repositories`,
    { config: { auth: READ }, schema: { querystring: pagedQuerySchema() } },
    async (request, reply) => {
      const { org } = organizationOf(request);
      const token = await grantedToken(ctx, org, idParam(request.params.pat_id));
      const page = pageOf(request.query);
      const { repositories, total } = await tokenRepositoriesJson(ctx, org, token, page);
      setLinkHeader(request, reply, page, total, ctx.origin);
      return repositories;
    },
  );
}
