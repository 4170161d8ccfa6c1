// Maps the provider's answers and transport failures to TesseraError kinds (services.ts). Pure:
// no 'vscode' at run time, no I/O; unit-tested. Messages are safe to show: they never contain a
// secret (the provider's own messages never do, and they are redacted once more here).
import { redactTokens } from '../../shared/token-format';
import { TesseraError, type FieldError } from '../services';

export type AuthUsed = 'token' | 'basic' | 'none';

export interface ProviderAnswer {
  readonly status: number;
  /** Lower-case header names. */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** Parsed JSON body when there was one. */
  readonly body: unknown;
  /** The body was there but was not JSON (then `body` is `{ message }` with its start). */
  readonly notJson?: boolean;
}

function header(h: ProviderAnswer['headers'], name: string): string | undefined {
  const v = h[name];
  return Array.isArray(v) ? v.join(', ') : v;
}

function bodyMessage(body: unknown): string | undefined {
  if (body && typeof body === 'object' && typeof (body as { message?: unknown }).message === 'string') {
    return redactTokens((body as { message: string }).message);
  }
  return undefined;
}

function bodyFieldErrors(body: unknown): FieldError[] {
  const errors = body && typeof body === 'object' ? (body as { errors?: unknown }).errors : undefined;
  if (!Array.isArray(errors)) return [];
  const out: FieldError[] = [];
  for (const e of errors) {
    if (e && typeof e === 'object') {
      const o = e as { field?: unknown; message?: unknown; code?: unknown; resource?: unknown };
      const field = typeof o.field === 'string' ? o.field : '';
      const code = typeof o.code === 'string' ? o.code : undefined;
      const message = typeof o.message === 'string' ? redactTokens(o.message) : code ? `${field} ${code}` : 'is invalid';
      out.push({ field, message, ...(code ? { code } : {}) });
    } else if (typeof e === 'string') {
      out.push({ field: '', message: redactTokens(e) });
    }
  }
  return out;
}

/** The origin of `url` (the provider a person knows), or `url` itself when it does not parse. */
function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}

/** Seconds until a lock ends, from the `Retry-After` header (seconds or an HTTP date). */
export function retryAfterSeconds(answer: ProviderAnswer, now = Date.now()): number | undefined {
  const ra = header(answer.headers, 'retry-after');
  if (!ra) return undefined;
  if (/^\d+$/.test(ra.trim())) return Number(ra.trim());
  const t = Date.parse(ra);
  return Number.isNaN(t) ? undefined : Math.max(0, Math.ceil((t - now) / 1000));
}

/** "in 9 minutes", "in 40 seconds" — when a lock ends. */
export function describeRetry(seconds: number | undefined): string {
  if (seconds === undefined) return 'later';
  if (seconds < 60) return `in ${Math.max(1, Math.round(seconds))} second${Math.round(seconds) === 1 ? '' : 's'}`;
  const m = Math.ceil(seconds / 60);
  return `in ${m} minute${m === 1 ? '' : 's'}`;
}

/**
 * The TesseraError for a non-2xx answer of `{url}`. `auth` says how the call authenticated: a 401
 * to a token means the account's session has ended; to Basic it means a wrong login or password.
 */
