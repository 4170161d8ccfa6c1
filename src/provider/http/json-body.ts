// The only body parser: JSON in UTF-8, at most 64 KiB. Non-UTF-8 bytes → 400 (never silently
// replaced), malformed JSON → 400, `__proto__`/`constructor` poisoning → 400, empty body → no body.
// Like GitHub, a body sent without a content type, or labelled the way `curl -d` (form-urlencoded)
// or a bare fetch (text/plain) label it, is read as JSON too.
import { isUtf8 } from 'node:buffer';
import type { FastifyInstance } from 'fastify';
import { acceptEmptyBodies } from './empty-body';
import { HttpError } from './errors';

export const BODY_LIMIT = 64 * 1024;
/** Content types whose body is read as JSON all the same (curl -d; fetch without a type). */
const JSON_UNDER_OTHER_LABELS = ['application/x-www-form-urlencoded', 'text/plain'];

export function installJsonBodyParser(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeAllContentTypeParsers();
  const parser = (request: Parameters<typeof parseJson>[0], body: Buffer, done: (err: Error | null, body?: unknown) => void) => {
    if (body.length === 0) return done(null, undefined);
    if (!isUtf8(body)) return done(new HttpError(400, 'Problems parsing JSON: the body is not valid UTF-8'));
    parseJson(request, body.toString('utf8'), (err, value) => {
      if (err) return done(new HttpError(400, 'Problems parsing JSON'));
      done(null, value);
    });
  };
  app.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit: BODY_LIMIT }, parser);
  app.addContentTypeParser(/^application\/[\w.-]+\+json$/, { parseAs: 'buffer', bodyLimit: BODY_LIMIT }, parser);
  for (const label of JSON_UNDER_OTHER_LABELS) app.addContentTypeParser(label, { parseAs: 'buffer', bodyLimit: BODY_LIMIT }, parser);
  // Any other content type: an empty body is no body (as GitHub treats @octokit's bodiless PUTs); else 415.
  acceptEmptyBodies(app, { parser, bodyLimit: BODY_LIMIT });
}
