// /user/personal-access-tokens: create (sudo), list, get, patch (sudo when widening or extending),
// expire now, regenerate (sudo), delete — for the user's classic and fine-grained tokens. Needs Basic
// (+ OTP) or a classic token with `admin:token`.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { CreateTokenRequest, RegenerateTokenRequest, UpdateTokenRequest } from '../../shared/api-types';
import { AUDIT_ACTIONS, recordAudit } from '../audit/audit-log';
import type { Principal } from '../auth/principal';
import { assertSudo } from '../auth/sudo';
import { principalOf } from '../authz/authorize';
import type { AuthRequirement, ResourceResolver } from '../authz/requirement';
import type { ProviderContext } from '../context';
import { invalidField, notFound, validationFailed } from '../http/errors';
import { idParam } from '../http/params';
import { pageOf, paginationQuerySchema, setLinkHeader } from '../http/pagination';
import type { TokenRecord, TokenStatus } from '../store/tokens';
import { expiryBodySchema, parseExpiryInput } from '../tokens/expiry';
import { TOKEN_KINDS } from '../tokens/kinds';
import { scopesSchema } from '../tokens/scope-input';
import { tokenJson, tokensJson } from '../tokens/token-json';
import { mintToken, regenerateSecret } from '../tokens/token-service';
import { effectiveStatus, isExpired } from '../tokens/token-status';

const BASE = '/api/v3/user/personal-access-tokens';
const MANAGE: AuthRequirement = { classicScopes: ['admin:token'] };

const nameSchema = { type: 'string', minLength: 1, maxLength: 255 } as const;
const descriptionSchema = { anyOf: [{ type: 'string', maxLength: 1024 }, { type: 'null' }] } as const;
const permissionsSchema = { type: 'object', maxProperties: 3 } as const;

async function ownToken(ctx: ProviderContext, principal: Principal, idText: string): Promise<TokenRecord> {
  const t = await ctx.store.tokens.byId(idParam(idText));
  if (!t || t.userId !== principal.user.id || t.kind === 'account') throw notFound();
  return t;
}

/**
 * The caller's own token named by `:id`, loaded as the request arrives (before its body): a
 * regeneration replaces the secret the token had then, so of two that overlap only one succeeds.
 */
const ownTokenResource: ResourceResolver = async (request, ctx, principal) => {
  if (!principal) return undefined;
  const token = await ownToken(ctx, principal, (request.params as { id?: string }).id ?? '');
  return { type: 'token', id: token.id, record: token };
};

function tokenOf(request: FastifyRequest): TokenRecord {
  const resource = request.authz?.resource;
  if (resource?.type !== 'token') throw new Error('tokenOf: the route has no token resource');
  return resource.record as TokenRecord;
}

async function assertNameFree(ctx: ProviderContext, t: { userId: number; kind: TokenRecord['kind']; note: string; fingerprint?: string | null }, exceptId?: number) {
  const other = await ctx.store.tokens.findByNote(t.userId, t.kind, t.note, t.fingerprint ?? null);
  if (other && other.id !== exceptId) {
    throw validationFailed([{ resource: 'PersonalAccessToken', field: 'name', code: 'already_exists', message: 'is already the name of another of your tokens' }]);
  }
}

