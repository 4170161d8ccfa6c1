// The one authorization layer: an onRequest hook on every route (and, for requests no route
// matched, authenticateUnrouted, the last step of app.ts's first onRequest hook) that authenticates the caller, sets the token headers, loads the route's resource and
// runs ctx.guards. Runs before body parsing and validation, so an unauthenticated caller gets 401
// before any 4xx about its body. (It also sets the no-store / nosniff headers every answer
// carries: one hook, not two.)
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { setCommonHeaders } from '../http/common-headers';
import { authenticate } from '../auth/authenticate';
import { refuseQueryToken } from '../auth/credentials';
import type { Principal } from '../auth/principal';
import type { ProviderContext } from '../context';
import { MaybePromise, thenMaybe } from '../maybe-promise';
import { HttpError, notFound } from '../http/errors';
import type { Denial, GuardInput } from './guard';
import { AuthRequirement, resolvePerRequest } from './requirement';
import type { AuthzResource } from './resource';
import { setTokenHeaders } from './token-headers';

interface RequestAuthz {
  requirement: AuthRequirement;
  resource: AuthzResource | undefined;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the authorization hook when the caller authenticated. */
    principal: Principal | undefined;
    /** Set by the authorization hook on routes with a requirement. */
    authz: RequestAuthz | undefined;
  }
  interface FastifyContextConfig {
    auth?: AuthRequirement;
  }
}

function denialError(d: Denial): HttpError {
  return new HttpError(d.status, d.message, { headers: d.headers });
}

function headerValue(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

/** The principal of a request that has passed the hook on a non-anonymous route. */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new HttpError(401, 'Requires authentication');
  return request.principal;
}

/** The request's principal (undefined without credentials), at once on a token-cache hit; bad credentials throw or reject with a 401. */
function authenticateRequest(ctx: ProviderContext, request: FastifyRequest): MaybePromise<Principal | undefined> {
  refuseQueryToken(request.query);
  return authenticate(ctx, {
    authorization: headerValue(request.headers.authorization),
    otp: headerValue(request.headers['x-github-otp']),
    ip: request.ip,
  });
}

/**
 * Authenticates, loads the resource and runs the guards, in order — each step in the same turn
 * as the one before when its answer is ready (a cache hit, a guard that answers at once), else
 * once it is. Denials throw (or reject with) an HttpError.
 */
function authorize(ctx: ProviderContext, request: FastifyRequest, reply: FastifyReply, requirement: AuthRequirement): MaybePromise<void> {
  return thenMaybe(authenticateRequest(ctx, request), (principal) => {
    request.principal = principal;
    if (principal?.token) setTokenHeaders(reply, principal.token, resolvePerRequest(requirement.classicScopes, request, undefined));
    if (!principal && !requirement.anonymous) throw new HttpError(401, 'Requires authentication');
    if (!requirement.resource) return runGuards(ctx, request, requirement, principal, undefined);
    return thenMaybe(requirement.resource(request, ctx, principal), (resource) => {
      if (!resource) throw notFound();
      if (principal?.token && typeof requirement.classicScopes === 'function') {
        setTokenHeaders(reply, principal.token, resolvePerRequest(requirement.classicScopes, request, resource));
      }
      return runGuards(ctx, request, requirement, principal, resource);
    });
  });
}

function runGuards(ctx: ProviderContext, request: FastifyRequest, requirement: AuthRequirement, principal: Principal | undefined, resource: AuthzResource | undefined): MaybePromise<void> {
  request.authz = { requirement, resource };
  return thenMaybe(guardDenial({ principal, requirement, resource, request, ctx }), (denial) => {
    if (denial) throw denialError(denial);
  });
}

/**
 * The guard list's answer for one resource: the first denial, or undefined — at once when every
 * guard answers at once (most do), else a promise. The hook runs it for every route; a handler
 * that reaches more objects than its route's resource (GraphQL) runs it per object.
 */
export function guardDenial(input: GuardInput, from = 0): MaybePromise<Denial | undefined> {
  const guards = input.ctx.guards;
  for (let i = from; i < guards.length; i++) {
    const answer = guards[i](input);
    // Only a promise is waited for; the guards after it run once it has answered.
    if (answer instanceof Promise) return answer.then((denial) => (denial ? denial : guardDenial(input, i + 1)));
    if (answer) return answer;
  }
  return undefined;
}

export function installAuthorization(app: FastifyInstance, ctx: ProviderContext): void {
  app.decorateRequest('principal', undefined);
  app.decorateRequest('authz', undefined);

  // Each route gets its own hook, first in its onRequest list, holding its requirement. Fail
  // closed: a route without a declared requirement cannot be registered.
  const routeHooks = new WeakSet<object>();
  app.addHook('onRoute', (route) => {
    const requirement = (route.config as { auth?: AuthRequirement } | undefined)?.auth;
    if (!requirement) throw new Error(`route ${route.method} ${route.url} declares no config.auth requirement`);
    const existing = route.onRequest ? (Array.isArray(route.onRequest) ? route.onRequest : [route.onRequest]) : [];
    if (existing.some((hook) => routeHooks.has(hook))) return;
    const hook = authorizationHook(ctx, requirement);
    routeHooks.add(hook);
    route.onRequest = [hook, ...existing] as typeof route.onRequest;
  });

}

/**
 * Requests no route matched (the not-found handler): like GitHub, check credentials that were
 * sent before saying 404 (@octokit/auth-basic relies on this to trigger the 2FA challenge). The
 * last step of app.ts's first onRequest hook; a routed request goes on at once (to its route's
 * authorization hook).
 */
export function authenticateUnrouted(ctx: ProviderContext, request: FastifyRequest, reply: FastifyReply, done: (err?: Error) => void): void {
  if (!request.is404) {
    done();
    return;
  }
  setCommonHeaders(reply);
  // (Through a promise even when the answer is at once: a request that reached no route is rare.)
  Promise.resolve()
    .then(() => authenticateRequest(ctx, request))
    .then((principal) => {
      request.principal = principal;
      if (principal?.token) setTokenHeaders(reply, principal.token, []);
      done();
    }, done);
}

function authorizationHook(ctx: ProviderContext, requirement: AuthRequirement) {
  // A 401 on a route that names its WWW-Authenticate challenge (git) carries it.
  const refused = (err: unknown): Error => {
    if (requirement.wwwAuthenticate && err instanceof HttpError && err.status === 401) {
      err.headers['WWW-Authenticate'] ??= requirement.wwwAuthenticate;
    }
    return err as Error;
  };
  // Callback style: a request whose steps all answer at once goes on without a promise's hop.
  return (request: FastifyRequest, reply: FastifyReply, done: (err?: Error) => void): void => {
    setCommonHeaders(reply);
    let pending: MaybePromise<void>;
    try {
      pending = authorize(ctx, request, reply, requirement);
    } catch (err) {
      done(refused(err));
      return;
    }
    if (pending instanceof Promise) pending.then(() => done(), (err: unknown) => done(refused(err)));
    else done();
  };
}
