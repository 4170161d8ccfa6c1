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
import { audit, requestSource } from '../audit/audit';
import { principalOf } from '../authz/authorize';
import type { ProviderContext } from '../context';
import { forbidden, invalidField, notFound } from '../http/errors';
import { idParam } from '../http/params';
import { ORG_AUDIT_ACTIONS } from '../orgs/org-audit';
import { organizationOf, organizationResolver } from '../orgs/org-resource';
import type { CredentialAuthorizationRecord } from '../store/credential-authorizations';
import type { TokenRecord } from '../store/tokens';
import { pageOf, paginationQuerySchema, setLinkHeader } from '../http/pagination';

const BASE = '/api/v3/orgs/:org/credential-authorizations';

export function credentialAuthorizationJson(a: CredentialAuthorizationRecord, t: TokenRecord, login: string): Record<string, unknown> {
  return {
    login,
    credential_id: t.id,
    credential_type: t.kind === 'classic' ? 'personal access token' : 'fine-grained personal access token',
    token_last_eight: t.tokenLastEight,
    credential_authorized_at: a.authorizedAt.toISOString(),
    ...(t.kind === 'classic' ? { scopes: t.scopes } : {}),
    ...(t.fingerprint ? { fingerprint: t.fingerprint } : {}),
    credential_accessed_at: a.accessedAt?.toISOString() ?? null,
    authorized_credential_id: t.id,
    authorized_credential_title: t.note,
    authorized_credential_note: t.note,
    authorized_credential_expires_at: t.expiresAt?.toISOString() ?? null,
  };
}

export function registerCredentialAuthorizationRoutes(app: FastifyInstance, ctx: ProviderContext): void {
  app.post<{ Params: { org: string }; Body: { token_id: number } }>(
    BASE,
    {
      config: { auth: { classicScopes: ['admin:token'], sudo: true, resource: organizationResolver('member', { administration: true }) } },
      schema: { body: { type: 'object', additionalProperties: false, required: ['token_id'], properties: { token_id: { type: 'integer', minimum: 1 } } } },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const { org } = organizationOf(request);
      const token = await ctx.store.tokens.byId(request.body.token_id);
      if (!token || token.userId !== principal.user.id || token.kind === 'account') throw invalidField('token_id', 'is not one of your personal access tokens');
      if (token.status === 'revoked') throw invalidField('token_id', 'is a revoked token');
      if (token.kind === 'fine_grained' && !(token.resourceOwnerType === 'Organization' && token.resourceOwnerId === org.id)) {
        throw invalidField('token_id', `is a fine-grained token whose resource owner is not '${org.login}'`);
      }
      const a = await ctx.store.credentialAuthorizations.authorize({ orgId: org.id, tokenId: token.id, userId: principal.user.id, now: ctx.clock.now() });
      await audit(ctx, requestSource(request), ORG_AUDIT_ACTIONS.credentialAuthorized, {
        org,
        tokenId: token.id,
        data: { token_name: token.note, token_last_eight: token.tokenLastEight, kind: token.kind },
      });
      reply.code(201);
      return credentialAuthorizationJson(a, token, principal.user.login);
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
      schema: { querystring: { type: 'object', additionalProperties: false, properties: { login: { type: 'string', minLength: 1, maxLength: 39 }, ...paginationQuerySchema } } },
    },
    async (request, reply) => {
      const { org } = organizationOf(request);
      let userId: number | undefined;
      if (request.query.login !== undefined) {
        const u = await ctx.store.users.byLogin(request.query.login);
        if (!u) return [];
        userId = u.id;
      }
      const all = await ctx.store.credentialAuthorizations.list(org.id, userId !== undefined ? { userId } : {});
      const page = pageOf(request.query);
      const slice = all.slice(page.offset, page.offset + page.limit);
      setLinkHeader(request, reply, page, all.length, ctx.origin);
      const out: Record<string, unknown>[] = [];
      for (const a of slice) {
        const t = await ctx.store.tokens.byId(a.tokenId);
        const u = await ctx.store.users.byId(a.userId);
        if (t && u) out.push(credentialAuthorizationJson(a, t, u.login));
      }
      return out;
    },
  );

  app.delete<{ Params: { org: string; credential_id: string } }>(
    `${BASE}/:credential_id`,
    {
      config: {
        auth: {
          classicScopes: ['admin:org', 'admin:token'],
          permission: { group: 'organization', name: 'organization_administration', level: 'write' },
          resource: organizationResolver('member', { administration: true }),
        },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const { org, role } = organizationOf(request);
      const tokenId = idParam(request.params.credential_id);
      const a = await ctx.store.credentialAuthorizations.get(org.id, tokenId);
      if (!a) throw notFound();
      if (role !== 'owner' && a.userId !== principal.user.id) throw forbidden(`You must be an owner of the '${org.login}' organization`);
      await ctx.store.credentialAuthorizations.remove(org.id, tokenId);
      const token = await ctx.store.tokens.byId(tokenId);
      await audit(ctx, requestSource(request), ORG_AUDIT_ACTIONS.credentialDeauthorized, {
        user: (await ctx.store.users.byId(a.userId)) ?? undefined,
        org,
        tokenId,
        data: { token_name: token?.note ?? null, token_last_eight: token?.tokenLastEight ?? null },
      });
      reply.code(204);
    },
  );
}
