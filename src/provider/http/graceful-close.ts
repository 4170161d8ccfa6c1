// Closing the server (`tessera serve` on SIGTERM or SIGINT, the extension shutting its provider
// down): no new connection is taken and idle ones are closed at once, while the requests in
// flight are answered — each on a connection closed after its answer (keep-alive would hold the
// close for the idle timeout) — so a push or an API call under way is not cut. A request still
// unanswered CLOSE_GRACE_MS after the close began (a client that stalls) has its connection cut,
// so the close always ends.
import type { FastifyInstance } from 'fastify';
import type { ServerResponse } from 'node:http';

export const CLOSE_GRACE_MS = 10_000;

export function installGracefulClose(app: FastifyInstance): void {
  const inFlight = new Set<ServerResponse>();
  let deadline: NodeJS.Timeout | undefined;
  // Once an answer is sent its connection is idle: closed now, not at its idle timeout.
  const closeWhenAnswered = (res: ServerResponse) => {
    if (!res.headersSent) res.shouldKeepAlive = false; // answered with Connection: close
    res.once('finish', () => setImmediate(() => app.server.closeIdleConnections()));
  };
  app.addHook('onRequest', async (request, reply) => {
    const res = reply.raw;
    inFlight.add(res);
    res.once('close', () => inFlight.delete(res));
  });
  app.addHook('preClose', async () => {
    for (const res of inFlight) closeWhenAnswered(res);
    deadline = setTimeout(() => app.server.closeAllConnections(), CLOSE_GRACE_MS);
    deadline.unref();
  });
  app.addHook('onClose', async () => clearTimeout(deadline));
}
