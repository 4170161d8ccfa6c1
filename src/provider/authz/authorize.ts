// The one authorization layer: an onRequest hook on every route (and one for requests no route
// matched) that authenticates the caller, sets the token headers, loads the route's resource and
// runs ctx.guards. Runs before body parsing and validation, so an unauthenticated caller gets 401
// before any 4xx about its body. (It also sets the no-store / nosniff headers every answer
// carries: one hook, not two.) The fast lane in front of Fastify (routes/user-fast-lane.ts) runs
// the same guards, through runGuards, for the one request it answers itself.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { authenticate } from '../auth/authenticate';
import type { Principal } from '../auth/principal';
import type { ProviderContext } from '../context';
import { COMMON_HEADERS } from '../http/common-headers';
import { HttpError, notFound } from '../http/errors';
import type { Denial, GuardInput } from './guard';
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

type MaybePromise<T> = T | Promise<T>;

export function isPromise<T>(value: MaybePromise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown } | undefined)?.then === 'function';
}

/** The request's principal: synchronous when nothing had to be waited for (see authenticate). */
export function authenticateRequest(ctx: ProviderContext, request: FastifyRequest): MaybePromise<Principal | undefined> {
  return authenticate(ctx, {
    authorization: headerValue(request.headers.authorization),
    otp: headerValue(request.headers['x-github-otp']),
    ip: request.ip,
    connection: request.raw.socket,
  });
}

/**
 * Authenticates, loads the resource and runs the guards. Every step that answers at once is taken
 * at once (a cached token, a route without a resource, guards that need no database), so the
 * common request passes without a single promise turn; the first step that returns a Promise
 * continues asynchronously from there. Denials throw (or reject) an HttpError.
 */
function authorize(ctx: ProviderContext, request: FastifyRequest, reply: FastifyReply, requirement: AuthRequirement): MaybePromise<void> {
  const principal = authenticateRequest(ctx, request);
  if (isPromise(principal)) return principal.then((p) => authorizePrincipal(ctx, request, reply, requirement, p));
  return authorizePrincipal(ctx, request, reply, requirement, principal);
}

function authorizePrincipal(
  ctx: ProviderContext,
  request: FastifyRequest,
  reply: FastifyReply,
  requirement: AuthRequirement,
  principal: Principal | undefined,
): MaybePromise<void> {
  request.principal = principal;
  if (principal?.token) {
    const accepted = resolvePerRequest(requirement.classicScopes, request, undefined);
    setTokenHeaders(reply, principal.token, accepted);
  }
  if (!principal && !requirement.anonymous) throw new HttpError(401, 'Requires authentication');
  if (!requirement.resource) {
    request.authz = { requirement, resource: undefined };
    return runGuards(ctx, { principal, requirement, resource: undefined, request, ctx }, 0);
  }
  return requirement.resource(request, ctx, principal).then((resource) => {
    if (!resource) throw notFound();
    if (principal?.token && typeof requirement.classicScopes === 'function') {
      setTokenHeaders(reply, principal.token, resolvePerRequest(requirement.classicScopes, request, resource));
    }
    request.authz = { requirement, resource };
    return runGuards(ctx, { principal, requirement, resource, request, ctx }, 0);
  });
}

/** ctx.guards from `from` on, in order; the first denial throws (or rejects). */
export function runGuards(ctx: ProviderContext, input: GuardInput, from: number): MaybePromise<void> {
  for (let i = from; i < ctx.guards.length; i++) {
    const denial = ctx.guards[i](input);
    if (isPromise(denial)) {
      return denial.then((d) => {
        if (d) throw denialError(d);
        return runGuards(ctx, input, i + 1);
      });
    }
    if (denial) throw denialError(denial);
  }
}

export function installAuthorization(app: FastifyInstance, ctx: ProviderContext): void {
  app.decorateRequest('principal', undefined);
  app.decorateRequest('authz', undefined);

  // Each route gets its own hook, first in its onRequest list, holding its requirement (reading
  // request.routeOptions builds an object on every call). Fail closed: a route without a declared
  // requirement cannot be registered.
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

  // Requests no route matched (the not-found handler).
  app.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done: HookDone) => {
    if (!request.is404) {
      done();
      return;
    }
    setCommonHeaders(reply);
    let result: MaybePromise<void>;
    try {
      result = authenticateUnrouted(ctx, request, reply);
    } catch (err) {
      done(err as Error);
      return;
    }
    finish(result, done, undefined);
  });
}

type HookDone = (err?: Error) => void;

/** Headers every answer carries. */
function setCommonHeaders(reply: FastifyReply): void {
  for (const [name, value] of COMMON_HEADERS) reply.header(name, value);
}

// Callback style (not async), so a request that needs no waiting passes without promise turns.
function authorizationHook(ctx: ProviderContext, requirement: AuthRequirement) {
  return (request: FastifyRequest, reply: FastifyReply, done: HookDone): void => {
    setCommonHeaders(reply);
    let result: MaybePromise<void>;
    try {
      result = authorize(ctx, request, reply, requirement);
    } catch (err) {
      failed(err, done, requirement);
      return;
    }
    finish(result, done, requirement);
  };
}

/** Calls `done` once the hook's work has finished: at once when it returned no Promise. */
function finish(result: MaybePromise<void>, done: HookDone, requirement: AuthRequirement | undefined): void {
  if (isPromise(result)) result.then(() => done(), (err: unknown) => failed(err, done, requirement));
  else done();
}

/** A 401 on a route that names its WWW-Authenticate challenge (git) carries it. */
function failed(err: unknown, done: HookDone, requirement: AuthRequirement | undefined): void {
  if (requirement?.wwwAuthenticate && err instanceof HttpError && err.status === 401) {
    err.headers['WWW-Authenticate'] ??= requirement.wwwAuthenticate;
  }
  done(err as Error);
}

/**
 * The not-found handler: like GitHub, check credentials that were sent before saying 404
 * (@octokit/auth-basic relies on this to trigger the 2FA challenge).
 */
function authenticateUnrouted(ctx: ProviderContext, request: FastifyRequest, reply: FastifyReply): MaybePromise<void> {
  const authenticated = (principal: Principal | undefined) => {
    request.principal = principal;
    if (principal?.token) setTokenHeaders(reply, principal.token, []);
  };
  const principal = authenticateRequest(ctx, request);
  if (isPromise(principal)) return principal.then(authenticated);
  authenticated(principal);
}
