// GitHub's 2013 OAuth Authorizations API, Basic (+ X-GitHub-OTP) only:
// POST/GET /authorizations, GET/PATCH/DELETE /authorizations/{id},
// PUT /authorizations/clients/{client_id}[/{fingerprint}] (get-or-create: 201 new, 200 existing).
// A token made here is the sign-in of a client: its sudo window opens now, for two hours.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { CreateAuthorizationRequest, UpdateAuthorizationRequest } from '../../shared/api-types';
import { AUDIT_ACTIONS } from '../audit/audit-log';
import { audit, requestSource } from '../audit/audit';
import type { Principal } from '../auth/principal';
import { SUDO_WINDOW_MS } from '../auth/sudo';
import { principalOf } from '../authz/authorize';
import type { AuthRequirement } from '../authz/requirement';
import type { ProviderContext } from '../context';
import { invalidField, notFound, validationFailed } from '../http/errors';
import { idParam } from '../http/params';
import { pageOf, paginationQuerySchema, setLinkHeader } from '../http/pagination';
import type { TokenRecord } from '../store/tokens';
import { authorizationJson } from '../tokens/authorization-json';
import { scopesSchema, validateScopes } from '../tokens/scope-input';
import { mintToken } from '../tokens/token-service';

const API = '/api/v3';
const BASIC: AuthRequirement = { basicOnly: true };

const noteSchema = { type: 'string', minLength: 1, maxLength: 255 } as const;
const noteUrlSchema = { type: 'string', maxLength: 1024 } as const;
const fingerprintSchema = { type: 'string', minLength: 1, maxLength: 255 } as const;
const clientIdSchema = { type: 'string', minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_.-]+$' } as const;
const clientSecretSchema = { type: 'string', maxLength: 128 } as const;

async function ownClassic(ctx: ProviderContext, principal: Principal, idText: string): Promise<TokenRecord> {
  const t = await ctx.store.tokens.byId(idParam(idText));
  if (!t || t.userId !== principal.user.id || t.kind !== 'classic') throw notFound();
  return t;
}

async function assertNoteFree(ctx: ProviderContext, userId: number, note: string, fingerprint: string | null, exceptId?: number): Promise<void> {
  const other = await ctx.store.tokens.findByNote(userId, 'classic', note, fingerprint);
  if (other && other.id !== exceptId) {
    throw validationFailed([{ resource: 'OauthAccess', field: 'description', code: 'already_exists', message: `'${note}' is already the note of another token` }]);
  }
}

