// The HTTP(S) server Fastify runs on, made the way Fastify makes its own (the same timeouts from
// the same options), except that a front handler sees each request first and may answer it
// (routes/user-fast-lane.ts); what it does not answer goes to Fastify. It also takes the headers
// deadline and the connection cap (./connection-limits.ts), which Fastify has no options for.
import * as http from 'node:http';
import * as https from 'node:https';
import type { ConnectionLimits } from './connection-limits';

/** Answers the request and returns true, or returns false having done nothing. */
export type FrontHandler = (req: http.IncomingMessage, res: http.ServerResponse) => boolean;

/** The options Fastify hands a server factory that the server needs (after Fastify's defaults). */
interface ServerOptions {
  https?: https.ServerOptions | null;
  keepAliveTimeout: number;
  requestTimeout: number;
  connectionTimeout: number;
  maxRequestsPerSocket?: number | null;
}

export function serverFactoryWith(front: FrontHandler, limits: Pick<ConnectionLimits, 'headersTimeoutMs' | 'maxConnections'>) {
  return (fastify: http.RequestListener, fastifyOptions: Record<string, unknown>): http.Server => {
    const opts = fastifyOptions as unknown as ServerOptions;
    const listener: http.RequestListener = (req, res) => {
      if (!front(req, res)) fastify(req, res);
    };
    // Node checks the headers and request deadlines this often (by default every 30 s, which would
    // let a 30 s headers deadline run to a minute).
    const timing: http.ServerOptions = { connectionsCheckingInterval: Math.max(50, Math.min(5_000, Math.floor(limits.headersTimeoutMs / 2))) };
    const server = opts.https ? https.createServer({ ...opts.https, ...timing }, listener) : http.createServer(timing, listener);
    server.keepAliveTimeout = opts.keepAliveTimeout;
    server.requestTimeout = opts.requestTimeout;
    // Node wants the headers deadline within the request deadline.
    server.headersTimeout = opts.requestTimeout > 0 ? Math.min(limits.headersTimeoutMs, opts.requestTimeout) : limits.headersTimeoutMs;
    server.maxConnections = limits.maxConnections;
    server.setTimeout(opts.connectionTimeout);
    if (opts.maxRequestsPerSocket && opts.maxRequestsPerSocket > 0) server.maxRequestsPerSocket = opts.maxRequestsPerSocket;
    return server;
  };
}
