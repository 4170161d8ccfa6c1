// The one error type routes, hooks and services throw. The error handler (./error-handler.ts)
// turns it into the API's JSON error shape: { message, errors?: [{resource, field, code, message}],
// documentation_url }; documentation_url is the provider's own error page (error-docs.ts) unless
// the error names another.
import type { ApiError, ApiFieldError } from '../../shared/api/errors';

export type FieldError = ApiFieldError;

export class HttpError extends Error {
  readonly status: number;
  readonly errors?: FieldError[];
  /** GitHub's "validation-error-simple" errors (strings), instead of `errors`. */
  readonly simpleErrors?: string[];
  readonly headers: Record<string, string>;
  readonly documentationUrl?: string;
  /** The error-docs topic (http/error-docs.ts) when it is not the status's own. */
  readonly docsTopic?: string;
  /** A classic token lacks a scope (GraphQL answers INSUFFICIENT_SCOPES, as for the guard's denial). */
  readonly missingScopes?: boolean;

  constructor(
    status: number,
    message: string,
    opts: {
      errors?: FieldError[];
      simpleErrors?: string[];
      headers?: Record<string, string>;
      documentationUrl?: string;
      docsTopic?: string;
      missingScopes?: boolean;
    } = {},
  ) {
    super(message);
    this.name = 'HttpError';
    this.status = status;
    this.errors = opts.errors;
    this.simpleErrors = opts.simpleErrors;
    this.headers = opts.headers ?? {};
    this.documentationUrl = opts.documentationUrl;
    this.docsTopic = opts.docsTopic;
    this.missingScopes = opts.missingScopes;
  }

  body(): ApiError {
    const b: ApiError = { message: this.message };
    if (this.errors?.length) b.errors = this.errors;
    else if (this.simpleErrors?.length) b.errors = this.simpleErrors;
    if (this.documentationUrl) b.documentation_url = this.documentationUrl;
    return b;
  }
}

export const BAD_CREDENTIALS = 'Bad credentials';
const OTP_REQUIRED_MESSAGE = 'Must specify two-factor authentication OTP code.';

export function badCredentials(): HttpError {
  return new HttpError(401, BAD_CREDENTIALS);
}

export function otpRequired(): HttpError {
  return new HttpError(401, OTP_REQUIRED_MESSAGE, { headers: { 'X-GitHub-OTP': 'required; app' } });
}

export function forbidden(message: string, headers?: Record<string, string>): HttpError {
  return new HttpError(403, message, { headers });
}

export function notFound(message = 'Not Found'): HttpError {
  return new HttpError(404, message);
}

/** 422 naming the field. */
export function invalidField(field: string, message: string, code = 'invalid', resource?: string): HttpError {
  return validationFailed([{ resource, field, code, message }]);
}

/** `field message`, unless the message names its field already ("name already exists …", as GitHub writes it). */
function fieldSummary(e: FieldError): string {
  return e.field && !e.message.startsWith(`${e.field} `) ? `${e.field} ${e.message}` : e.message;
}

export function validationFailed(errors: FieldError[]): HttpError {
  const summary = errors.map(fieldSummary).join('; ');
  return new HttpError(422, `Validation Failed: ${summary}`, { errors: errors.map(stripUndefined) });
}

/**
 * 422 in GitHub's "validation-error-simple" shape (`errors` are strings), for the endpoints GitHub
 * documents that way; the message names the field.
 */
export function validationFailedSimple(field: string, message: string): HttpError {
  return new HttpError(422, `Validation Failed: ${field} ${message}`, { simpleErrors: [`${field} ${message}`] });
}

function stripUndefined(e: FieldError): FieldError {
  const out: FieldError = { field: e.field, code: e.code, message: e.message };
  if (e.resource) out.resource = e.resource;
  return out;
}
