// /user/personal-access-tokens: create (sudo), list, get, patch (sudo when widening or extending),
// expire now, regenerate (sudo), delete — for the user's classic and fine-grained tokens. Needs Basic
// (+ OTP) or a classic token with `admin:token`.
import type { CreateTokenRequest, RegenerateTokenRequest, UpdateTokenRequest } from '../../shared/api-types';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { principalOf } from '../authz/authorize';
import { callerOf } from '../authz/caller';
import type { AuthRequirement, ResourceResolver } from '../authz/requirement';
import type { ProviderContext } from '../context';
import { ID_SCHEMA, idParam } from '../http/params';
import { listPage, pageOf, pagedQuerySchema, setLinkHeader } from '../http/pagination';
import type { TokenQuery, TokenRecord, TokenStatus } from '../store/tokens';
import { expiryBodySchema } from '../tokens/expiry';
import { scopesSchema } from '../tokens/scope-input';
import { tokenJson, tokensJson } from '../tokens/token-json';
import { createToken, deleteToken, expireToken, ownToken, regenerateToken, updateToken } from '../tokens/token-service';

const BASE = '/api/v3/user/personal-access-tokens';
const MANAGE: AuthRequirement = { classicScopes: ['admin:token'] };

const nameSchema = { type: 'string', minLength: 1, maxLength: 255 } as const;
const descriptionSchema = { anyOf: [{ type: 'string', maxLength: 1024 }, { type: 'null' }] } as const;
const permissionsSchema = { type: 'object', maxProperties: 3 } as const;
// Fine-grained: the resource owner's login, the selection and its repositories (names or ids).
const resourceOwnerSchema = { type: 'string', minLength: 1, maxLength: 39 } as const;
const repositorySelectionSchema = { type: 'string', enum: ['none', 'all', 'subset'] } as const;
const repositoriesSchema = {
  type: 'array',
  maxItems: 500,
  items: { anyOf: [{ type: 'string', minLength: 1, maxLength: 140 }, ID_SCHEMA] },
} as const;
const justificationSchema = { type: 'string', maxLength: 1024 } as const;

/**
 * The caller's own token named by `:id`, loaded as the request arrives (before its body): a
 * regeneration replaces the secret the token had then, so of two that overlap only one succeeds.
 */
const ownTokenResource: ResourceResolver = async (request, ctx, principal) => {
  if (!principal) return undefined;
  const token = await ownToken(ctx, principal, idParam((request.params as { id?: string }).id ?? ''));
  return { type: 'token', id: token.id, record: token };
};

function tokenOf(request: FastifyRequest): TokenRecord {
  const resource = request.authz?.resource;
  if (resource?.type !== 'token') throw new Error('tokenOf: the route has no token resource');
  return resource.record as TokenRecord;
}

export function registerPersonalAccessTokenRoutes(app: FastifyInstance, ctx: ProviderContext): void {
  app.get<{ Querystring: { kind?: 'classic' | 'fine_grained'; status?: TokenStatus; per_page?: string; page?: string } }>(
    BASE,
    {
      config: { auth: MANAGE },
      schema: {
        querystring: pagedQuerySchema({
          kind: { type: 'string', enum: ['classic', 'fine_grained'] },
          status: { type: 'string', enum: ['active', 'pending', 'denied', 'expired', 'revoked'] },
        }),
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const page = pageOf(request.query);
      const { kind, status } = request.query;
      const query: TokenQuery = {
        userId: principal.user.id,
        kinds: kind ? [kind] : ['classic', 'fine_grained'],
        ...(status ? { shownStatus: { status, now: ctx.clock.now() } } : {}),
      };
      const { items, total } = await listPage(page, (window) => ctx.store.tokens.listShown({ ...query, ...window }), () => ctx.store.tokens.count(query));
      setLinkHeader(request, reply, page, total, ctx.origin);
      return tokensJson(ctx, items);
    },
  );

  app.post<{ Body: CreateTokenRequest }>(
    BASE,
    {
      config: { auth: { ...MANAGE, sudo: true } },
      schema: {
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['name'],
          properties: {
            name: nameSchema,
            description: descriptionSchema,
            ...expiryBodySchema,
            kind: { type: 'string', enum: ['classic', 'fine_grained'] },
            scopes: scopesSchema,
            resource_owner: resourceOwnerSchema,
            repository_selection: repositorySelectionSchema,
            repositories: repositoriesSchema,
            permissions: permissionsSchema,
            justification: justificationSchema,
          },
        },
      },
    },
    async (request, reply) => {
      const { record, secret } = await createToken(ctx, callerOf(request), request.body);
      reply.code(201).header('Location', `${ctx.origin}${BASE}/${record.id}`);
      return tokenJson(ctx, record, secret);
    },
  );

  app.get<{ Params: { id: string } }>(`${BASE}/:id`, { config: { auth: MANAGE } }, async (request) => {
    return tokenJson(ctx, await ownToken(ctx, principalOf(request), idParam(request.params.id)));
  });

  app.patch<{ Params: { id: string }; Body: UpdateTokenRequest }>(
    `${BASE}/:id`,
    {
      config: { auth: MANAGE },
      schema: {
        body: {
          type: 'object',
          additionalProperties: false,
          properties: {
            name: nameSchema,
            description: descriptionSchema,
            ...expiryBodySchema,
            scopes: scopesSchema,
            permissions: permissionsSchema,
            // Fine-grained: move to another resource owner / selection (e.g. request access again).
            resource_owner: resourceOwnerSchema,
            repository_selection: repositorySelectionSchema,
            repositories: repositoriesSchema,
            justification: justificationSchema,
          },
        },
      },
    },
    async (request) => tokenJson(ctx, await updateToken(ctx, callerOf(request), idParam(request.params.id), request.body)),
  );

  // Expire now (Tessera's own; GitHub has no such call): the expiry becomes this instant, so the
  // token is refused from the next request on. PATCH only takes future expiries (a past date there
  // is more likely a typo than a wish). Narrowing, so no sudo; an expired token stays as it was.
  app.post<{ Params: { id: string } }>(
    `${BASE}/:id/expire`,
    { config: { auth: MANAGE }, schema: { body: { type: 'object', additionalProperties: false, properties: {} } } },
    async (request) => tokenJson(ctx, await expireToken(ctx, callerOf(request), idParam(request.params.id))),
  );

  app.post<{ Params: { id: string }; Body: RegenerateTokenRequest }>(
    `${BASE}/:id/regenerate`,
    {
      config: { auth: { ...MANAGE, sudo: true, resource: ownTokenResource } },
      schema: { body: { type: 'object', additionalProperties: false, properties: { ...expiryBodySchema } } },
    },
    async (request) => {
      const { record, secret } = await regenerateToken(ctx, callerOf(request), tokenOf(request), request.body);
      return tokenJson(ctx, record, secret);
    },
  );

  app.delete<{ Params: { id: string } }>(`${BASE}/:id`, { config: { auth: MANAGE } }, async (request, reply) => {
    await deleteToken(ctx, callerOf(request), idParam(request.params.id));
    reply.code(204);
  });
}
