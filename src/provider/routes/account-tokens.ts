// Account API tokens, Zendesk's model (Tessera's own endpoints, org owners):
//   GET  /orgs/{org}/account-tokens            list (never the secret)
//   POST /orgs/{org}/account-tokens {name, description?}   (sudo) → 201 with `token` shown once
//   GET  /orgs/{org}/account-tokens/{id}
//   PATCH /orgs/{org}/account-tokens/{id} {name?, description?, active?}  (reactivating needs sudo)
//   DELETE /orgs/{org}/account-tokens/{id}
// At most 256 per org. Used as Basic `{email}/token:{tsa_...}` (auth/account-token.ts).
import type { FastifyInstance } from 'fastify';
import { audit, requestSource } from '../audit/audit';
import { assertSudo } from '../auth/sudo';
import { principalOf } from '../authz/authorize';
import type { AuthRequirement } from '../authz/requirement';
import { apiBase, ProviderContext } from '../context';
import { invalidField, notFound } from '../http/errors';
import { idParam } from '../http/params';
import { pageOf, paginationQuerySchema, setLinkHeader } from '../http/pagination';
import { ORG_AUDIT_ACTIONS } from '../orgs/org-audit';
import { organizationOf, organizationResolver } from '../orgs/org-resource';
import type { AccountTokenRecord } from '../store/account-tokens';
import type { OrganizationRecord } from '../store/organizations';
import type { TokenRecord } from '../store/tokens';
import { mintToken } from '../tokens/token-service';

export const MAX_ACCOUNT_TOKENS_PER_ORG = 256;
const BASE = '/api/v3/orgs/:org/account-tokens';

const READ: AuthRequirement = {
  classicScopes: ['admin:org'],
  permission: { group: 'organization', name: 'organization_administration', level: 'read' },
  resource: organizationResolver('owner', { administration: true }),
};
const WRITE: AuthRequirement = { ...READ, permission: { group: 'organization', name: 'organization_administration', level: 'write' } };

const nameSchema = { type: 'string', minLength: 1, maxLength: 255 } as const;
const descriptionSchema = { anyOf: [{ type: 'string', maxLength: 1024 }, { type: 'null' }] } as const;

async function accountTokenJson(ctx: ProviderContext, org: OrganizationRecord, t: TokenRecord, a: AccountTokenRecord, secret?: string): Promise<Record<string, unknown>> {
  return {
    id: t.id,
    name: t.note,
    description: t.description,
    ...(secret !== undefined ? { token: secret } : {}),
    token_last_eight: t.tokenLastEight,
    active: a.active && t.status === 'active',
    status: t.status === 'revoked' ? 'revoked' : a.active ? 'active' : 'inactive',
    created_at: t.createdAt.toISOString(),
    created_by: (await ctx.store.users.byId(t.userId))?.login ?? null,
    deactivated_at: a.deactivatedAt?.toISOString() ?? null,
    last_used_at: t.lastUsedAt?.toISOString() ?? null,
    url: `${apiBase(ctx)}/orgs/${org.login}/account-tokens/${t.id}`,
  };
}

async function orgAccountToken(ctx: ProviderContext, org: OrganizationRecord, idText: string): Promise<{ token: TokenRecord; account: AccountTokenRecord }> {
  const id = idParam(idText);
  const account = await ctx.store.accountTokens.get(id);
  const token = account?.orgId === org.id ? await ctx.store.tokens.byId(id) : undefined;
  if (!account || !token || token.kind !== 'account') throw notFound();
  return { token, account };
}

