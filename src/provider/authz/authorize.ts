// The one authorization layer: an onRequest hook on every route (and, for requests no route
// matched, authenticateUnrouted, the last step of app.ts's first onRequest hook) that authenticates the caller, sets the token headers, loads the route's resource and
// runs ctx.guards. Runs before body parsing and validation, so an unauthenticated caller gets 401
// before any 4xx about its body. (It also sets the no-store / nosniff headers every answer
// carries: one hook, not two.)
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { setCommonHeaders } from '../http/common-headers';
import { authenticate } from '../auth/authenticate';
import type { Principal } from '../auth/principal';
import type { ProviderContext } from '../context';
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

/** The request's principal (undefined without credentials); bad credentials reject with a 401. */
function authenticateRequest(ctx: ProviderContext, request: FastifyRequest): Promise<Principal | undefined> {
  return authenticate(ctx, {
    authorization: headerValue(request.headers.authorization),
    otp: headerValue(request.headers['x-github-otp']),
    ip: request.ip,
  });
}

/** Authenticates, loads the resource and runs the guards, in order. Denials reject with an HttpError. */
async function authorize(ctx: ProviderContext, request: FastifyRequest, reply: FastifyReply, requirement: AuthRequirement): Promise<void> {
  const principal = await authenticateRequest(ctx, request);
  request.principal = principal;
  if (principal?.token) setTokenHeaders(reply, principal.token, resolvePerRequest(requirement.classicScopes, request, undefined));
  if (!principal && !requirement.anonymous) throw new HttpError(401, 'Requires authentication');
  let resource: AuthzResource | undefined;
  if (requirement.resource) {
    resource = await requirement.resource(request, ctx, principal);
    if (!resource) throw notFound();
    if (principal?.token && typeof requirement.classicScopes === 'function') {
      setTokenHeaders(reply, principal.token, resolvePerRequest(requirement.classicScopes, request, resource));
    }
  }
  request.authz = { requirement, resource };
  const denial = await guardDenial({ principal, requirement, resource, request, ctx });
  if (denial) throw denialError(denial);
}

/**
 * The guard list's answer for one resource: the first denial, or undefined. The hook runs it for
 * every route; a handler that reaches more objects than its route's resource (GraphQL) runs it
 * per object.
 */
export async function guardDenial(input: GuardInput): Promise<Denial | undefined> {
  for (const guard of input.ctx.guards) {
    const answer = guard(input);
    // Most guards answer at once: only a promise is waited for.
    const denial = answer instanceof Promise ? await answer : answer;
    if (denial) return denial;
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
  authenticateRequest(ctx, request).then((principal) => {
    request.principal = principal;
    if (principal?.token) setTokenHeaders(reply, principal.token, []);
    done();
  }, done);
}

function authorizationHook(ctx: ProviderContext, requirement: AuthRequirement) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    setCommonHeaders(reply);
    try {
      await authorize(ctx, request, reply, requirement);
    } catch (err) {
      // A 401 on a route that names its WWW-Authenticate challenge (git) carries it.
      if (requirement.wwwAuthenticate && err instanceof HttpError && err.status === 401) {
        err.headers['WWW-Authenticate'] ??= requirement.wwwAuthenticate;
      }
      throw err;
    }
  };
}
