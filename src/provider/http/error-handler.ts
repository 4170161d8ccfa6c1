// Maps every error to the JSON error shape with the right status. Bad input is always a 4xx;
// only a bug is a 5xx, and its details go to the (redacted) log, never to the client.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from '../logger';
import type { Store } from '../store/store';
import { FieldError, HttpError, notFound, validationFailed } from './errors';

interface AjvError {
  keyword: string;
  instancePath: string;
  params: Record<string, unknown>;
  message?: string;
}

function fieldName(instancePath: string, prop?: string): string {
  const parts = instancePath.split('/').filter(Boolean).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (prop !== undefined) parts.push(prop);
  return parts.map((p, i) => (/^\d+$/.test(p) ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

/** Ajv errors → GitHub-style field errors. */
function ajvToFieldErrors(errors: AjvError[], context: string | undefined): FieldError[] {
  const out: FieldError[] = [];
  const seen = new Set<string>();
  const where = context && context !== 'body' ? `${context} ` : '';
  for (const e of errors) {
    let fe: FieldError;
    switch (e.keyword) {
      case 'required':
        fe = { field: fieldName(e.instancePath, String(e.params.missingProperty)), code: 'missing_field', message: `is required` };
        break;
      case 'additionalProperties':
        fe = { field: fieldName(e.instancePath, String(e.params.additionalProperty)), code: 'invalid', message: `is not a known ${where}field` };
        break;
      case 'type':
        fe = { field: fieldName(e.instancePath) || context || 'body', code: 'invalid', message: `must be ${withArticle(String(e.params.type))}` };
        break;
      case 'maxLength':
        fe = { field: fieldName(e.instancePath), code: 'invalid', message: `is too long (at most ${e.params.limit} characters)` };
        break;
      case 'minLength':
        fe = {
          field: fieldName(e.instancePath),
          code: e.params.limit === 1 ? 'missing_field' : 'invalid',
          message: e.params.limit === 1 ? 'must not be empty' : `is too short (at least ${e.params.limit} characters)`,
        };
        break;
      case 'maxItems':
        fe = { field: fieldName(e.instancePath), code: 'invalid', message: `has too many items (at most ${e.params.limit})` };
        break;
      case 'minItems':
        fe = { field: fieldName(e.instancePath), code: 'invalid', message: `needs at least ${e.params.limit} item(s)` };
        break;
      case 'enum':
        fe = {
          field: fieldName(e.instancePath),
          code: 'invalid',
          message: `must be one of ${((e.params.allowedValues as unknown[]) ?? []).map((v) => JSON.stringify(v)).join(', ')}`,
        };
        break;
      case 'format':
        fe = { field: fieldName(e.instancePath), code: 'invalid', message: `must be a valid ${e.params.format}` };
        break;
      case 'pattern':
        fe = { field: fieldName(e.instancePath), code: 'invalid', message: 'has an invalid format' };
        break;
      case 'minimum':
      case 'maximum':
      case 'exclusiveMinimum':
      case 'exclusiveMaximum':
        fe = { field: fieldName(e.instancePath), code: 'invalid', message: `${e.message ?? 'is out of range'}` };
        break;
      case 'uniqueItems':
        fe = { field: fieldName(e.instancePath), code: 'invalid', message: 'must not contain duplicates' };
        break;
      default:
        fe = { field: fieldName(e.instancePath) || context || 'body', code: 'invalid', message: e.message ?? 'is invalid' };
    }
    if (!fe.field) fe.field = context ?? 'body';
    const key = `${fe.field}|${fe.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(fe);
  }
  return out;
}

function withArticle(type: string): string {
  const t = type.split(',')[0];
  return /^[aeiou]/.test(t) ? `an ${t}` : `a ${t}`;
}

export const DATABASE_BUSY_MESSAGE = 'The database is busy with another writer; try again in a moment';

/**
 * The store's own tests of its errors, one per engine: "another writer held the database too
 * long" (Store.isBusy) and "a write referred to a row deleted meanwhile" (Store.isMissingReference).
 */
export type StoreErrorTests = Pick<Store, 'isBusy' | 'isMissingReference'>;

/**
 * The answer a store error that is not a bug maps to, for REST (toHttpError) and GraphQL
 * (formatError) alike: a busy database is 503 with Retry-After; a write that referred to a row
 * deleted meanwhile is 404, as the request would have been a moment later. Undefined otherwise.
 */
export function storeErrorAnswer(err: unknown, store: StoreErrorTests): HttpError | undefined {
  if (store.isBusy(err)) return new HttpError(503, DATABASE_BUSY_MESSAGE, { headers: { 'Retry-After': '1' } });
  if (store.isMissingReference(err)) return notFound();
  return undefined;
}

/**
 * The answer an error maps to; undefined for a bug (a 500, details only in the log). A busy
 * database or a row deleted meanwhile is not a bug (storeErrorAnswer).
 */
export function toHttpError(err: unknown, store: StoreErrorTests): HttpError | undefined {
  if (err instanceof HttpError) return err;
  const e = err as FastifyError & { validation?: AjvError[]; validationContext?: string };
  if (e && Array.isArray(e.validation)) {
    const errors = ajvToFieldErrors(e.validation, e.validationContext);
    if (e.validationContext === 'body' && errors.some((x) => x.field === 'body')) {
      return new HttpError(400, 'Body should be a JSON object', { errors });
    }
    return validationFailed(errors);
  }
  switch (e?.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new HttpError(400, 'Problems parsing JSON');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new HttpError(400, 'Problems parsing JSON: the body is empty');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new HttpError(413, 'Request body is too large (at most 64 KiB)');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new HttpError(415, 'Unsupported Media Type: send application/json');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new HttpError(400, 'Content-Length does not match the body');
    case 'FST_ERR_BAD_URL':
      return new HttpError(400, 'Malformed URL');
    case 'FST_ERR_ASYNC_CONSTRAINT':
      return new HttpError(400, 'Bad request');
  }
  if (err instanceof SyntaxError) return new HttpError(400, 'Problems parsing JSON');
  const status = (e as { statusCode?: number })?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return new HttpError(status, e.message || 'Bad request');
  }
  return storeErrorAnswer(err, store);
}

/** documentation_url for an error topic (a status or a named topic, see error-docs.ts). */
type DocsUrl = (topic: string) => string;

export function installErrorHandler(app: FastifyInstance, log: Logger, store: StoreErrorTests, docsUrl: DocsUrl): void {
  app.setErrorHandler((err: unknown, request: FastifyRequest, reply: FastifyReply) => {
    const http = toHttpError(err, store);
    if (http) {
      for (const [k, v] of Object.entries(http.headers)) reply.header(k, v);
      const body = http.body();
      body.documentation_url ??= docsUrl(http.docsTopic ?? String(http.status));
      return reply.code(http.status).type('application/json; charset=utf-8').send(body);
    }
    log('error', `${request.method} ${request.routeOptions.url ?? request.url.split('?')[0]} (request ${request.id}): ${(err as Error)?.stack ?? String(err)}`);
    return reply.code(500).type('application/json; charset=utf-8').send({ message: 'Internal server error', documentation_url: docsUrl('500') });
  });
}