export function errorFromAnswer(answer: ProviderAnswer, url: string, auth: AuthUsed, now = Date.now()): TesseraError {
  const { status } = answer;
  const message = bodyMessage(answer.body);
  const details = { status, url };
  const otp = header(answer.headers, 'x-github-otp');
  const lockedFor = retryAfterSeconds(answer, now);

  // A lock is only what the provider says is one (429 or Retry-After). Tessera answers a locked
  // account exactly like a wrong password (no login enumeration): the sign-in UI infers that case.
  if (status === 429 || ((status === 401 || status === 403) && lockedFor !== undefined && !/required/i.test(otp ?? ''))) {
    return new TesseraError(
      'locked',
      `${message ?? 'Too many attempts.'} Try again ${describeRetry(lockedFor)}.`,
      { ...details, ...(lockedFor !== undefined ? { retryAfterSeconds: lockedFor } : {}) },
    );
  }
  // 401 on sign-in; 403 on POST /user/sudo (the token itself is fine there).
  if ((status === 401 || status === 403) && otp && /required/i.test(otp)) {
    return new TesseraError('otp-required', message ?? 'A two-factor authentication code is required.', details);
  }
  if (status === 401) {
    if (auth === 'token') {
      // The provider says only "Bad credentials" for a token revoked, deleted or expired: that is
      // no message for a person. Say what happened and where; keep any more telling reason.
      const reason = message && !/^\s*bad credentials\.?\s*$/i.test(message) ? ` (${message})` : '';
      return new TesseraError(
        'signed-out',
        `Your sign-in to the Tessera provider at ${originOf(url)} has ended: its token was revoked, deleted or has expired${reason}. Sign in again.`,
        details,
      );
    }
    return new TesseraError('signed-out', message ?? 'Incorrect login or password.', details);
  }
  if (status === 403 && /required/i.test(header(answer.headers, 'x-tessera-sudo') ?? '')) {
    return new TesseraError('sudo-required', message ?? 'This action needs your password again (sudo mode).', details);
  }
  if (status === 403) {
    const sso = header(answer.headers, 'x-github-sso');
    const ssoUrl = sso && /url=([^;\s]+)/.exec(sso)?.[1];
    return new TesseraError('forbidden', `${message ?? 'Forbidden'}${ssoUrl ? ` (authorize the token for single sign-on: ${ssoUrl})` : ''}`, details);
  }
  if (status === 404) return new TesseraError('not-found', message ?? 'Not found.', details);
  if (status === 400 || status === 422 || status === 409 || status === 413) {
    const fieldErrors = bodyFieldErrors(answer.body);
    // The provider's message may already say what a field error says ("Validation Failed: login is already taken").
    const unsaid = fieldErrors.filter((e) => !message?.includes(e.message));
    const text = unsaid.length
      ? `${message ?? 'Validation failed'}: ${unsaid.map((e) => (e.field ? `${e.field}: ${e.message}` : e.message)).join('; ')}`
      : message ?? 'The provider refused the request.';
    return new TesseraError('validation', text, { ...details, fieldErrors });
  }
  return new TesseraError('server', `${message ?? 'The provider failed'} (HTTP ${status}).`, details);
}

const DOWN_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EHOSTDOWN',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
]);

const TLS_CODES = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|ALTNAME|EPROTO|ERR_SSL/;

function errorCodes(err: unknown): string[] {
  const codes: string[] = [];
  let cur: unknown = err;
  for (let i = 0; i < 5 && cur && typeof cur === 'object'; i++) {
    const c = (cur as { code?: unknown }).code;
    if (typeof c === 'string') codes.push(c);
    const errs = (cur as { errors?: unknown }).errors; // AggregateError (happy eyeballs)
    if (Array.isArray(errs)) for (const e of errs) if (e && typeof (e as { code?: unknown }).code === 'string') codes.push((e as { code: string }).code);
    cur = (cur as { cause?: unknown }).cause;
  }
  return codes;
}

/** The TesseraError for a request to `origin` that got no HTTP answer. */
export function errorFromTransport(err: unknown, origin: string): TesseraError {
  if (err instanceof TesseraError) return err;
  const codes = errorCodes(err);
  const down = codes.find((c) => DOWN_CODES.has(c));
  if (down) {
    const why = down === 'ECONNREFUSED' ? 'connection refused' : /TIMEOUT|ETIMEDOUT/.test(down) ? 'timed out' : down;
    return new TesseraError('provider-down', `The Tessera provider at ${origin} is not reachable (${why}).`, { url: origin });
  }
  const tls = codes.find((c) => TLS_CODES.test(c));
  if (tls) {
    return new TesseraError(
      'network',
      `The TLS certificate of ${origin} is not trusted (${tls}). For a provider with its own CA, set 'tessera.caFile'.`,
      { url: origin },
    );
  }
  const text = err instanceof Error ? err.message : String(err);
  return new TesseraError('network', `Could not talk to the Tessera provider at ${origin}: ${redactTokens(text)}`, { url: origin });
}
