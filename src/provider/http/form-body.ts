// application/x-www-form-urlencoded bodies, for the OAuth endpoints and the sign-in page only (a
// route scope opts in; everywhere else bodies stay JSON). UTF-8, at most 16 KiB, each field once;
// the result is a plain object of strings, validated by the route's JSON schema like a JSON body.
import { isUtf8 } from 'node:buffer';
import type { FastifyInstance } from 'fastify';
import { HttpError } from './errors';

const FORM_BODY_LIMIT = 16 * 1024;
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

export function parseForm(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(text)) {
    if (FORBIDDEN_KEYS.has(key)) throw new HttpError(400, `Problems parsing the form: the field '${key}' is not allowed`);
    if (Object.prototype.hasOwnProperty.call(out, key)) throw new HttpError(400, `Problems parsing the form: the field '${key.slice(0, 64)}' is given twice`);
    out[key] = value;
  }
  return out;
}

export function acceptFormBodies(scope: FastifyInstance): void {
  // Elsewhere a form-labelled body is read as JSON (json-body.ts, as GitHub does): not in this scope.
  if (scope.hasContentTypeParser('application/x-www-form-urlencoded')) scope.removeContentTypeParser('application/x-www-form-urlencoded');
  scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'buffer', bodyLimit: FORM_BODY_LIMIT }, (_request, body: Buffer, done) => {
    if (body.length === 0) return done(null, undefined);
    if (!isUtf8(body)) return done(new HttpError(400, 'Problems parsing the form: the body is not valid UTF-8'));
    try {
      done(null, parseForm(body.toString('utf8')));
    } catch (err) {
      done(err as Error);
    }
  });
}
