// Closing the server (`tessera serve` on SIGTERM or SIGINT, the extension stopping or restarting
// its embedded provider) in this order:
// 1. the listening socket is closed at once, so a new provider can bind the port while this one
//    ends, and connections with no request under way are closed;
// 2. every answer from then on says `Connection: close`, and its connection is closed once it has
//    gone out (an answer already started keep-alive has its connection closed after it), so no
//    client goes on sending requests here; one that comes meanwhile on a connection still open is
//    answered as usual (Fastify's return503OnClosing is off), not refused with a 503;
// 3. the event streams end (their route's preClose hook, registered after this one);
// 4. the requests in flight — a git push under way, with its git http-backend — are answered;
//    whatever is still open after the grace is cut (a stalled client), so the close always ends;
// 5. the handlers still running (a push's record, written once its answer has gone out; a git
//    child signalled at the cut) are waited for a little, before the database is closed.
import type { FastifyInstance } from 'fastify';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

const LATEST_ANSWER = Symbol('latest answer');
/** A connection, with the answer to its latest request. */
type AnsweringSocket = Socket & { [LATEST_ANSWER]?: ServerResponse };

/** How long the requests in flight get to be answered once the close began. */
export const CLOSE_GRACE_MS = 8_000;
/** After the cut, how long the handlers still running get to end before the store is closed. */
const AFTER_CUT_MS = 2_000;

/** Installs the close order above; before the routes, so it wraps their handlers and its preClose hook runs first. */
export function installGracefulClose(app: FastifyInstance, graceMs = CLOSE_GRACE_MS): void {
  const server = app.server;
  let closing = false;
  let cut: NodeJS.Timeout | undefined;
  let cutDone: (() => void) | undefined;
  const cutOver = new Promise<void>((resolve) => (cutDone = resolve));

  // Once its answer has gone out, a connection kept alive is idle: closed now, not at its timeout.
  const closeAfterAnswer = (res: ServerResponse) => {
    if (!res.headersSent) res.shouldKeepAlive = false; // answered with Connection: close
    res.once('finish', () => setImmediate(() => server.closeIdleConnections()));
  };

  // Tracked per connection, not per answer: a connection is added once (its first request) and
  // forgotten when it closes; each request only notes its answer on it, the latest. At the close,
  // a connection whose latest answer has not gone out is still answering (a pipelined earlier one
  // goes out before it, so telling the latest to close the connection covers them).
  const connections = new Set<AnsweringSocket>();
  function forgetConnection(this: AnsweringSocket): void {
    connections.delete(this);
  }
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (closing) {
      closeAfterAnswer(res);
      return;
    }
    const socket = req.socket as AnsweringSocket;
    if (socket[LATEST_ANSWER] === undefined) {
      connections.add(socket);
      socket.once('close', forgetConnection);
    }
    socket[LATEST_ANSWER] = res;
  });

  // Every handler's work, to its end (a hijacked git answer goes on after the reply): counted, and
  // once the count is back to none, whoever waits at the close is let go.
  let running = 0;
  let allEnded: (() => void) | undefined;
  const ended = () => {
    if (--running === 0) allEnded?.();
  };
  app.addHook('onRoute', (route) => {
    const handler = route.handler;
    route.handler = function tracked(this: FastifyInstance, request, reply) {
      const result = handler.call(this, request, reply);
      if (result && typeof (result as Promise<unknown>).then === 'function') {
        running++;
        (result as Promise<unknown>).then(ended, ended);
      }
      return result;
    } as typeof handler;
  });

  app.addHook('preClose', async () => {
    closing = true;
    // Fastify closes the server again after the preClose hooks; its callback then waits for the
    // connections to end, as it would have.
    if (server.listening) server.close();
    for (const socket of connections) {
      const res = socket[LATEST_ANSWER];
      if (res && !res.writableFinished) closeAfterAnswer(res);
    }
    cut = setTimeout(() => {
      server.closeAllConnections();
      cutDone?.();
    }, graceMs);
    cut.unref();
  });

  // Fastify runs this after its own server close, once every connection has ended.
  app.addHook('onClose', async () => {
    if (running > 0) {
      const afterCut = cutOver.then(() => new Promise<void>((resolve) => setTimeout(resolve, AFTER_CUT_MS).unref()));
      await Promise.race([new Promise<void>((resolve) => (allEnded = resolve)), afterCut]);
    }
    clearTimeout(cut);
  });
}
