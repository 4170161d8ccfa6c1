// GitHub's primary rate limit for the API (paths under /api/v3, and /api/graphql), counted in the
// store so every provider process sharing it shares the counts: a fixed window per clock hour per
// key — the user for password and personal-access-token requests, the token for account API
// tokens (they act for an organization), the client address for anonymous requests. As on GitHub,
// REST (resource `core`) and GraphQL (resource `graphql`, one point per query) are two separate
// buckets of the same size. Every API answer carries the X-RateLimit-* headers; a REST request over
// the limit is refused with 403, Retry-After and the headers, a GraphQL one with GitHub's 200 and a
// RATE_LIMITED error. Answers 304 Not Modified do not count, nor do GET /rate_limit and GraphQL's
// dry runs (`rateLimit(dryRun: true)`, graphql/dry-run.ts), nor requests to a route with a limit of
// its own (route config `ownRateLimit`: POST /credentials/check).
// Git's smart-HTTP routes and the provider's own /-/ endpoints are not rate-limited: they are not
// GitHub's API. Only a git request whose credentials fail is counted, against the client address
// as bad API credentials are (countFailedGitCredentials), so git is no way around that count.
//
// Installed once for every request (app.ts): the count is taken after authentication (the key is
// the caller) and before the body is read (preParsing); a request refused before that (401, a
// denial, 404) is counted when answered (onSend).
import type { FastifyInstance, FastifyReply, FastifyRequest, RequestPayload } from 'fastify';
import type { Principal } from '../auth/principal';
import { HOUR } from '../clock';
import type { ProviderContext, RateLimitSettings } from '../context';
import { HttpError } from './errors';
import type { TakenCount } from './rate-limit-reservations';

export const DEFAULT_RATE_LIMITS: Readonly<RateLimitSettings> = { authenticated: 5000, anonymous: 60 };
const RATE_LIMIT_WINDOW_MS = HOUR;
const RATE_LIMIT_DOCS_TOPIC = 'rate-limit';

/** GitHub's name of a bucket: REST requests count in `core`, GraphQL queries in `graphql`. */
type RateLimitResource = 'core' | 'graphql';

export interface RateLimitState {
  limit: number;
  used: number;
  remaining: number;
  /** When the window ends and the count starts over. */
  reset: Date;
  resource: RateLimitResource;
}

interface RequestRateLimit {
  key: string;
  windowStart: Date;
  state: RateLimitState;
  /** Whether this request was counted (false for GET /rate_limit and refused requests). */
  counted: boolean;
}

declare module 'fastify' {
  interface FastifyRequest {
    /**
     * Set by the rate-limit hooks on API requests; null when the count could not be taken (the
     * database was busy) and is not tried again.
     */
    rateLimit: RequestRateLimit | null | undefined;
  }
  interface FastifyContextConfig {
    /** The route counts its callers against a limit of its own, not the API's primary limit. */
    ownRateLimit?: true;
  }
}

function pathOf(url: string): string {
  const q = url.indexOf('?');
  return q < 0 ? url : url.slice(0, q);
}

/**
 * The path a request is counted by: the pattern of the route it reached (the router decodes a
 * path before matching, so `/%61pi/v3/user` reaches `/api/v3/user` and must count as it), or, for
 * one that reached none, its decoded path.
 */
function countedPathOf(request: FastifyRequest, route: RouteOptions): string {
  return route.url ?? decodedPathOf(request.url);
}

/** Fastify builds request.routeOptions afresh at each read: each hook reads it once. */
type RouteOptions = FastifyRequest['routeOptions'];

