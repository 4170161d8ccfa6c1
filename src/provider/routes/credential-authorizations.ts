// SSO credential authorizations. On an org with `sso_required`, a token works on the org's
// resources only once its owner authorized it for that org with fresh proof:
//
//   POST /orgs/{org}/credential-authorizations {"token_id": N}   (Tessera's own)
//     — an active member, for one of their own tokens (classic, or fine-grained owned by the org),
//       with Basic login:password (+ X-GitHub-OTP) on the request or in sudo mode
//       (a token whose window is open: POST /user/sudo); 201 + the authorization.
//
// GitHub's GET /orgs/{org}/credential-authorizations[?login=] (owners) and DELETE
// .../{credential_id} (owners, or the credential's own user). credential_id is the token's id.
import type { FastifyInstance } from 'fastify';
import { callerOf } from '../authz/caller';
import { ORG_ADMIN_WRITE } from '../authz/requirement';
import type { ProviderContext } from '../context';
import { ID_SCHEMA, idParam } from '../http/params';
import { pageOf, pagedQuerySchema, setLinkHeader } from '../http/pagination';
import { credentialAuthorizationJson } from '../orgs/credential-authorization-json';
import { authorizeCredential, listCredentialAuthorizations, removeCredentialAuthorization } from '../orgs/credential-authorization-service';
import { organizationOf, organizationResolver } from '../orgs/org-resource';

const BASE = '/api/v3/orgs/:org/credential-authorizations';

export function registerCredentialAuthorizationRoutes(app: FastifyInstance, ctx: ProviderContext): void {
  app.post<{ Params: { org: string }; Body: { token_id: number } }>(
    BASE,
    {
      config: { auth: { classicScopes: ['admin:token'], sudo: true, resource: organizationResolver('member', { administration: true }) } },
      schema: { body: { type: 'object', additionalProperties: false, required: ['token_id'], properties: { token_id: ID_SCHEMA } } },
    },
    async (request, reply) => {
      const e = await authorizeCredential(ctx, callerOf(request), organizationOf(request), request.body.token_id);
      reply.code(201);
      return credentialAuthorizationJson(e.authorization, e.token, e.login);
    },
  );

  app.get<{ Params: { org: string }; Querystring: { login?: string; per_page?: string; page?: string } }>(
    BASE,
    {
      config: {
        auth: {
          classicScopes: ['read:org', 'admin:token'],
          permission: { group: 'organization', name: 'organization_administration', level: 'read' },
          resource: organizationResolver('owner', { administration: true }),
        },
      },
      schema: { querystring: pagedQuerySchema({ login: { type: 'string', minLength: 1, maxLength: 39 } }) },
    },
    async (request, reply) => {
      const page = pageOf(request.query);
      const found = await listCredentialAuthorizations(ctx, organizationOf(request), request.query.login, page);
      if (!found) return [];
      setLinkHeader(request, reply, page, found.total, ctx.origin);
      return found.entries.map((e) => credentialAuthorizationJson(e.authorization, e.token, e.login));
    },
  );

  app.delete<{ Params: { org: string; credential_id: string } }>(
    `${BASE}/:credential_id`,
    {
      config: {
        auth: {
          ...ORG_ADMIN_WRITE,
          permission: { group: 'organization', name: 'organization_administration', level: 'write' },
          resource: organizationResolver('member', { administration: true }),
        },
      },
    },
    async (request, reply) => {
      await removeCredentialAuthorization(ctx, callerOf(request), organizationOf(request), idParam(request.params.credential_id));
      reply.code(204);
    },
  );
}
