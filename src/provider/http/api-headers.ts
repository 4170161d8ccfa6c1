// The headers GitHub Enterprise Server sends on every answer, set first thing on every request
// (git's and refused ones included; app.ts's first onRequest hook, setApiHeaders): X-GitHub-Request-Id (the request's id, also in its
// log line), the API version, the media type the client asked for, and Vary. Plus the one log line
// each request gets. (The provider's own no-store / nosniff headers: common-headers.ts.)
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from '../logger';
import { GHES_API_VERSION } from './ghes-version';

const VARY = 'Accept, Authorization, Cookie, X-GitHub-OTP';

const GITHUB_MEDIA_TYPE = /application\/vnd\.github(?:\.(v\d+))?(?:\.([a-z0-9-]+))?(?:\+([a-z0-9-]+))?/i;

/** GitHub's GraphQL endpoint: its answers are API v4's, whatever version the Accept header names. */
const GRAPHQL_ROUTE = '/api/graphql';

/**
 * X-GitHub-Media-Type for an Accept header: `github.v3; format=json`, `github.v3; param=raw;
 * format=json`; on GraphQL answers `github.v4; format=json` (as GitHub's GraphQL endpoint says).
 */
function githubMediaType(accept: string | undefined, graphql: boolean): string {
  // A client sends the same Accept on every request: the last answer is kept (one, so nothing grows).
  if (accept === lastMediaType.accept && graphql === lastMediaType.graphql) return lastMediaType.value;
  const value = mediaTypeOf(accept, graphql);
  lastMediaType = { accept, graphql, value };
  return value;
}

let lastMediaType: { accept: string | undefined; graphql: boolean; value: string } = { accept: undefined, graphql: false, value: mediaTypeOf(undefined, false) };

function mediaTypeOf(accept: string | undefined, graphql: boolean): string {
  const m = accept ? GITHUB_MEDIA_TYPE.exec(accept) : null;
  const version = graphql ? 'v4' : (m?.[1]?.toLowerCase() ?? 'v3');
  const param = m?.[2]?.toLowerCase();
  const format = m?.[3]?.toLowerCase() ?? 'json';
  return `github.${version}; ${param ? `param=${param}; ` : ''}format=${format}`;
}

/** How a finished request is logged: the request id ties the line to the client's answer. */
function requestLogLine(request: FastifyRequest, status: number): string {
  return `${request.method} ${request.url.split('?')[0]} ${status} (request ${request.id})`;
}

/** GitHub's headers on the answer to `request`: the first step of every request (app.ts). */
export function setApiHeaders(request: FastifyRequest, reply: FastifyReply): void {
  reply.header('x-github-request-id', request.id);
  reply.header('x-github-enterprise-version', GHES_API_VERSION);
  reply.header('x-github-media-type', githubMediaType(request.headers.accept, request.routeOptions.url === GRAPHQL_ROUTE));
  reply.header('vary', VARY);
}

/** The log line of every request, once it is answered. */
export function installRequestLog(app: FastifyInstance, log: Logger): void {
  // Successes at debug level, client errors at info, a bug (500) at error (its stack is logged by
  // the error handler with the same request id), other server answers (503 busy) at warn.
  app.addHook('onResponse', (request: FastifyRequest, reply: FastifyReply, done: (err?: Error) => void) => {
    const status = reply.statusCode;
    log(status === 500 ? 'error' : status >= 500 ? 'warn' : status >= 400 ? 'info' : 'debug', () => requestLogLine(request, status));
    done();
  });
}