/** A request URL's path, decoded as the router decodes it before matching (as sent when it can't be). */
export function decodedPathOf(url: string): string {
  const path = pathOf(url);
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

function isGraphqlPath(path: string): boolean {
  return path === '/api/graphql' || path === '/api/graphql/';
}

function isApiPath(path: string): boolean {
  return path === '/api/v3' || path.startsWith('/api/v3/') || isGraphqlPath(path);
}

function resourceOf(path: string): RateLimitResource {
  return isGraphqlPath(path) ? 'graphql' : 'core';
}

/** GET /rate_limit: reads the caller's count without adding to it. */
function isStatusRequest(request: FastifyRequest, path: string): boolean {
  return (request.method === 'GET' || request.method === 'HEAD') && (path === '/api/v3/rate_limit' || path === '/api/v3/rate_limit/');
}

/** Requests the primary limit leaves alone: the API's, not GitHub's, and routes with their own limit. */
function isUncounted(route: RouteOptions, path: string): boolean {
  return !isApiPath(path) || route.config?.ownRateLimit === true;
}

/** The key a request counts against in `resource`'s bucket (`core`: no prefix), and its limit. */

function rateLimitKey(ctx: ProviderContext, principal: Principal | undefined, ip: string, resource: RateLimitResource): { key: string; limit: number } {
  const limits = ctx.settings.rateLimit;
  const prefix = resource === 'core' ? '' : `${resource}:`;
  if (!principal) return { key: `${prefix}ip:${ip}`, limit: limits.anonymous };
  if (principal.method === 'account-token' && principal.token) return { key: `${prefix}token:${principal.token.id}`, limit: limits.authenticated };
  return { key: `${prefix}user:${principal.user.id}`, limit: limits.authenticated };
}

function windowStartAt(now: Date): Date {
  return new Date(Math.floor(now.getTime() / RATE_LIMIT_WINDOW_MS) * RATE_LIMIT_WINDOW_MS);
}

function stateOf(resource: RateLimitResource, limit: number, used: number, windowStart: Date): RateLimitState {
  const shown = Math.min(used, limit);
  return { limit, used: shown, remaining: limit - shown, reset: new Date(windowStart.getTime() + RATE_LIMIT_WINDOW_MS), resource };
}

function setRateLimitHeaders(reply: FastifyReply, s: RateLimitState): void {
  reply.header('x-ratelimit-limit', String(s.limit));
  reply.header('x-ratelimit-remaining', String(s.remaining));
  reply.header('x-ratelimit-reset', String(Math.ceil(s.reset.getTime() / 1000)));
  reply.header('x-ratelimit-used', String(s.used));
  reply.header('x-ratelimit-resource', s.resource);
}

function exceededMessage(request: FastifyRequest): string {
  const who = request.principal
    ? request.principal.method === 'account-token'
      ? `token ID ${request.principal.token?.id}`
      : `user ID ${request.principal.user.id}`
    : request.ip;
  const extra = request.principal ? '' : ' (But here\'s the good news: Authenticated requests get a higher rate limit.)';
  return `API rate limit exceeded for ${who}.${extra}`;
}

function exceeded(ctx: ProviderContext, request: FastifyRequest, state: RateLimitState): HttpError {
  const wait = Math.max(1, Math.ceil((state.reset.getTime() - ctx.clock.now().getTime()) / 1000));
  return new HttpError(403, exceededMessage(request), { headers: { 'Retry-After': String(wait) }, docsTopic: RATE_LIMIT_DOCS_TOPIC });
}

/** GitHub's answer to a GraphQL query over the limit: 200, and the error in GraphQL's shape. */
function graphqlExceeded(request: FastifyRequest): { errors: { type: string; code: string; message: string }[] } {
  return { errors: [{ type: 'RATE_LIMITED', code: 'graphql_rate_limit', message: exceededMessage(request) }] };
}

/** Forgets the counts of windows that have ended (run by the sweeper). */
export function pruneRateLimits(ctx: ProviderContext): Promise<number> {
  const current = windowStartAt(ctx.clock.now());
  ctx.rateLimits.api.forgetBefore(current);
  return ctx.store.rateLimits.prune(current);
}

/** The caller's count in `resource`'s bucket in the current window, without counting. */
export async function peekRateLimit(ctx: ProviderContext, request: FastifyRequest, resource: RateLimitResource): Promise<RateLimitState> {
  const { key, limit } = rateLimitKey(ctx, request.principal, request.ip, resource);
  const windowStart = windowStartAt(ctx.clock.now());
  return stateOf(resource, limit, await ctx.rateLimits.api.peek(key, windowStart), windowStart);
}

/** The caller's `core` count, without counting (GET /rate_limit, whose headers show it). */
export async function rateLimitStatus(ctx: ProviderContext, request: FastifyRequest): Promise<RateLimitState> {
  const state = await peekRateLimit(ctx, request, 'core');
  const { key } = rateLimitKey(ctx, request.principal, request.ip, 'core');
  request.rateLimit = { key, windowStart: new Date(state.reset.getTime() - RATE_LIMIT_WINDOW_MS), state, counted: false };
  return state;
}

type Counted = { state: RateLimitState; allowed: boolean } | undefined;

/**
 * Counts the request; returns its state and whether it is within the limit — at once when this
 * process holds a reserved count for the caller (most requests), else as a promise. When another
 * writer holds the database past the busy timeout, the request passes uncounted (it has waited
 * that long already, and what it does next meets the same busy database): undefined.
 */
function count(ctx: ProviderContext, request: FastifyRequest, resource: RateLimitResource): Counted | Promise<Counted> {
  const { key, limit } = rateLimitKey(ctx, request.principal, request.ip, resource);
  let hit;
  try {
    hit = ctx.rateLimits.api.take(key, windowStartAt(ctx.clock.now()), limit);
  } catch (err) {
    return countBusy(ctx, request, err);
  }
  // (No closure made for a count taken at once: what most requests get.)
  if (!(hit instanceof Promise)) return recordCount(request, resource, key, limit, hit);
  return hit.then(
    (taken) => recordCount(request, resource, key, limit, taken),
    (err: unknown) => countBusy(ctx, request, err),
  );
}

function recordCount(request: FastifyRequest, resource: RateLimitResource, key: string, limit: number, hit: TakenCount): Counted {
  const allowed = hit.used <= limit;
  const state = stateOf(resource, limit, hit.used, hit.windowStart);
  request.rateLimit = { key, windowStart: hit.windowStart, state, counted: allowed };
  return { state, allowed };
}

function countBusy(ctx: ProviderContext, request: FastifyRequest, err: unknown): Counted {
  if (!ctx.store.isBusy(err)) throw err;
  request.rateLimit = null;
  ctx.log('warn', `rate limit: the database is busy, ${request.method} ${pathOf(request.url)} not counted (request ${request.id})`);
  return undefined;
}

/** A counted request goes on (preParsing's `done` with its payload), or is refused: REST with the 403, GraphQL answered here with its error. */
function admit(ctx: ProviderContext, request: FastifyRequest, reply: FastifyReply, resource: RateLimitResource, c: Counted, payload: RequestPayload, done: (err: Error | null, payload?: RequestPayload) => void): void {
  if (!c) return done(null, payload);
  setRateLimitHeaders(reply, c.state);
  if (c.allowed) return done(null, payload);
  if (resource === 'core') return done(exceeded(ctx, request, c.state));
  // Answered from here, the query unread: a hook that sends the reply and does not call done
  // ends the request, so the route's handler never runs.
  reply.code(200).send(graphqlExceeded(request));
}

/**
 * A git request answered 401 to the credentials it sent (a wrong password or token) takes one
 * count from the client address's `core` bucket, as bad credentials on the API do. Git's answer is
 * unchanged: no rate-limit headers, and still the 401 once the address is spent. Never fails.
 */
export async function countFailedGitCredentials(ctx: ProviderContext, request: FastifyRequest): Promise<void> {
  try {
    await count(ctx, request, 'core'); // no principal: the credentials failed
  } catch (err) {
    ctx.log(ctx.store.isBusy(err) ? 'warn' : 'error', `rate limit: git ${request.method} ${pathOf(request.url)} (request ${request.id}): ${(err as Error)?.message ?? String(err)}`);
  }
}

export function installApiRateLimit(app: FastifyInstance, ctx: ProviderContext): void {
  app.decorateRequest('rateLimit', undefined);

  // Callback-style hooks: a request counted from a reserved block passes without waiting.
  app.addHook('preParsing', (request: FastifyRequest, reply: FastifyReply, payload, done) => {
    const route = request.routeOptions;
    const path = countedPathOf(request, route);
    if (isUncounted(route, path) || isStatusRequest(request, path)) return done(null, payload);
    const resource = resourceOf(path);
    let result;
    try {
      result = count(ctx, request, resource);
    } catch (err) {
      return done(err as Error);
    }
    if (result instanceof Promise) result.then((c) => admit(ctx, request, reply, resource, c, payload, done), (err: Error) => done(err));
    else admit(ctx, request, reply, resource, result, payload, done);
  });

  // Runs after the conditional-request hook (installed first), so it sees a 304. Never fails the
  // answer: a count it cannot take leaves the headers out.
  app.addHook('onSend', (request: FastifyRequest, reply: FastifyReply, payload: unknown, done: (err: Error | null, payload?: unknown) => void) => {
    const route = request.routeOptions;
    const path = countedPathOf(request, route);
    const rl = request.rateLimit;
    // The usual answer: counted before its handler ran, its headers set then.
    if (isUncounted(route, path) || rl === null || (rl && rl.counted && reply.statusCode !== 304)) return done(null, payload);
    settleCount(ctx, request, reply, path).then(() => done(null, payload));
  });
}

/**
 * Gives back the count a request took (a 304, a GraphQL dry run): its state and headers then show
 * the bucket without it. A request that was not counted is left as it is.
 */
export async function uncountRequest(ctx: ProviderContext, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const rl = request.rateLimit;
  if (!rl?.counted) return;
  await ctx.rateLimits.api.giveBack(rl.key, rl.windowStart, rl.state.used);
  rl.counted = false;
  rl.state = stateOf(rl.state.resource, rl.state.limit, rl.state.used - 1, rl.windowStart);
  setRateLimitHeaders(reply, rl.state);
}

/** The headers of an answer that was not counted before its handler (or is a 304); never fails. */
async function settleCount(ctx: ProviderContext, request: FastifyRequest, reply: FastifyReply, path: string): Promise<void> {
  const rl = request.rateLimit;
  try {
    if (!rl) {
      // Refused before it was counted (or GET /rate_limit failing before its handler ran).
      const state = isStatusRequest(request, path) ? await rateLimitStatus(ctx, request) : (await count(ctx, request, resourceOf(path)))?.state;
      if (state) setRateLimitHeaders(reply, state);
    } else if (reply.statusCode === 304 && rl.counted) {
      await uncountRequest(ctx, request, reply);
    } else if (!rl.counted) {
      setRateLimitHeaders(reply, rl.state);
    }
  } catch (err) {
    ctx.log(ctx.store.isBusy(err) ? 'warn' : 'error', `rate limit: ${request.method} ${path} (request ${request.id}): ${(err as Error)?.message ?? String(err)}`);
  }
}
