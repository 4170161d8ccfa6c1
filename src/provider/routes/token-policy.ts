// GET/PATCH /orgs/{org}/personal-access-token-policy — org owners only.
import type { FastifyInstance } from 'fastify';
import { callerOf } from '../authz/caller';
import { ORG_ADMIN_WRITE } from '../authz/requirement';
import type { ProviderContext } from '../context';
import { organizationOf, organizationResolver } from '../orgs/org-resource';
import { updateTokenPolicy } from '../orgs/organization-service';
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
          ...ORG_ADMIN_WRITE,
          permission: { group: 'organization', name: 'organization_administration', level: 'write' },
          resource: organizationResolver('owner', { administration: true }),
        },
      },
      schema: { body: tokenPolicyPatchSchema },
    },
    async (request) => {
      const updated = await updateTokenPolicy(ctx, callerOf(request), organizationOf(request).org, policyUpdate(request.body));
      return tokenPolicyJson(updated.policy);
    },
  );
}
