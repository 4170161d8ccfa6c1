// The one check on the characters of every string a request carries — each string (and object
// key) of the JSON body, the query and the path parameters, on every route — before validation:
// a control character or ill-formed Unicode (a lone surrogate) is a 422 naming the field. Without
// it SQLite hands back a text with NUL cut at the NUL (two different names read back the same),
// and a lone surrogate becomes U+FFFD on its way to UTF-8. A query whose percent-encoding does
// not decode is a 400 (it would otherwise reach the route still encoded).
//
// Control characters are C0 (U+0000–U+001F), DEL and C1 (U+0080–U+009F). The multi-line text
// fields (MULTILINE_FIELDS) may also hold TAB, LF and CR: a description, a bio or a reason may have
// paragraphs, a pasted SSH key ends with a newline, an armored GPG key spans lines, and a GraphQL
// document (`query`) spans lines.
// A request that reached no route is not checked: it is a 404 whatever it carries (the message may
// name what Tessera has no, absent-api-areas.ts: `gh gist create` sends a file's lines).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { FieldError, HttpError, validationFailed } from './errors';

/** Fields whose text may span lines (TAB, LF and CR allowed), wherever they occur. */
const MULTILINE_FIELDS: ReadonlySet<string> = new Set(['description', 'bio', 'justification', 'reason', 'key', 'armored_public_key', 'query']);

const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const CONTROL_BUT_LINE_BREAKS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

/** Why `text` is refused in a field named `name`, or undefined when it is fine. */
function textProblem(text: string, name: string | undefined): string | undefined {
  if (!text.isWellFormed()) return 'must be well-formed Unicode (it has a lone surrogate)';
  const pattern = name !== undefined && MULTILINE_FIELDS.has(name) ? CONTROL_BUT_LINE_BREAKS : CONTROL;
  if (pattern.test(text)) return 'must not contain control characters';
  return undefined;
}

/** `a.b[0]`, the way validation errors name a field (error-handler.ts). */
function childPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  return parent ? `${parent}.${key}` : key;
}

const MAX_DEPTH = 64;

/**
 * Every refused string in `value` (at most one error per field), depth-first. `part` names the
 * request part (`path`, `query`, `body`) when the problem is in the part itself: a key of the
 * query, or the body as a whole.
 */
function textErrors(value: unknown, part: string, out: FieldError[], path = '', name?: string, depth = 0): FieldError[] {
  if (typeof value === 'string') {
    const problem = textProblem(value, name);
    if (problem) out.push({ field: path || part, code: 'invalid', message: problem });
  } else if (Array.isArray(value)) {
    if (depth < MAX_DEPTH) value.forEach((item, i) => textErrors(item, part, out, childPath(path, i), name, depth + 1));
  } else if (value !== null && typeof value === 'object' && depth < MAX_DEPTH) {
    for (const [key, item] of Object.entries(value)) {
      const keyProblem = textProblem(key, undefined);
      if (keyProblem) {
        out.push({ field: path || part, code: 'invalid', message: `has a key that ${keyProblem}` });
        continue;
      }
      textErrors(item, part, out, childPath(path, key), key, depth + 1);
    }
  }
  return out;
}

/**
 * A query whose percent-encoding does not decode (`%ZZ`, bytes that are not UTF-8) would reach a
 * route still encoded, as if it were the text: 400.
 */
function checkQueryEncoding(url: string): void {
  const start = url.indexOf('?');
  if (start < 0) return;
  try {
    decodeURIComponent(url.slice(start + 1));
  } catch {
    throw new HttpError(400, 'Malformed query string: its percent-encoding is not UTF-8');
  }
}

/** Checks the request's query encoding, path parameters, query and body (in that order); throws the 400 or 422. */
function checkRequestText(request: FastifyRequest): void {
  checkQueryEncoding(request.url);
  const errors: FieldError[] = [];
  const parts: [string, unknown][] = [['path', request.params], ['query', request.query], ['body', request.body]];
  for (const [part, value] of parts) {
    if (value !== undefined && value !== null) textErrors(value, part, errors);
  }
  if (errors.length) throw validationFailed(errors);
}

export function installTextInputCheck(app: FastifyInstance): void {
  app.addHook('preValidation', (request, _reply, done) => {
    if (request.is404) {
      done();
      return;
    }
    try {
      checkRequestText(request);
    } catch (err) {
      done(err as Error);
      return;
    }
    done();
  });
}
