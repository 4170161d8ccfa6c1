// Account API tokens, Zendesk's model (Tessera's own endpoints, org owners):
//   GET  /orgs/{org}/account-tokens            list (never the secret)
//   POST /orgs/{org}/account-tokens {name, description?}   (sudo) → 201 with `token` shown once
//   GET  /orgs/{org}/account-tokens/{id}
//   PATCH /orgs/{org}/account-tokens/{id} {name?, description?, active?}  (reactivating needs sudo)
//   DELETE /orgs/{org}/account-tokens/{id}
// At most 256 per org. Used as Basic `{email}/token:{tsa_...}` (auth/account-token.ts).
import type { FastifyInstance } from 'fastify';
import { callerOf } from '../authz/caller';
import type { AuthRequirement } from '../authz/requirement';
import { apiBase, ProviderContext } from '../context';
import { idParam } from '../http/params';
import { pageOf, pagedQuerySchema, setLinkHeader } from '../http/pagination';
import { accountTokenJson } from '../orgs/account-token-json';
import { createAccountToken, deleteAccountToken, listAccountTokens, orgAccountToken, updateAccountToken } from '../orgs/account-token-service';
import { organizationOf, organizationResolver } from '../orgs/org-resource';

const BASE = '/api/v3/orgs/:org/account-tokens';

const READ: AuthRequirement = {
  classicScopes: ['admin:org'],
  permission: { group: 'organization', name: 'organization_administration', level: 'read' },
  resource: organizationResolver('owner', { administration: true }),
};
const WRITE: AuthRequirement = { ...READ, permission: { group: 'organization', name: 'organization_administration', level: 'write' } };

const nameSchema = { type: 'string', minLength: 1, maxLength: 255 } as const;
const descriptionSchema = { anyOf: [{ type: 'string', maxLength: 1024 }, { type: 'null' }] } as const;

export function registerAccountTokenRoutes(app: FastifyInstance, ctx: ProviderContext): void {
  app.get<{ Params: { org: string }; Querystring: { per_page?: string; page?: string } }>(
    BASE,
    { config: { auth: READ }, schema: { querystring: pagedQuerySchema() } },
    async (request, reply) => {
      const { org } = organizationOf(request);
      const page = pageOf(request.query);
      const { items, total } = await listAccountTokens(ctx, org, page);
      setLinkHeader(request, reply, page, total, ctx.origin);
      return Promise.all(items.map(({ token, account }) => accountTokenJson(ctx, org, token, account)));
    },
  );

  app.post<{ Params: { org: string }; Body: { name: string; description?: string | null } }>(
    BASE,
    {
      config: { auth: { ...WRITE, sudo: true } },
      schema: { body: { type: 'object', additionalProperties: false, required: ['name'], properties: { name: nameSchema, description: descriptionSchema } } },
    },
    async (request, reply) => {
      const { org } = organizationOf(request);
      const { token, account, secret } = await createAccountToken(ctx, callerOf(request), org, request.body);
      reply.code(201).header('Location', `${apiBase(ctx)}/orgs/${org.login}/account-tokens/${token.id}`);
      return accountTokenJson(ctx, org, token, account, secret);
    },
  );

  app.get<{ Params: { org: string; id: string } }>(`${BASE}/:id`, { config: { auth: READ } }, async (request) => {
    const { org } = organizationOf(request);
    const { token, account } = await orgAccountToken(ctx, org, idParam(request.params.id));
    return accountTokenJson(ctx, org, token, account);
  });

  app.patch<{ Params: { org: string; id: string }; Body: { name?: string; description?: string | null; active?: boolean } }>(
    `${BASE}/:id`,
    {
      config: { auth: WRITE },
      schema: {
        body: { type: 'object', additionalProperties: false, properties: { name: nameSchema, description: descriptionSchema, active: { type: 'boolean' } } },
      },
    },
    async (request) => {
      const { org } = organizationOf(request);
      const { token, account } = await updateAccountToken(ctx, callerOf(request), org, idParam(request.params.id), request.body);
      return accountTokenJson(ctx, org, token, account);
    },
  );

  app.delete<{ Params: { org: string; id: string } }>(`${BASE}/:id`, { config: { auth: WRITE } }, async (request, reply) => {
    await deleteAccountToken(ctx, callerOf(request), organizationOf(request).org, idParam(request.params.id));
    reply.code(204);
  });
}
