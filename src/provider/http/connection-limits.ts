// How long a client may take to send a request, how long a connection may sit idle, and how many
// connections the provider holds at once. A request's body has a short deadline of its own
// (bodyDeadline, a step of app.ts's first onRequest hook), enforced per request because Node's request timeout is one per server and
// a git push is one long request: a route that streams a body elsewhere (git's packs, to
// `git http-backend`) lifts the deadline once the request is authorized and handed over
// (releaseBodyDeadline), and then has only the server-wide request timeout. A refused one keeps it.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { COMMON_HEADERS } from './common-headers';

export interface ConnectionLimits {
  /** The request line and headers must have arrived this long after the request began. */
  headersTimeoutMs: number;
  /** An API request's body must have arrived this long after its headers. */
  apiBodyTimeoutMs: number;
  /** Any request, a git push included, must have arrived this long after it began. */
  requestTimeoutMs: number;
  /** A connection that sends and receives nothing this long is closed. */
  idleTimeoutMs: number;
  /** Connections beyond this many are closed as they come. */
  maxConnections: number;
}

const DEFAULT_CONNECTION_LIMITS: Readonly<ConnectionLimits> = {
  headersTimeoutMs: 30_000,
  apiBodyTimeoutMs: 60_000,
  requestTimeoutMs: 60 * 60_000,
  idleTimeoutMs: 120_000,
  maxConnections: 512,
};

/** `partial` over the defaults; throws naming a value that is not a positive integer. */
export function connectionLimits(partial: Partial<ConnectionLimits> = {}): ConnectionLimits {
  const limits = { ...DEFAULT_CONNECTION_LIMITS, ...partial };
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isSafeInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, not ${String(value)}`);
  }
  return limits;
}

/** The body deadline of each request that has one, until its body has arrived. */
const deadlines = new WeakMap<FastifyRequest, NodeJS.Timeout>();

/** The request's body goes elsewhere from here (an authorized git push): only the server-wide request timeout applies. */
export function releaseBodyDeadline(request: FastifyRequest): void {
  clearTimeout(deadlines.get(request));
  deadlines.delete(request);
}

/**
 * A request whose body has not arrived `timeoutMs` after its headers is answered 408 and its
 * connection closed (a client that trickles a body would otherwise hold the request open forever).
 * When the answer went out before the body (a 401 before the body is read), the connection is
 * closed at the deadline all the same: Node reads the rest of a body before it reuses a connection.
 */
export function bodyDeadline(timeoutMs: number): (request: FastifyRequest, reply: FastifyReply) => void {
  const body = JSON.stringify({ message: `Request Timeout: the request body did not arrive within ${Math.ceil(timeoutMs / 1000)} s` });
  return (request, reply) => {
    const req = request.raw;
    // Most requests have no body (and at this point Node has not yet marked even those complete).
    const length = req.headers['content-length'];
    const hasBody = req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
    if (!hasBody || req.complete) return;
    const timer = setTimeout(() => {
      if (req.complete) return;
      if (reply.sent || reply.raw.headersSent) {
        req.socket.destroy();
        return;
      }
      reply.hijack();
      const headers: Record<string, string | number> = Object.fromEntries(COMMON_HEADERS);
      headers['content-type'] = 'application/json; charset=utf-8';
      headers['content-length'] = Buffer.byteLength(body);
      headers.connection = 'close';
      reply.raw.writeHead(408, headers);
      reply.raw.end(body, () => req.socket.destroy());
    }, timeoutMs);
    timer.unref();
    deadlines.set(request, timer);
    // The request has been read to its end (or the connection is gone).
    req.once('close', () => releaseBodyDeadline(request));
  };
}
