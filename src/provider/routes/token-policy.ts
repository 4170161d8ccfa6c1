// GET/PATCH /orgs/{org}/personal-access-token-policy — org owners only (DESIGN.md).
import type { FastifyInstance } from 'fastify';
import { recordAudit } from '../audit/audit-log';
import { principalOf } from '../authz/authorize';
import type { ProviderContext } from '../context';
import { notFound } from '../http/errors';
import { ORG_AUDIT_ACTIONS } from '../orgs/org-audit';
import { organizationOf, organizationResolver } from '../orgs/org-resource';
import { policyUpdate, tokenPolicyJson, TokenPolicyPatch, tokenPolicyPatchSchema } from '../policies/token-policy-json';

const PATH = '/api/v3/orgs/:org/personal-access-token-policy';

export function registerTokenPolicyRoutes(app: FastifyInstance, ctx: ProviderContext): void {
  app.get<{ Params: { org: string } }>(
    PATH,
    {
      config: {
        auth: {
          classicScopes: ['read:org', 'admin:token'],
          permission: { group: 'organization', name: 'organization_administration', level: 'read' },
          resource: organizationResolver('owner', { administration: true }),
        },
      },
    },
    async (request) => tokenPolicyJson(organizationOf(request).org.policy),
  );

  app.patch<{ Params: { org: string }; Body: TokenPolicyPatch }>(
    PATH,
    {
      config: {
        auth: {
          classicScopes: ['admin:org'],
          permission: { group: 'organization', name: 'organization_administration', level: 'write' },
          resource: organizationResolver('owner', { administration: true }),
        },
      },
      schema: { body: tokenPolicyPatchSchema },
    },
    async (request) => {
      const principal = principalOf(request);
      const { org } = organizationOf(request);
      const updated = await ctx.store.organizations.updatePolicy(org.id, policyUpdate(request.body), ctx.clock.now());
      if (!updated) throw notFound();
      await recordAudit(ctx, {
        action: ORG_AUDIT_ACTIONS.policyUpdate,
        actor: principal.user,
        org,
        tokenId: principal.token?.id,
        ip: request.ip,
        data: { before: tokenPolicyJson(org.policy), after: tokenPolicyJson(updated.policy) },
      });
      return tokenPolicyJson(updated.policy);
    },
  );
}
