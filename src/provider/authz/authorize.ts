// The one authorization layer: an onRequest hook that authenticates the caller, sets the token
// headers, loads the route's resource and runs ctx.guards. Runs before body parsing and
// validation, so an unauthenticated caller gets 401 before any 4xx about its body. (It also sets
// the no-store / nosniff headers every answer carries: one hook, not two.)
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { authenticate } from '../auth/authenticate';
import type { Principal } from '../auth/principal';
import type { ProviderContext } from '../context';
import { HttpError, notFound } from '../http/errors';
import type { Denial } from './guard';
import { AuthRequirement, resolvePerRequest } from './requirement';
import type { AuthzResource } from './resource';
import { setTokenHeaders } from './token-headers';

export interface RequestAuthz {
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

export async function authenticateRequest(ctx: ProviderContext, request: FastifyRequest): Promise<Principal | undefined> {
  return authenticate(ctx, {
    authorization: headerValue(request.headers.authorization),
    otp: headerValue(request.headers['x-github-otp']),
    ip: request.ip,
  });
}

export function installAuthorization(app: FastifyInstance, ctx: ProviderContext): void {
  app.decorateRequest('principal', undefined);
  app.decorateRequest('authz', undefined);

  // Fail closed: a route without a declared requirement cannot be registered.
  app.addHook('onRoute', (route) => {
    const config = route.config as { auth?: AuthRequirement } | undefined;
    if (!config?.auth) throw new Error(`route ${route.method} ${route.url} declares no config.auth requirement`);
  });

  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    reply.header('Cache-Control', 'no-store');
    reply.header('X-Content-Type-Options', 'nosniff');
    const requirement = request.routeOptions.config.auth;
    if (!requirement) {
      // The not-found handler: like GitHub, check credentials that were sent before saying 404
      // (@octokit/auth-basic relies on this to trigger the 2FA challenge).
      request.principal = await authenticateRequest(ctx, request);
      if (request.principal?.token) setTokenHeaders(reply, request.principal.token, []);
      return;
    }
    try {
      const principal = await authenticateRequest(ctx, request);
      request.principal = principal;
      if (principal?.token) {
        const accepted = resolvePerRequest(requirement.classicScopes, request, undefined);
        setTokenHeaders(reply, principal.token, accepted);
      }
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
      for (const guard of ctx.guards) {
        const denial = await guard({ principal, requirement, resource, request, ctx });
        if (denial) throw denialError(denial);
      }
    } catch (err) {
      if (err instanceof HttpError && err.status === 401 && requirement.wwwAuthenticate) {
        err.headers['WWW-Authenticate'] ??= requirement.wwwAuthenticate;
      }
      throw err;
    }
  });
}
