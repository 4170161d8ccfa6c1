// Builds the Fastify application: the Host/Origin check first (http/served-hosts.ts), the API body
// deadline and connection limits (http/connection-limits.ts), JSON-only body parsing (64 KiB,
// UTF-8), strict validation (unknown fields rejected, no coercion, no control characters or lone
// surrogates in any string: http/text-input.ts), the error mapper, GitHub's answer headers, the
// authorization hook, conditional requests, the API rate limit and routes.
import Fastify, { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ProviderContext } from './context';
import { authenticateUnrouted, installAuthorization } from './authz/authorize';
import { installRequestLog, setApiHeaders } from './http/api-headers';
import { decodedPathOf, installApiRateLimit } from './http/api-rate-limit';
import { installConditionalRequests } from './http/conditional-requests';
import { documentationUrl } from './http/error-docs';
import { installErrorHandler } from './http/error-handler';
import { installGracefulClose } from './http/graceful-close';
import { HttpError } from './http/errors';
import { BODY_LIMIT, installJsonBodyParser } from './http/json-body';
import { installTextInputCheck } from './http/text-input';
import { installWriteQueryCheck } from './http/write-query';
import { bodyDeadline, ConnectionLimits, connectionLimits } from './http/connection-limits';
import { hostCheck, ServedHosts, ServedName } from './http/served-hosts';
import { newRequestId } from './http/request-id';
import { notFoundMessage } from './http/absent-api-areas';
import { ROUTE_MODULES, RouteModule } from './routes';

interface AppOptions {
  https?: { cert: string; key: string };
  /** Extra route modules (after the built-in ones). */
  routes?: readonly RouteModule[];
  /** Names served besides the loopback ones (http/served-hosts.ts servedNames). */
  servedNames?: readonly ServedName[];
  /** The origin clients reach the server at, when another (a TLS-terminating proxy): its Origin header is the provider's own. */
  publicUrl?: string;
  /** Over DEFAULT_CONNECTION_LIMITS. */
  limits?: Partial<ConnectionLimits>;
  /** Proxies whose X-Forwarded-For gives request.ip (addresses, CIDRs, `loopback`); default none. */
  trustProxy?: string[];
  /** Set to say why (a team server that lost its serving lock and is stopping): every request from then on is refused, 503. */
  refuseAll?: () => string | undefined;
}

/** The 503 of a server that is stopping (refuseAll says why), or undefined. */
function stoppingRefusal(refuseAll: AppOptions['refuseAll']): HttpError | undefined {
  const why = refuseAll?.();
  return why ? new HttpError(503, `This server is stopping: ${why}`, { headers: { 'Retry-After': '5' } }) : undefined;
}

export function buildApp(ctx: ProviderContext, opts: AppOptions = {}): FastifyInstance {
  const limits = connectionLimits(opts.limits);
  const timing = { connectionsCheckingInterval: Math.max(50, Math.min(5_000, Math.floor(limits.headersTimeoutMs / 2))) };
  // No Host is served until the server listens (its port is part of every served Host).
  const served = new ServedHosts(opts.https ? 'https' : 'http', opts.servedNames ?? [], opts.publicUrl);
  const app = Fastify({
    logger: false,
    genReqId: newRequestId,
    bodyLimit: BODY_LIMIT,
    // The close ends the connections itself, in its order (http/graceful-close.ts); a request that
    // comes on a connection still open meanwhile is answered, not refused (with Connection: close).
    forceCloseConnections: false,
    return503OnClosing: false,
    // The server-wide request deadline is git's (a long push is one request); API bodies have
    // their own, shorter one (installBodyDeadline).
    requestTimeout: limits.requestTimeoutMs,
    connectionTimeout: limits.idleTimeoutMs,
    // Node checks the headers and request deadlines this often (by default every 30 s, which would
    // let a 30 s headers deadline run to a minute).
    ...(opts.https ? { https: { cert: opts.https.cert, key: opts.https.key, ...timing } } : { http: timing }),
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 500 },
    ...(opts.trustProxy?.length ? { trustProxy: opts.trustProxy } : {}),
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

  // Node wants the headers deadline within the request deadline; Fastify has no option for either
  // this or the connection cap.
  app.server.headersTimeout = limits.requestTimeoutMs > 0 ? Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs) : limits.headersTimeoutMs;
  app.server.maxConnections = limits.maxConnections;
  app.server.once('listening', () => {
    const address = app.server.address();
    if (address && typeof address === 'object') served.listeningOn(address.port);
  });
  installGracefulClose(app);
  installRequestLog(app, ctx.log);
  // Every request's first steps, in this order, in one hook (not a hook each): GitHub's headers on
  // every answer, a refused Host's too; a request for a host the provider does not serve answered
  // before anything else; a stopping server's refusal; the body deadline; and for a request no
  // route matched, its credentials (a routed one's are its route's authorization hook's, next).
  const refuseAll = opts.refuseAll;
  const startBodyDeadline = bodyDeadline(limits.apiBodyTimeoutMs);
  app.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done: (err?: Error) => void) => {
    setApiHeaders(request, reply);
    const refused = hostCheck(served, request, reply) ?? stoppingRefusal(refuseAll);
    if (refused) return done(refused);
    startBodyDeadline(request, reply);
    authenticateUnrouted(ctx, request, reply, done);
  });

  installJsonBodyParser(app);
  installErrorHandler(app, ctx.log, ctx.store, (topic) => documentationUrl(ctx.origin, topic));
  installAuthorization(app, ctx);
  installTextInputCheck(app);
  // ETag / 304 before the rate limit's onSend, which gives back a 304's count.
  installConditionalRequests(app);
  installApiRateLimit(app, ctx);

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

  installWriteQueryCheck(app);

  app.setNotFoundHandler(async (request) => {
    throw new HttpError(404, notFoundMessage(decodedPathOf(request.url)));
  });

  for (const register of [...ROUTE_MODULES, ...(opts.routes ?? [])]) register(app, ctx);
  return app;
}
