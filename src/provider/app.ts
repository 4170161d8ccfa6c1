// Builds the Fastify application: JSON-only body parsing (64 KiB, UTF-8), strict validation
// (unknown fields rejected, no coercion, no control characters or lone surrogates in any string:
// http/text-input.ts), the error mapper, the authorization hook and routes.
import Fastify, { FastifyInstance, FastifyRequest } from 'fastify';
import type { ProviderContext } from './context';
import { installAuthorization } from './authz/authorize';
import { installErrorHandler } from './http/error-handler';
import { HttpError } from './http/errors';
import { BODY_LIMIT, installJsonBodyParser } from './http/json-body';
import { installTextInputCheck } from './http/text-input';
import { ROUTE_MODULES, RouteModule } from './routes';

export interface AppOptions {
  https?: { cert: string; key: string };
  /** Extra route modules (after the built-in ones). */
  routes?: readonly RouteModule[];
}

export function buildApp(ctx: ProviderContext, opts: AppOptions = {}): FastifyInstance {
  const app = Fastify({
    logger: false,
    bodyLimit: BODY_LIMIT,
    forceCloseConnections: true,
    return503OnClosing: true,
    // No request timeout (a long git push is one request), but a connection that sends and
    // receives nothing for two minutes is closed, so a stalled client cannot hold a socket forever.
    connectionTimeout: 120_000,
    ...(opts.https ? { https: { cert: opts.https.cert, key: opts.https.key } } : {}),
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 500 },
    ajv: {
      customOptions: {
        // Reject unknown fields (additionalProperties: false) instead of silently dropping them,
        // and never coerce types: `"scopes": "repo"` is a 422, not ["repo"].
        removeAdditional: false,
        coerceTypes: false,
        useDefaults: false,
        allErrors: true,
      },
    },
  }) as unknown as FastifyInstance;

  installJsonBodyParser(app);
  installErrorHandler(app, ctx.log, (err) => ctx.store.isBusy(err));
  installAuthorization(app, ctx);
  installTextInputCheck(app);

  // A POST/PATCH/PUT without a body validates as `{}`, so its missing fields are named (422)
  // instead of "body must be object". Added per route (only routes with a body schema pay for it).
  const defaultBody = async (request: FastifyRequest) => {
    if (request.body === undefined) request.body = {};
  };
  app.addHook('onRoute', (route) => {
    if (!route.schema?.body) return;
    const existing = route.preValidation;
    route.preValidation = [defaultBody, ...(existing ? (Array.isArray(existing) ? existing : [existing]) : [])] as typeof route.preValidation;
  });

  app.setNotFoundHandler(async () => {
    throw new HttpError(404, 'Not Found');
  });

  for (const register of [...ROUTE_MODULES, ...(opts.routes ?? [])]) register(app, ctx);
  return app;
}
