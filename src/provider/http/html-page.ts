// The provider's few server-rendered pages (the device and OAuth sign-in pages): the document
// template (no script, every value escaped), how they are sent (a strict Content-Security-Policy,
// no framing, no caching, no referrer), and their CSRF guard: a random value in an HttpOnly
// SameSite=Strict cookie that every form must repeat (besides the provider's refusal of foreign
// Origins).
import { randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { equalInConstantTime } from '../../shared/constant-time';
import { escapeHtml } from '../../shared/html-escape';
import { HttpError } from './errors';

export function htmlDocument(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · Tessera</title>
<style>
body{font-family:system-ui,sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem;color:#1f2328}
h1{font-size:1.4rem}label{display:block;margin:.8rem 0 .2rem;font-weight:600}
input{width:100%;box-sizing:border-box;padding:.45rem;font-size:1rem}
button{margin-top:1rem;padding:.5rem 1rem;font-size:1rem;margin-right:.5rem}
.error{color:#d1242f;border:1px solid #d1242f;padding:.5rem;border-radius:4px}
.hint{color:#59636e;font-size:.9rem}ul{padding-left:1.2rem}
</style></head><body><h1>${escapeHtml(title)}</h1>
${body}
</body></html>`;
}

export function errorBlock(error: string | undefined): string {
  return error ? `<p class="error" role="alert" data-testid="error">${escapeHtml(error)}</p>` : '';
}

/**
 * Sends a page. `formTargets`: origins besides the provider's own that the page's forms may lead
 * to (a form whose answer redirects there, as the OAuth confirmation does).
 */
export function sendHtml(reply: FastifyReply, body: string, status = 200, formTargets: readonly string[] = []): FastifyReply {
  const formAction = ["'self'", ...formTargets].join(' ');
  return reply
    .code(status)
    .header('Content-Security-Policy', `default-src 'none'; style-src 'unsafe-inline'; form-action ${formAction}; frame-ancestors 'none'; base-uri 'none'`)
    .header('X-Frame-Options', 'DENY')
    .header('Referrer-Policy', 'no-referrer')
    .header('Cache-Control', 'no-store')
    .type('text/html; charset=utf-8')
    .send(body);
}

function cookieValue(request: FastifyRequest, name: string): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return v.join('=');
  }
  return undefined;
}

/** The CSRF guard of the pages under `path`, in the cookie `cookie`. */
export class FormGuard {
  constructor(
    private readonly cookie: string,
    private readonly path: string,
    private readonly secureCookie: boolean,
  ) {}

  /** A new value, set as the cookie on `reply`; the form repeats it. */
  issue(reply: FastifyReply): string {
    const value = randomBytes(24).toString('base64url');
    reply.header('Set-Cookie', `${this.cookie}=${value}; Path=${this.path}; HttpOnly; SameSite=Strict${this.secureCookie ? '; Secure' : ''}`);
    return value;
  }

  /** The request's value when its form repeats its cookie; otherwise 403 (`again`: where to start over). */
  check(request: FastifyRequest, field: string, again: string): string {
    const cookie = cookieValue(request, this.cookie);
    if (!cookie || !field || !equalInConstantTime(cookie, field)) throw new HttpError(403, `The form has expired or did not come from this page: open ${again} again`);
    return cookie;
  }
}

/** A string form field of at most `max` characters (the sign-in pages' body schemas). */
export const formString = (max: number) => ({ type: 'string', maxLength: max }) as const;

/** The body of a sign-in page's confirmation form: CSRF token, one-time ticket, the decision. */
export const CONFIRM_FORM_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['csrf', 'ticket', 'decision'],
  properties: { csrf: formString(64), ticket: formString(64), decision: { type: 'string', enum: ['approve', 'deny'] } },
} as const;
