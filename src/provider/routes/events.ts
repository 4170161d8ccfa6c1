// GET /-/events — the signed-in user's change stream (Server-Sent Events; src/shared/api/events.ts).
// A classic token that may read the user (admin:token, read:user or user) opens it; the feed
// (events/change-feed.ts) says when to send `changed` and ends the stream when the token stops
// working. The route only frames events on the raw response.
import type { FastifyInstance } from 'fastify';
import type { ServerResponse } from 'node:http';
import type { ChangeEventJson, ChangeEventName } from '../../shared/api/events';
import { EVENTS_PATH } from '../../shared/api/events';
import { principalOf } from '../authz/authorize';
import { missingScopeDenial } from '../authz/guards';
import type { AuthRequirement } from '../authz/requirement';
import type { ProviderContext } from '../context';
import { ChangeFeed, type ChangeListener } from '../events/change-feed';
import { HttpError } from '../http/errors';

/** Who may open a stream; a stream whose token no longer has one of these scopes ends. */
const EVENTS_SCOPES = ['admin:token', 'read:user'] as const;
const EVENTS_AUTH: AuthRequirement = { classicScopes: EVENTS_SCOPES, tokenOnly: true };

/** How long a client waits before reconnecting after the stream ends (the SSE `retry:` field). */
const RETRY_MS = 2000;

function frame(name: ChangeEventName, data: ChangeEventJson): string {
  return `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;
}

export function registerEventRoutes(app: FastifyInstance, ctx: ProviderContext): void {
  const feed = new ChangeFeed(ctx.store, ctx.clock, (m) => ctx.log('warn', m));
  // When the close begins (http/graceful-close.ts): an open stream would hold it until the cut.
  app.addHook('preClose', async () => feed.close());

  app.get(EVENTS_PATH, { config: { auth: EVENTS_AUTH } }, async (request, reply) => {
    const { user, token } = principalOf(request);
    if (!token) throw new HttpError(401, 'Requires authentication');
    // HEAD (Fastify answers it with this handler): the head of a stream, and no stream.
    if (request.method === 'HEAD') return reply.type('text/event-stream; charset=utf-8').send();
    const raw: ServerResponse = reply.raw;
    let seq = 0;
    let open = true;
    let started = false; // nothing is written before the head
    let stop: (() => void) | undefined;
    const write = (text: string) => {
      if (open && started && !raw.writableEnded) raw.write(text);
    };
    const listener: ChangeListener = {
      userId: user.id,
      tokenId: token.id,
      tokenDigest: token.hashedToken,
      admits: (current) => current.kind === 'classic' && missingScopeDenial(current.scopes, EVENTS_SCOPES) === undefined,
      expiresAt: token.expiresAt?.getTime(),
      changed: () => write(frame('changed', { seq: ++seq })),
      heartbeat: () => write(': heartbeat\n\n'),
      end: () => {
        if (!open) return;
        open = false;
        if (started) raw.end();
      },
    };
    stop = await feed.add(listener);
    if (!open) throw new HttpError(401, 'Bad credentials'); // the token stopped working meanwhile
    reply.hijack();
    raw.writeHead(200, {
      ...(reply.getHeaders() as Record<string, string>),
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    raw.flushHeaders();
    started = true;
    write(`retry: ${RETRY_MS}\n`);
    write(frame('ready', { seq }));
    request.raw.socket.setTimeout(0); // the heartbeat keeps it alive; the feed ends it
    const closed = () => {
      open = false;
      stop?.();
      stop = undefined;
    };
    raw.on('close', closed);
    if (raw.destroyed) closed();
  });
}
