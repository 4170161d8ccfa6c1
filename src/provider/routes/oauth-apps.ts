// OAuth app registration (Tessera's own API): GET /user/oauth-apps (the built-in apps and the
// caller's), POST /user/oauth-apps {name, url, callback_url?} → 201 with the client secret once,
// DELETE /user/oauth-apps/{client_id} (the caller's own).
import type { FastifyInstance } from 'fastify';
import type { CreateOAuthAppRequest } from '../../shared/api-types';
import { callerOf } from '../authz/caller';
import type { AuthRequirement } from '../authz/requirement';
import type { ProviderContext } from '../context';
import { oauthAppJson } from '../oauth/oauth-app-json';
import { deleteOAuthApp, listOAuthApps, registerOAuthApp } from '../oauth/oauth-app-service';

const BASE = '/api/v3/user/oauth-apps';
const MANAGE: AuthRequirement = { classicScopes: ['admin:token'] };

export function registerOAuthAppRoutes(app: FastifyInstance, ctx: ProviderContext): void {
  app.get(BASE, { config: { auth: MANAGE } }, async (request) => {
    const caller = callerOf(request);
    return (await listOAuthApps(ctx, caller)).map((a) => oauthAppJson(a, a.ownerId === null ? null : caller.principal.user.login));
  });

  app.post<{ Body: CreateOAuthAppRequest }>(
    BASE,
    {
      config: { auth: MANAGE },
      schema: {
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['name', 'url'],
          properties: {
            name: { type: 'string', minLength: 1, maxLength: 100 },
            url: { type: 'string', minLength: 1, maxLength: 1024 },
            callback_url: { type: 'string', minLength: 1, maxLength: 1024 },
          },
        },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      const { app: created, clientSecret } = await registerOAuthApp(ctx, caller, request.body);
      reply.code(201).header('Location', `${ctx.origin}${BASE}/${created.clientId}`);
      return oauthAppJson(created, caller.principal.user.login, clientSecret);
    },
  );

  app.delete<{ Params: { client_id: string } }>(`${BASE}/:client_id`, { config: { auth: MANAGE } }, async (request, reply) => {
    await deleteOAuthApp(ctx, callerOf(request), request.params.client_id);
    reply.code(204);
  });
}