export function registerAuthorizationRoutes(app: FastifyInstance, ctx: ProviderContext): void {
  async function create(
    request: FastifyRequest,
    reply: FastifyReply,
    input: { scopes?: string[]; note: string; noteUrl?: string; clientId?: string; fingerprint?: string },
  ) {
    const principal = principalOf(request);
    const scopes = validateScopes('scopes', input.scopes);
    await assertNoteFree(ctx, principal.user.id, input.note, input.fingerprint ?? null);
    const now = ctx.clock.now();
    const { record, secret } = await mintToken(ctx, {
      userId: principal.user.id,
      kind: 'classic',
      note: input.note,
      noteUrl: input.noteUrl ?? null,
      clientId: input.clientId ?? null,
      fingerprint: input.fingerprint ?? null,
      scopes,
      status: 'active',
      expiresAt: null,
      sudoUntil: new Date(now.getTime() + SUDO_WINDOW_MS),
    });
    await audit(ctx, requestSource(request), AUDIT_ACTIONS.userLogin, { data: { via: 'oauth_authorization' } });
    await audit(ctx, requestSource(request), AUDIT_ACTIONS.oauthAuthorizationCreate, {
      tokenId: record.id,
      data: { note: record.note, scopes, token_last_eight: record.tokenLastEight, ...(record.clientId ? { client_id: record.clientId } : {}) },
    });
    reply.code(201).header('Location', `${ctx.origin}${API}/authorizations/${record.id}`);
    return authorizationJson(ctx, record, principal.user, secret);
  }

  app.post<{ Body: CreateAuthorizationRequest }>(
    `${API}/authorizations`,
    {
      config: { auth: BASIC },
      schema: {
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['note'],
          properties: {
            scopes: scopesSchema,
            note: noteSchema,
            note_url: noteUrlSchema,
            client_id: clientIdSchema,
            client_secret: clientSecretSchema,
            fingerprint: fingerprintSchema,
          },
        },
      },
    },
    async (request, reply) => {
      const b = request.body;
      if (b.client_secret !== undefined && b.client_id === undefined) throw invalidField('client_id', 'is required with client_secret', 'missing_field');
      return create(request, reply, { scopes: b.scopes, note: b.note, noteUrl: b.note_url, clientId: b.client_id, fingerprint: b.fingerprint });
    },
  );

  app.get<{ Querystring: { per_page?: string; page?: string } }>(
    `${API}/authorizations`,
    { config: { auth: BASIC }, schema: { querystring: { type: 'object', additionalProperties: false, properties: paginationQuerySchema } } },
    async (request, reply) => {
      const principal = principalOf(request);
      const page = pageOf(request.query);
      const query = { userId: principal.user.id, kind: 'classic' as const, statuses: ['active' as const, 'expired' as const] };
      const tokens = await ctx.store.tokens.list({ ...query, limit: page.limit, offset: page.offset });
      setLinkHeader(request, reply, page, await ctx.store.tokens.count(query), ctx.origin);
      return tokens.map((t) => authorizationJson(ctx, t, principal.user));
    },
  );

  app.get<{ Params: { id: string } }>(`${API}/authorizations/:id`, { config: { auth: BASIC } }, async (request) => {
    const principal = principalOf(request);
    return authorizationJson(ctx, await ownClassic(ctx, principal, request.params.id), principal.user);
  });

  app.patch<{ Params: { id: string }; Body: UpdateAuthorizationRequest }>(
    `${API}/authorizations/:id`,
    {
      config: { auth: BASIC },
      schema: {
        body: {
          type: 'object',
          additionalProperties: false,
          properties: {
            scopes: scopesSchema,
            add_scopes: scopesSchema,
            remove_scopes: scopesSchema,
            note: noteSchema,
            note_url: noteUrlSchema,
            fingerprint: fingerprintSchema,
          },
        },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const t = await ownClassic(ctx, principal, request.params.id);
      const b = request.body;
      const given = (['scopes', 'add_scopes', 'remove_scopes'] as const).filter((k) => b[k] !== undefined);
      if (given.length > 1) throw invalidField(given[1], `cannot be combined with ${given[0]}`);
      let scopes: string[] | undefined;
      if (b.scopes !== undefined) scopes = validateScopes('scopes', b.scopes);
      else if (b.add_scopes !== undefined) scopes = validateScopes('add_scopes', [...t.scopes, ...validateScopes('add_scopes', b.add_scopes)]);
      else if (b.remove_scopes !== undefined) {
        const remove = new Set(validateScopes('remove_scopes', b.remove_scopes));
        scopes = t.scopes.filter((s) => !remove.has(s));
      }
      const note = b.note ?? t.note;
      const fingerprint = b.fingerprint ?? t.fingerprint;
      if (b.note !== undefined || b.fingerprint !== undefined) await assertNoteFree(ctx, principal.user.id, note, fingerprint, t.id);
      // Basic + OTP on this request is fresh proof, so widening needs nothing more here.
      const updated = await ctx.store.tokens.update(t.id, {
        scopes,
        note: b.note,
        noteUrl: b.note_url,
        fingerprint: b.fingerprint,
        updatedAt: ctx.clock.now(),
      });
      if (!updated) throw notFound();
      await audit(ctx, requestSource(request), AUDIT_ACTIONS.oauthAuthorizationUpdate, {
        tokenId: t.id,
        data: { note: updated.note, scopes: updated.scopes, previous_scopes: t.scopes },
      });
      return authorizationJson(ctx, updated, principal.user);
    },
  );

  app.delete<{ Params: { id: string } }>(`${API}/authorizations/:id`, { config: { auth: BASIC } }, async (request, reply) => {
    const principal = principalOf(request);
    const t = await ownClassic(ctx, principal, request.params.id);
    await ctx.store.tokens.delete(t.id);
    await audit(ctx, requestSource(request), AUDIT_ACTIONS.oauthAuthorizationDestroy, {
      tokenId: t.id,
      data: { note: t.note, token_last_eight: t.tokenLastEight },
    });
    reply.code(204);
  });

  const getOrCreateBody = {
    type: 'object',
    additionalProperties: false,
    properties: { client_secret: clientSecretSchema, scopes: scopesSchema, note: noteSchema, note_url: noteUrlSchema, fingerprint: fingerprintSchema },
  } as const;
  type GetOrCreateBody = { client_secret?: string; scopes?: string[]; note?: string; note_url?: string; fingerprint?: string };

  async function getOrCreate(request: FastifyRequest, reply: FastifyReply, clientId: string, fingerprint: string | undefined, b: GetOrCreateBody) {
    if (!new RegExp(clientIdSchema.pattern).test(clientId) || clientId.length > clientIdSchema.maxLength) throw invalidField('client_id', 'is not a valid client id');
    if (fingerprint !== undefined && (fingerprint.length === 0 || fingerprint.length > fingerprintSchema.maxLength)) {
      throw invalidField('fingerprint', 'must be 1–255 characters');
    }
    const principal = principalOf(request);
    const existing = await ctx.store.tokens.findByClient(principal.user.id, clientId, fingerprint ?? null);
    if (existing) {
      // This request is a fresh sign-in (Basic + OTP): the existing token's sudo window opens again.
      const sudoUntil = new Date(ctx.clock.now().getTime() + SUDO_WINDOW_MS);
      await ctx.store.tokens.setSudoUntil(existing.id, sudoUntil);
      await audit(ctx, requestSource(request), AUDIT_ACTIONS.userLogin, { data: { via: 'oauth_authorization' } });
      reply.code(200);
      return authorizationJson(ctx, existing, principal.user);
    }
    return create(request, reply, {
      scopes: b.scopes,
      note: b.note ?? `${clientId}${fingerprint ? ` ${fingerprint}` : ''}`,
      noteUrl: b.note_url,
      clientId,
      fingerprint,
    });
  }

  app.put<{ Params: { client_id: string; fingerprint: string }; Body: GetOrCreateBody }>(
    `${API}/authorizations/clients/:client_id/:fingerprint`,
    { config: { auth: BASIC }, schema: { body: getOrCreateBody } },
    async (request, reply) => {
      if (request.body.fingerprint !== undefined && request.body.fingerprint !== request.params.fingerprint) {
        throw invalidField('fingerprint', 'differs from the fingerprint in the path');
      }
      return getOrCreate(request, reply, request.params.client_id, request.params.fingerprint, request.body);
    },
  );

  app.put<{ Params: { client_id: string }; Body: GetOrCreateBody }>(
    `${API}/authorizations/clients/:client_id`,
    { config: { auth: BASIC }, schema: { body: getOrCreateBody } },
    async (request, reply) => getOrCreate(request, reply, request.params.client_id, request.body.fingerprint, request.body),
  );
}
