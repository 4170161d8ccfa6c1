// GitHub's 2013 OAuth Authorizations API, Basic (+ X-GitHub-OTP) only:
// POST/GET /authorizations, GET/PATCH/DELETE /authorizations/{id},
// PUT /authorizations/clients/{client_id}[/{fingerprint}] (get-or-create: 201 new, 200 existing).
// A token made here is the sign-in of a client: its sudo window opens now, for two hours.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { CreateAuthorizationRequest, UpdateAuthorizationRequest } from '../../shared/api-types';
import { principalOf } from '../authz/authorize';
import { callerOf } from '../authz/caller';
import type { AuthRequirement } from '../authz/requirement';
import type { ProviderContext } from '../context';
import { invalidField } from '../http/errors';
import { idParam } from '../http/params';
import { pageOf, pagedQuerySchema, setLinkHeader } from '../http/pagination';
import { authorizationJson } from '../tokens/authorization-json';
import {
  AuthorizationOutcome,
  createAuthorization,
  deleteAuthorization,
  getOrCreateAuthorization,
  listAuthorizations,
  readAuthorization,
  updateAuthorization,
} from '../tokens/authorization-service';
import { scopesSchema } from '../tokens/scope-input';

const API = '/api/v3';
const BASIC: AuthRequirement = { basicOnly: true };

const noteSchema = { type: 'string', minLength: 1, maxLength: 255 } as const;
const noteUrlSchema = { type: 'string', maxLength: 1024 } as const;
const fingerprintSchema = { type: 'string', minLength: 1, maxLength: 255 } as const;
const clientIdSchema = { type: 'string', minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_.-]+$' } as const;
const clientSecretSchema = { type: 'string', maxLength: 128 } as const;

export function registerAuthorizationRoutes(app: FastifyInstance, ctx: ProviderContext): void {
  /** 201 with the new token's secret, or 200 with a token found again; Location names it either way (as GitHub documents). */
  function send(request: FastifyRequest, reply: FastifyReply, { record, secret }: AuthorizationOutcome) {
    const body = authorizationJson(ctx, record, principalOf(request).user, secret);
    reply.code(secret === undefined ? 200 : 201).header('Location', body.url);
    return body;
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
      const minted = await createAuthorization(ctx, callerOf(request), { scopes: b.scopes, note: b.note, noteUrl: b.note_url, clientId: b.client_id, fingerprint: b.fingerprint });
      return send(request, reply, minted);
    },
  );

  app.get<{ Querystring: { client_id?: string; per_page?: string; page?: string } }>(
    `${API}/authorizations`,
    { config: { auth: BASIC }, schema: { querystring: pagedQuerySchema({ client_id: clientIdSchema }) } },
    async (request, reply) => {
      const principal = principalOf(request);
      const page = pageOf(request.query);
      const { tokens, total } = await listAuthorizations(ctx, principal, request.query.client_id, page);
      setLinkHeader(request, reply, page, total, ctx.origin);
      return tokens.map((t) => authorizationJson(ctx, t, principal.user));
    },
  );

  app.get<{ Params: { id: string } }>(`${API}/authorizations/:id`, { config: { auth: BASIC } }, async (request) => {
    const principal = principalOf(request);
    return authorizationJson(ctx, await readAuthorization(ctx, principal, idParam(request.params.id)), principal.user);
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
      const updated = await updateAuthorization(ctx, callerOf(request), idParam(request.params.id), request.body);
      return authorizationJson(ctx, updated, principalOf(request).user);
    },
  );

  app.delete<{ Params: { id: string } }>(`${API}/authorizations/:id`, { config: { auth: BASIC } }, async (request, reply) => {
    await deleteAuthorization(ctx, callerOf(request), idParam(request.params.id));
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
    const outcome = await getOrCreateAuthorization(ctx, callerOf(request), clientId, fingerprint, { scopes: b.scopes, note: b.note, noteUrl: b.note_url });
    return send(request, reply, outcome);
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