export function registerPersonalAccessTokenRoutes(app: FastifyInstance, ctx: ProviderContext): void {
  app.get<{ Querystring: { kind?: 'classic' | 'fine_grained'; status?: TokenStatus; per_page?: string; page?: string } }>(
    BASE,
    {
      config: { auth: MANAGE },
      schema: {
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            kind: { type: 'string', enum: ['classic', 'fine_grained'] },
            status: { type: 'string', enum: ['active', 'pending', 'denied', 'expired', 'revoked'] },
            ...paginationQuerySchema,
          },
        },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const page = pageOf(request.query);
      const kinds = request.query.kind ? [request.query.kind] : (['classic', 'fine_grained'] as const);
      const now = ctx.clock.now();
      // Expired is computed (an active token past its expiry), so a status filter is applied after
      // loading; without one, each kind is read only as far as the page reaches (newest first).
      const limit = request.query.status ? undefined : page.offset + page.limit;
      let tokens: TokenRecord[] = [];
      for (const kind of kinds) tokens.push(...(await ctx.store.tokens.list({ userId: principal.user.id, kind, limit })));
      tokens.sort((a, b) => b.id - a.id);
      if (request.query.status) tokens = tokens.filter((t) => effectiveStatus(t, now) === request.query.status);
      const slice = tokens.slice(page.offset, page.offset + page.limit);
      setLinkHeader(request, reply, page, slice.length, ctx.origin);
      return tokensJson(ctx, slice);
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
            resource_owner: { type: 'string', minLength: 1, maxLength: 39 },
            repository_selection: { type: 'string', enum: ['none', 'all', 'subset'] },
            repositories: {
              type: 'array',
              maxItems: 500,
              items: { anyOf: [{ type: 'string', minLength: 1, maxLength: 140 }, { type: 'integer', minimum: 1 }] },
            },
            permissions: permissionsSchema,
            justification: { type: 'string', maxLength: 1024 },
          },
        },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const body = request.body;
      const kind = body.kind ?? 'classic';
      if (kind === 'fine_grained' && body.scopes !== undefined) throw invalidField('scopes', 'is only for classic tokens (fine-grained tokens have permissions)');
      const expiresAt = parseExpiryInput(body, ctx.clock.now());
      const input = { principal, body, expiresAt, request };
      const draft = await TOKEN_KINDS[kind].create(ctx, input);
      await assertNameFree(ctx, draft);
      const { record, secret } = await mintToken(ctx, draft);
      await TOKEN_KINDS[kind].afterCreate?.(ctx, record, input);
      await recordAudit(ctx, {
        action: AUDIT_ACTIONS.patCreate,
        actor: principal.user,
        tokenId: record.id,
        ip: request.ip,
        data: {
          token_name: record.note,
          kind: record.kind,
          token_last_eight: record.tokenLastEight,
          expires_at: record.expiresAt?.toISOString() ?? null,
          ...(record.kind === 'classic' ? { scopes: record.scopes } : { permissions: record.permissions }),
        },
      });
      reply.code(201).header('Location', `${ctx.origin}${BASE}/${record.id}`);
      return tokenJson(ctx, (await ctx.store.tokens.byId(record.id)) ?? record, secret);
    },
  );

  app.get<{ Params: { id: string } }>(`${BASE}/:id`, { config: { auth: MANAGE } }, async (request) => {
    return tokenJson(ctx, await ownToken(ctx, principalOf(request), request.params.id));
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
            resource_owner: { type: 'string', minLength: 1, maxLength: 39 },
            repository_selection: { type: 'string', enum: ['none', 'all', 'subset'] },
            repositories: {
              type: 'array',
              maxItems: 500,
              items: { anyOf: [{ type: 'string', minLength: 1, maxLength: 140 }, { type: 'integer', minimum: 1 }] },
            },
            justification: { type: 'string', maxLength: 1024 },
          },
        },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const token = await ownToken(ctx, principal, request.params.id);
      const body = request.body;
      const now = ctx.clock.now();
      const expiresAt = parseExpiryInput(body, now);
      // A revoked token can still be renamed or described, nothing else (a new owner or selection
      // would make it active again).
      if (token.status === 'revoked' && Object.keys(body).some((k) => k !== 'name' && k !== 'description')) {
        throw invalidField('status', 'the token was revoked: create a new one', 'unprocessable');
      }
      const kind = token.kind === 'classic' ? 'classic' : 'fine_grained';
      if (kind === 'classic') {
        for (const f of ['resource_owner', 'repository_selection', 'repositories', 'justification'] as const) {
          if (body[f] !== undefined) throw invalidField(f, 'is only for fine-grained tokens');
        }
      }
      const { update, widens, after } = await TOKEN_KINDS[kind].update(ctx, { principal, token, body, expiresAt, request });
      // Reviving an expired token is widening too.
      if (widens || (isExpired(token, now) && expiresAt !== undefined)) assertSudo(principal, ctx.clock);
      if (body.name !== undefined) await assertNameFree(ctx, { ...token, note: body.name }, token.id);
      const updated = await ctx.store.tokens.update(token.id, { ...update, note: body.name, description: body.description, updatedAt: now });
      if (!updated) throw notFound();
      // A new expiry starts a new lifetime, whatever the kind: org lifetime caps count from here.
      if (expiresAt !== undefined) await ctx.store.fineGrainedTokens.setIssuedAt(token.id, now);
      const result = (await after?.(updated)) ?? updated;
      await recordAudit(ctx, {
        action: AUDIT_ACTIONS.patUpdate,
        actor: principal.user,
        tokenId: token.id,
        ip: request.ip,
        data: { token_name: updated.note, fields: Object.keys(body), widened: widens },
      });
      return tokenJson(ctx, result);
    },
  );

  // Expire now (Tessera's own; GitHub has no such call): the expiry becomes this instant, so the
  // token is refused from the next request on. PATCH only takes future expiries (a past date there
  // is more likely a typo than a wish). Narrowing, so no sudo; an expired token stays as it was.
  app.post<{ Params: { id: string } }>(
    `${BASE}/:id/expire`,
    { config: { auth: MANAGE }, schema: { body: { type: 'object', additionalProperties: false, properties: {} } } },
    async (request) => {
      const principal = principalOf(request);
      const token = await ownToken(ctx, principal, request.params.id);
      const now = ctx.clock.now();
      if (token.status === 'revoked') throw invalidField('status', 'the token was revoked: there is nothing to expire', 'unprocessable');
      if (token.status === 'expired' || isExpired(token, now)) return tokenJson(ctx, token);
      const updated = await ctx.store.tokens.update(token.id, { expiresAt: now, updatedAt: now });
      if (!updated) throw notFound();
      await recordAudit(ctx, {
        action: AUDIT_ACTIONS.patUpdate,
        actor: principal.user,
        tokenId: token.id,
        ip: request.ip,
        data: { token_name: updated.note, fields: ['expires_at'], expired_now: true, widened: false },
      });
      return tokenJson(ctx, updated);
    },
  );

  app.post<{ Params: { id: string }; Body: RegenerateTokenRequest }>(
    `${BASE}/:id/regenerate`,
    {
      config: { auth: { ...MANAGE, sudo: true, resource: ownTokenResource } },
      schema: { body: { type: 'object', additionalProperties: false, properties: { ...expiryBodySchema } } },
    },
    async (request) => {
      const principal = principalOf(request);
      const token = tokenOf(request);
      const now = ctx.clock.now();
      if (token.status === 'revoked') throw invalidField('status', 'the token was revoked: create a new one', 'unprocessable');
      const requested = parseExpiryInput(request.body, now);
      if (requested === undefined && isExpired(token, now)) {
        throw invalidField('expires_at', 'is required: the token has expired, give it a new expiry (or null for none)', 'missing_field');
      }
      const kind = token.kind === 'classic' ? 'classic' : 'fine_grained';
      const expiresAt = await TOKEN_KINDS[kind].regenerateExpiry(ctx, { principal, token, expiresAt: requested, request });
      const { record, secret } = await regenerateSecret(ctx, token, expiresAt);
      await recordAudit(ctx, {
        action: AUDIT_ACTIONS.patRegenerated,
        actor: principal.user,
        tokenId: token.id,
        ip: request.ip,
        data: { token_name: record.note, kind: record.kind, token_last_eight: record.tokenLastEight, expires_at: record.expiresAt?.toISOString() ?? null },
      });
      return tokenJson(ctx, record, secret);
    },
  );

  app.delete<{ Params: { id: string } }>(`${BASE}/:id`, { config: { auth: MANAGE } }, async (request, reply) => {
    const principal = principalOf(request);
    const token = await ownToken(ctx, principal, request.params.id);
    await ctx.store.tokens.delete(token.id);
    await recordAudit(ctx, {
      action: AUDIT_ACTIONS.patDestroy,
      actor: principal.user,
      tokenId: token.id,
      ip: request.ip,
      data: { token_name: token.note, kind: token.kind, token_last_eight: token.tokenLastEight },
    });
    reply.code(204);
  });
}
