// ETag on every successful GET (and HEAD) answer with a body — a weak validator, the SHA-256 of the
// serialized body and of its Link header (a list page whose items stay the same while a page after
// it appears is a new answer: a client keeping its copy would stop paging there) — and
// If-None-Match answered 304 with no body. Git's smart-HTTP answers are streamed and get neither.
import { createHash, hash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

function etagOf(body: string | Buffer, link: string): string {
  // A string's UTF-8 bytes followed by the Link line's are those of the two joined: one native
  // digest of the joined text, with no Buffer made of a body of many kB.
  const digest = !link
    ? hash('sha256', body, 'hex')
    : typeof body === 'string'
      ? hash('sha256', `${body}\nLink: ${link}`, 'hex')
      : createHash('sha256').update(body).update(`\nLink: ${link}`).digest('hex');
  return `W/"${digest}"`;
}

/** Weak comparison (RFC 9110 §13.1.2): `*` or any listed tag equal to `etag`, W/ ignored. */
function noneMatchHits(ifNoneMatch: string | string[] | undefined, etag: string): boolean {
  if (ifNoneMatch === undefined) return false;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
  const wanted = opaque(etag);
  const listed = (Array.isArray(ifNoneMatch) ? ifNoneMatch.join(',') : ifNoneMatch).split(',');
  return listed.some((tag) => tag.trim() === '*' || opaque(tag) === wanted);
}

export function installConditionalRequests(app: FastifyInstance): void {
  app.addHook('onSend', (request: FastifyRequest, reply: FastifyReply, payload: unknown, done: (err: Error | null, payload?: unknown) => void) => {
    const body = payload as string | Buffer | null | undefined;
    if ((request.method !== 'GET' && request.method !== 'HEAD') || reply.statusCode !== 200 || !(typeof body === 'string' || Buffer.isBuffer(body))) {
      done(null, payload);
      return;
    }
    const link = reply.getHeader('link');
    const etag = etagOf(body, typeof link === 'string' ? link : '');
    reply.header('etag', etag);
    if (!noneMatchHits(request.headers['if-none-match'], etag)) {
      done(null, payload);
      return;
    }
    reply.code(304);
    reply.removeHeader('content-type');
    reply.removeHeader('content-length');
    done(null, null);
  });
}