export function registerAccountTokenRoutes(app: FastifyInstance, ctx: ProviderContext): void {
  app.get<{ Params: { org: string }; Querystring: { per_page?: string; page?: string } }>(
    BASE,
    { config: { auth: READ }, schema: { querystring: { type: 'object', additionalProperties: false, properties: { ...paginationQuerySchema } } } },
    async (request, reply) => {
      const { org } = organizationOf(request);
      const page = pageOf(request.query);
      const all = (await ctx.store.accountTokens.list(org.id)).slice(page.offset, page.offset + page.limit);
      setLinkHeader(request, reply, page, all.length, ctx.origin);
      const out: Record<string, unknown>[] = [];
      for (const a of all) {
        const t = await ctx.store.tokens.byId(a.tokenId);
        if (t) out.push(await accountTokenJson(ctx, org, t, a));
      }
      return out;
    },
  );

  app.post<{ Params: { org: string }; Body: { name: string; description?: string | null } }>(
    BASE,
    {
      config: { auth: { ...WRITE, sudo: true } },
      schema: { body: { type: 'object', additionalProperties: false, required: ['name'], properties: { name: nameSchema, description: descriptionSchema } } },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const { org } = organizationOf(request);
      if ((await ctx.store.accountTokens.count(org.id)) >= MAX_ACCOUNT_TOKENS_PER_ORG) {
        throw invalidField('name', `cannot be added: '${org.login}' already has the maximum of ${MAX_ACCOUNT_TOKENS_PER_ORG} account API tokens (delete one first)`, 'custom');
      }
      const { record, secret } = await mintToken(ctx, {
        userId: principal.user.id,
        kind: 'account',
        note: request.body.name,
        description: request.body.description ?? null,
        resourceOwnerType: 'Organization',
        resourceOwnerId: org.id,
        status: 'active',
        expiresAt: null,
      });
      const account = await ctx.store.accountTokens.add(record.id, org.id);
      await audit(ctx, requestSource(request), ORG_AUDIT_ACTIONS.accountTokenCreate, {
        org,
        tokenId: record.id,
        data: { token_name: record.note, token_last_eight: record.tokenLastEight },
      });
      reply.code(201).header('Location', `${apiBase(ctx)}/orgs/${org.login}/account-tokens/${record.id}`);
      return accountTokenJson(ctx, org, record, account, secret);
    },
  );

  app.get<{ Params: { org: string; id: string } }>(`${BASE}/:id`, { config: { auth: READ } }, async (request) => {
    const { org } = organizationOf(request);
    const { token, account } = await orgAccountToken(ctx, org, request.params.id);
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
      const principal = principalOf(request);
      const { org } = organizationOf(request);
      let { token, account } = await orgAccountToken(ctx, org, request.params.id);
      const now = ctx.clock.now();
      const { name, description, active } = request.body;
      const toggled = active !== undefined && active !== account.active;
      if (active === true && !account.active) {
        if (token.status === 'revoked') throw invalidField('active', 'cannot be set: the token was revoked');
        assertSudo(principal, ctx.clock); // reactivating a credential is widening
      }
      if (name !== undefined || description !== undefined) {
        token = (await ctx.store.tokens.update(token.id, { note: name, description, updatedAt: now })) ?? token;
      }
      if (toggled) account = (await ctx.store.accountTokens.setActive(token.id, active, now)) ?? account;
      await audit(ctx, requestSource(request), toggled
          ? active
            ? ORG_AUDIT_ACTIONS.accountTokenReactivate
            : ORG_AUDIT_ACTIONS.accountTokenDeactivate
          : ORG_AUDIT_ACTIONS.accountTokenUpdate, {
        org,
        tokenId: token.id,
        data: { token_name: token.note, token_last_eight: token.tokenLastEight, fields: Object.keys(request.body) },
      });
      return accountTokenJson(ctx, org, token, account);
    },
  );

  app.delete<{ Params: { org: string; id: string } }>(`${BASE}/:id`, { config: { auth: WRITE } }, async (request, reply) => {
    const { org } = organizationOf(request);
    const { token } = await orgAccountToken(ctx, org, request.params.id);
    await ctx.store.tokens.delete(token.id);
    await audit(ctx, requestSource(request), ORG_AUDIT_ACTIONS.accountTokenDestroy, {
      org,
      tokenId: token.id,
      data: { token_name: token.note, token_last_eight: token.tokenLastEight },
    });
    reply.code(204);
  });
}
