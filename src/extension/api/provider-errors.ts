// Maps the provider's answers and transport failures to TesseraError kinds (services.ts). Pure:
// no 'vscode' at run time, no I/O; unit-tested. Messages are safe to show: they never contain a
// secret (the provider's own messages never do, and they are redacted once more here).
import { STATUS_CODES } from 'node:http';
import { redactTokens } from '../../shared/token-format';
import { TesseraError, type FieldError } from '../services';

export type AuthUsed = 'token' | 'basic' | 'none';

export interface ProviderAnswer {
  readonly status: number;
  /** Lower-case header names. */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** Parsed JSON body when there was one. */
  readonly body: unknown;
  /** The body was there but was not JSON (a proxy's error page, say: then `body` is `{ message }` with its start, never shown as is). */
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

/** "&amp;" → "&" and the like, for a page title. */
function decodeEntities(text: string): string {
  const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };
  return text.replace(/&(#x[0-9a-f]{1,6}|#\d{1,7}|[a-z]{2,6});/gi, (whole, e: string) => {
    const code = e[0] !== '#' ? undefined : e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : Number(e.slice(1));
    if (code === undefined) return named[e.toLowerCase()] ?? whole;
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}

/**
 * What a person is told of an answer that is not the API's JSON (a proxy's or web server's error
 * page): who answered what, the page's title when it says more than the status, never the page
 * itself (markup, and whatever the page may echo of the request).
 */
function notApiAnswer(answer: ProviderAnswer, url: string, message: string | undefined): string {
  const { status } = answer;
  const text = message ?? '';
  const html = /html/i.test(header(answer.headers, 'content-type') ?? '') || /^\s*</.test(text);
  const statusText = STATUS_CODES[status];
  const said = statusText ? `${status} ${statusText}` : `HTTP ${status}`;
  const raw = html ? /<title[^>]*>([^<]*)<\/title>/i.exec(text)?.[1] : text.split(/\r?\n/).find((l) => l.trim());
  // Redacted before it is cut: a token cut in half would no longer look like one.
  const summary = raw === undefined ? '' : redactTokens(decodeEntities(raw).replace(/\s+/g, ' ').trim()).slice(0, 120);
  // "502 Bad Gateway" as the title of a 502 says nothing more.
  const more = summary && !summary.toLowerCase().includes((statusText ?? String(status)).toLowerCase()) ? ` (“${summary}”)` : '';
  const what = html ? `an HTML page${more}, likely from a proxy or web server in front of it,` : `a text that is not the Tessera API's${more}, likely from a proxy in front of it,`;
  const hint = status >= 500 ? 'The provider behind it may be down or restarting: try again in a moment.' : "Check the provider's URL ('tessera.providerUrl') and the proxy in front of it.";
  return `The provider at ${originOf(url)} answered ${said} with ${what} instead of the Tessera API. ${hint}`;
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
  // A page that is not the API's (a proxy's 502) has no message for a person: its words are ours.
  const message = answer.notJson ? undefined : bodyMessage(answer.body);
  const page = answer.notJson ? notApiAnswer(answer, url, bodyMessage(answer.body)) : undefined;
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
    return new TesseraError('forbidden', `${message ?? page ?? 'Forbidden'}${ssoUrl ? ` (authorize the token for single sign-on: ${ssoUrl})` : ''}`, details);
  }
  if (status === 404) return new TesseraError('not-found', message ?? page ?? 'Not found.', details);
  if (status === 400 || status === 422 || status === 409 || status === 413) {
    const fieldErrors = bodyFieldErrors(answer.body);
    // The provider's message may already say what a field error says ("Validation Failed: login is already taken").
    const unsaid = fieldErrors.filter((e) => !message?.includes(e.message));
    const text = unsaid.length
      ? `${message ?? 'Validation failed'}: ${unsaid.map((e) => (e.field ? `${e.field}: ${e.message}` : e.message)).join('; ')}`
      : message ?? page ?? 'The provider refused the request.';
    return new TesseraError('validation', text, { ...details, fieldErrors });
  }
  if (page) return new TesseraError('server', page, details);
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
