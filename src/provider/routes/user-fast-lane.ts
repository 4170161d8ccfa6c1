// GET /api/v3/user answered in front of Fastify, for the request busy clients send over and over:
// a token the principal cache already holds, with nothing to write. The lane takes the same steps
// as the route (routes/users.ts) behind the authorization hook (authz/authorize.ts) — the token's
// checks on the cached look-up (peekToken, with the token as its connection presented it,
// auth/connection-token.ts), the route's own requirement through every guard in
// ctx.guards, the same headers and the same serialized body — and answers only when all of them
// pass at once. Every other request goes to Fastify untouched, and nothing has been done for it:
// another method or path (a query string, a trailing slash), a request body, Basic credentials, a
// token the cache does not hold, last_used_at due to be written, a bad or expired token, a denial,
// a Host or Origin the provider does not serve (http/served-hosts.ts), a guard that has to wait, a
// provider that is closing. test/provider/user-fast-lane.test.ts holds the lane's answers equal to
// Fastify's.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { plainTokenCredentials } from '../auth/credentials';
import { peekToken } from '../auth/token-auth';
import { isPromise, runGuards } from '../authz/authorize';
import type { AuthzRequest } from '../authz/requirement';
import { writeTokenHeaders } from '../authz/token-headers';
import type { ProviderContext } from '../context';
import type { TokenRecord } from '../store/tokens';
import { COMMON_HEADERS } from '../http/common-headers';
import type { FrontHandler } from '../http/server-factory';
import type { ServedHosts } from '../http/served-hosts';
import { userJsonText } from '../users/user-json';
import { GET_USER_AUTH, GET_USER_PATH, JSON_CONTENT_TYPE } from './users';

export interface FastLane {
  /** Answers the request and returns true, or returns false having done nothing. */
  handle: FrontHandler;
  /** From now on every request goes to Fastify (which answers 503 while it closes). */
  close(): void;
}

/** Whether the header name `name` is `lower` (lower case) in any case. */
function isHeaderName(name: string, lower: string): boolean {
  return name.length === lower.length && name.toLowerCase() === lower;
}

/**
 * The request's one Authorization header, when it has no body and its Host and Origin are served —
 * read from req.rawHeaders, which the parser has made anyway: Node builds req.headers on first use
 * only. undefined (take Fastify's path) without an Authorization header, with two Authorization,
 * Host or Origin headers, with a body (a Content-Length other than 0, a Transfer-Encoding), or for
 * a Host or Origin `served` refuses (Fastify's host check then answers).
 */
function servedAuthorizationWithoutBody(raw: readonly string[], served: ServedHosts): string | undefined {
  let authorization: string | undefined;
  let host: string | undefined;
  let origin: string | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i];
    if (isHeaderName(name, 'authorization')) {
      if (authorization !== undefined) return undefined;
      authorization = raw[i + 1];
    } else if (isHeaderName(name, 'host')) {
      if (host !== undefined) return undefined;
      host = raw[i + 1];
    } else if (isHeaderName(name, 'origin')) {
      if (origin !== undefined) return undefined;
      origin = raw[i + 1];
    } else if (isHeaderName(name, 'content-length')) {
      if (raw[i + 1] !== '0') return undefined;
    } else if (isHeaderName(name, 'transfer-encoding')) {
      return undefined;
    }
  }
  return served.accepts(host, origin) ? authorization : undefined;
}

/** The request as the guards see it; its headers and address are read only if a guard asks. */
class LaneRequest implements AuthzRequest {
  readonly method = 'GET';
  readonly url = GET_USER_PATH;
  constructor(private readonly req: IncomingMessage) {}
  get headers() {
    return this.req.headers;
  }
  get ip() {
    return this.req.socket.remoteAddress ?? '';
  }
}

/**
 * The lane's answer headers for a token and a body length: the common headers, the token headers
 * for the route's accepted scopes, the content type and length — made once per (frozen, cached)
 * token record and length and then handed out again (Node only reads them). Measured in the running
 * server under load (8 pairs of fresh processes), making them on every request cost 10% more CPU
 * per request.
 */
export function answerHeaders(acceptedScopes: readonly string[] | undefined): (token: TokenRecord, contentLength: number) => (string | number)[] {
  const made = new WeakMap<TokenRecord, { contentLength: number; headers: (string | number)[] }>();
  return (token, contentLength) => {
    const hit = made.get(token);
    if (hit?.contentLength === contentLength) return hit.headers;
    const headers: (string | number)[] = [];
    const set = (name: string, value: string | number) => headers.push(name, value);
    for (const [name, value] of COMMON_HEADERS) set(name, value);
    writeTokenHeaders(set, token, acceptedScopes);
    set('content-type', JSON_CONTENT_TYPE);
    set('content-length', contentLength);
    if (Object.isFrozen(token)) made.set(token, { contentLength, headers });
    return headers;
  };
}

/** `served`: the Host and Origin values the provider answers (the lane declines all others). */
export function userFastLane(ctx: ProviderContext, served: ServedHosts): FastLane {
  const requirement = GET_USER_AUTH;
  // The lane resolves nothing per request: it knows the accepted scopes (the header) up front.
  if (requirement.resource || typeof requirement.classicScopes === 'function' || typeof requirement.permission === 'function') {
    throw new Error('the GET /user fast lane needs a requirement without a resource or per-request values');
  }
  const acceptedScopes = requirement.classicScopes;
  let open = true;
  const headersFor = answerHeaders(acceptedScopes);

  const handle = (req: IncomingMessage, res: ServerResponse): boolean => {
    if (!open || req.method !== 'GET' || req.url !== GET_USER_PATH) return false;
    const header = servedAuthorizationWithoutBody(req.rawHeaders, served);
    const secret = header === undefined ? undefined : plainTokenCredentials(header)?.token;
    // Account API tokens authenticate only as Basic {email}/token (auth/authenticate.ts).
    if (secret === undefined || secret.startsWith('tsa_')) return false;
    const presented = ctx.connectionTokens.presented(req.socket, secret);
    if (!presented) return false;
    const principal = peekToken(ctx, presented);
    if (!principal?.token) return false;
    const request = new LaneRequest(req);
    let denied;
    try {
      denied = runGuards(ctx, { principal, requirement, resource: undefined, request, ctx }, 0);
    } catch {
      return false; // a denial: Fastify answers it
    }
    if (isPromise(denied)) {
      denied.catch(() => undefined); // guards only read; Fastify asks them again
      return false;
    }
    // The body is serialized once per cached user record (userJsonText remembers it).
    const body = userJsonText(ctx, principal.user);
    res.writeHead(200, headersFor(principal.token, Buffer.byteLength(body)));
    res.end(body);
    return true;
  };

  return {
    handle,
    close() {
      open = false;
    },
  };
}
