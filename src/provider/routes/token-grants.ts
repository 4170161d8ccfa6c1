// Tokens granted access to an org, GitHub's endpoints and shapes (org owners): GET/POST
// /orgs/{org}/personal-access-tokens, POST .../{pat_id} (action: revoke), GET
// .../{pat_id}/repositories. Revoking returns the token's resource owner to its user.
import type { FastifyInstance } from 'fastify';
import type { TokenGrantJson } from '../../shared/api-types';
import { grantFilter, GrantListQuery, grantListQuerySchema, matchesGrantFilter } from '../approvals/grant-filters';
import { tokenGrantJson } from '../approvals/grant-json';
import { MAX_REVIEW_REASON, revokeAccess } from '../approvals/approval-service';
import { tokenRepositoriesJson } from '../approvals/token-repositories-json';
import { principalOf } from '../authz/authorize';
import type { AuthRequirement } from '../authz/requirement';
import type { ProviderContext } from '../context';
import { invalidField, notFound } from '../http/errors';
import { idParam } from '../http/params';
import { pageOf, paginationQuerySchema, setLinkHeader } from '../http/pagination';
import { organizationOf, organizationResolver } from '../orgs/org-resource';
import type { OrganizationRecord } from '../store/organizations';
import type { TokenRecord } from '../store/tokens';

const BASE = '/api/v3/orgs/:org/personal-access-tokens';
const PERMISSION = 'organization_personal_access_tokens';

const READ: AuthRequirement = {
  classicScopes: ['admin:org', 'admin:token'],
  permission: { group: 'organization', name: PERMISSION, level: 'read' },
  resource: organizationResolver('owner', { administration: true }),
};
const WRITE: AuthRequirement = { ...READ, permission: { group: 'organization', name: PERMISSION, level: 'write' } };

/** The org's granted token with this id (an active fine-grained token holding a grant). */
async function grantedToken(ctx: ProviderContext, org: OrganizationRecord, id: number): Promise<TokenRecord | undefined> {
  const grant = await ctx.store.tokenRequests.grantOf(id);
  const token = grant?.orgId === org.id ? await ctx.store.tokens.byId(id) : undefined;
  return token && actsForOrg(token, org) ? token : undefined;
}

/** An active fine-grained token whose resource owner is the org (what a grant of the org holds). */
function actsForOrg(token: TokenRecord, org: OrganizationRecord): boolean {
  return token.kind === 'fine_grained' && token.resourceOwnerType === 'Organization' && token.resourceOwnerId === org.id && token.status === 'active';
}

function revokeReason(org: OrganizationRecord, reason: string | undefined): string {
  return `Access to the '${org.login}' organization was revoked by an owner${reason ? `: ${reason}` : ''}`;
}

export function registerTokenGrantRoutes(app: FastifyInstance, ctx: ProviderContext): void {
  app.get<{ Params: { org: string }; Querystring: GrantListQuery }>(
    BASE,
    { config: { auth: READ }, schema: { querystring: grantListQuerySchema } },
    async (request, reply) => {
      const { org } = organizationOf(request);
      const filter = grantFilter(request.query);
      const grants = await ctx.store.tokenRequests.grants(org.id);
      if (!filter.descending) grants.reverse();
      // The org's grants: their tokens and owners, read for all of them at once.
      const tokens = new Map((await ctx.store.tokens.byIds(grants.map((g) => g.tokenId))).map((t) => [t.id, t]));
      const owners = new Map((await ctx.store.users.byIds([...tokens.values()].map((t) => t.userId))).map((u) => [u.id, u]));
      const out: TokenGrantJson[] = [];
      for (const g of grants) {
        const found = tokens.get(g.tokenId);
        const token = found && actsForOrg(found, org) ? found : undefined;
        const owner = token ? owners.get(token.userId) : undefined;
        if (!token || !owner || !(await matchesGrantFilter(ctx, filter, org, token, owner))) continue;
        out.push(tokenGrantJson(ctx, org, g, token, owner));
      }
      const page = pageOf(request.query);
      const slice = out.slice(page.offset, page.offset + page.limit);
      setLinkHeader(request, reply, page, out.length, ctx.origin);
      return slice;
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
            pat_ids: { type: 'array', minItems: 1, maxItems: 100, items: { type: 'integer', minimum: 1 } },
            reason: { type: 'string', maxLength: MAX_REVIEW_REASON },
          },
        },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const { org } = organizationOf(request);
      const ids = [...new Set(request.body.pat_ids)];
      const tokens: TokenRecord[] = [];
      const missing: number[] = [];
      for (const id of ids) {
        const t = await grantedToken(ctx, org, id);
        if (t) tokens.push(t);
        else missing.push(id);
      }
      if (missing.length) throw invalidField('pat_ids', `contains ids that are not tokens with access to '${org.login}': ${missing.slice(0, 20).join(', ')}`);
      for (const t of tokens) await revokeAccess(ctx, org, t, principal.user, revokeReason(org, request.body.reason), request.ip);
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
      const principal = principalOf(request);
      const { org } = organizationOf(request);
      const token = await grantedToken(ctx, org, idParam(request.params.pat_id));
      if (!token) throw notFound();
      await revokeAccess(ctx, org, token, principal.user, revokeReason(org, request.body.reason), request.ip);
      reply.code(204);
    },
  );

  app.get<{ Params: { org: string; pat_id: string }; Querystring: { per_page?: string; page?: string } }>(
    `${BASE}/:pat_id/repositories`,
    { config: { auth: READ }, schema: { querystring: { type: 'object', additionalProperties: false, properties: { ...paginationQuerySchema } } } },
    async (request, reply) => {
      const { org } = organizationOf(request);
      const token = await grantedToken(ctx, org, idParam(request.params.pat_id));
      if (!token) throw notFound();
      const page = pageOf(request.query);
      const { repositories, total } = await tokenRepositoriesJson(ctx, org, token, page);
      setLinkHeader(request, reply, page, total, ctx.origin);
      return repositories;
    },
  );
}
