// Opens GET /-/events on a provider and collects its events, for tests: wait for the next event
// of a name, or for the stream to end.
import { Agent, request } from 'undici';
import { EVENTS_PATH } from '../../../src/shared/api/events';
import { SseParser, type ServerSentEvent } from '../../../src/shared/sse-parser';

export interface OpenStream {
  readonly status: number;
  readonly contentType: string;
  readonly events: ServerSentEvent[];
  /** The raw text received so far (heartbeats included). */
  text(): string;
  /** Resolves with the first event named `name` after the `after`-th event (default: any new one from now). */
  next(name: string, after?: number): Promise<ServerSentEvent>;
  /** Resolves once the provider ended the stream. */
  readonly ended: Promise<void>;
  close(): Promise<void>;
}

/** Opens the stream with `token`; a non-200 answer resolves with its status and JSON text in `text()`. */
export async function openEventStream(origin: string, token: string | undefined, headers: Record<string, string> = {}): Promise<OpenStream> {
  const dispatcher = new Agent({ pipelining: 0 });
  const res = await request(`${origin}${EVENTS_PATH}`, {
    method: 'GET',
    dispatcher,
    headers: { accept: 'text/event-stream', ...(token ? { authorization: `token ${token}` } : {}), ...headers },
    bodyTimeout: 0,
  });
  const parser = new SseParser();
  const events: ServerSentEvent[] = [];
  let raw = '';
  const waiters: { name: string; after: number; resolve: (e: ServerSentEvent) => void }[] = [];
  const settle = () => {
    for (const w of [...waiters]) {
      const hit = events.slice(w.after).find((e) => e.event === w.name);
      if (hit) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(hit);
      }
    }
  };
  res.body.setEncoding('utf8');
  const ended = new Promise<void>((resolve) => {
    res.body.on('data', (chunk: string) => {
      raw += chunk;
      events.push(...parser.push(chunk));
      settle();
    });
    res.body.on('end', resolve);
    res.body.on('error', () => resolve());
    res.body.on('close', resolve);
  });
  return {
    status: res.statusCode,
    contentType: String(res.headers['content-type'] ?? ''),
    events,
    text: () => raw,
    next: (name, after) => {
      const w: (typeof waiters)[number] = { name, after: after ?? events.length, resolve: () => undefined };
      const p = new Promise<ServerSentEvent>((resolve) => (w.resolve = resolve));
      waiters.push(w);
      settle();
      return p;
    },
    ended,
    async close() {
      res.body.destroy();
      await dispatcher.destroy().catch(() => undefined);
    },
  };
}
