// GET /api/v3/user answered in front of Fastify, for the request busy clients send over and over:
// a token the principal cache already holds, with nothing to write. The lane takes the same steps
// as the route (routes/users.ts) behind the authorization hook (authz/authorize.ts) — the token's
// checks on the cached look-up (peekToken, with the token as its connection presented it,
// auth/connection-token.ts), the route's own requirement through every guard in
// ctx.guards, the same headers and the same serialized body — and answers only when all of them
// pass at once. Every other request goes to Fastify untouched, and nothing has been done for it:
// another method or path (a query string, a trailing slash), a request body, Basic credentials, a
// token the cache does not hold, last_used_at due to be written, a bad or expired token, a denial,
// a guard that has to wait, a provider that is closing. test/provider/user-fast-lane.test.ts holds
// the lane's answers equal to Fastify's.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { plainTokenCredentials } from '../auth/credentials';
import { peekToken } from '../auth/token-auth';
import { isPromise, runGuards } from '../authz/authorize';
import type { AuthzRequest } from '../authz/requirement';
import { writeTokenHeaders } from '../authz/token-headers';
import type { ProviderContext } from '../context';
import { COMMON_HEADERS } from '../http/common-headers';
import type { FrontHandler } from '../http/server-factory';
import { userJsonText } from '../users/user-json';
import { GET_USER_AUTH, GET_USER_PATH, JSON_CONTENT_TYPE } from './users';

export interface FastLane {
  /** Answers the request and returns true, or returns false having done nothing. */
  handle: FrontHandler;
  /** From now on every request goes to Fastify (which answers 503 while it closes). */
  close(): void;
}

function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return (length !== undefined && length !== '0') || req.headers['transfer-encoding'] !== undefined;
}

export function userFastLane(ctx: ProviderContext): FastLane {
  const requirement = GET_USER_AUTH;
  // The lane resolves nothing per request: it knows the accepted scopes (the header) up front.
  if (requirement.resource || typeof requirement.classicScopes === 'function' || typeof requirement.permission === 'function') {
    throw new Error('the GET /user fast lane needs a requirement without a resource or per-request values');
  }
  const acceptedScopes = requirement.classicScopes;
  let open = true;

  const handle = (req: IncomingMessage, res: ServerResponse): boolean => {
    if (!open || req.method !== 'GET' || req.url !== GET_USER_PATH || hasBody(req)) return false;
    const header = req.headers.authorization;
    const secret = header === undefined ? undefined : plainTokenCredentials(header)?.token;
    // Account API tokens authenticate only as Basic {email}/token (auth/authenticate.ts).
    if (secret === undefined || secret.startsWith('tsa_')) return false;
    const presented = ctx.connectionTokens.presented(req.socket, secret);
    if (!presented) return false;
    const principal = peekToken(ctx, presented);
    if (!principal?.token) return false;
    const request: AuthzRequest = { method: 'GET', url: GET_USER_PATH, headers: req.headers, ip: req.socket.remoteAddress ?? '' };
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
    const headers: (string | number)[] = [];
    const set = (name: string, value: string | number) => headers.push(name, value);
    for (const [name, value] of COMMON_HEADERS) set(name, value);
    writeTokenHeaders(set, principal.token, acceptedScopes);
    set('content-type', JSON_CONTENT_TYPE);
    set('content-length', Buffer.byteLength(body));
    res.writeHead(200, headers);
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
