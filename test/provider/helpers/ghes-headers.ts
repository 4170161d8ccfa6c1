// The headers GitHub's clients read, checked on each answer ValidatedApi (ghes-answers.ts) gets:
// what every API answer carries (X-GitHub-Media-Type, the rate-limit headers), the token headers
// (X-OAuth-Scopes, X-Accepted-OAuth-Scopes: how gh tells a token lacks a scope), Location where
// GitHub documents it (the created resource's `url`), the error bodies' fields clients print
// (message, documentation_url, errors[].code), and a Link header's form.
import * as assert from 'node:assert/strict';
import type { ApiResponse, CallOptions } from '../../builders/api-client';

/** The codes GitHub's validation errors use (docs.github.com, "Client errors"). */
const ERROR_CODES = new Set(['missing', 'missing_field', 'invalid', 'already_exists', 'unprocessable', 'custom']);

/**
 * The headers every API answer to `opts` carries. The callers these tests use are classic tokens
 * (sign-in or personal), so a token-authenticated answer names its scopes as well as the ones the
 * route accepts.
 */
export function checkCommonHeaders(route: string, res: ApiResponse, opts: CallOptions): void {
  const h = (name: string) => res.headers.get(name);
  assert.equal(h('x-github-media-type'), 'github.v3; format=json', `${route} ${res.status}: X-GitHub-Media-Type`);
  for (const name of ['x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-used', 'x-ratelimit-reset']) {
    assert.match(h(name) ?? '', /^\d+$/, `${route} ${res.status}: ${name}`);
  }
  assert.equal(h('x-ratelimit-resource'), 'core', `${route} ${res.status}: X-RateLimit-Resource`);
  if (opts.token !== undefined && res.status !== 401) {
    assert.notEqual(h('x-oauth-scopes'), null, `${route} ${res.status}: X-OAuth-Scopes on a classic token's answer`);
    assert.notEqual(h('x-accepted-oauth-scopes'), null, `${route} ${res.status}: X-Accepted-OAuth-Scopes on a token's answer`);
  }
}

/** An error answer's body: a message, the provider's error page, and GitHub's codes in `errors`. */
export function checkErrorBody(route: string, res: ApiResponse, origin: string): void {
  const body = res.json as { message?: unknown; documentation_url?: unknown; errors?: unknown } | undefined;
  assert.ok(body && typeof body === 'object', `${route} ${res.status}: a JSON error body (${res.text.slice(0, 200)})`);
  assert.ok(typeof body.message === 'string' && body.message !== '', `${route} ${res.status}: message`);
  assert.ok(typeof body.documentation_url === 'string' && body.documentation_url.startsWith(`${origin}/-/docs/errors#`), `${route} ${res.status}: documentation_url ${String(body.documentation_url)}`);
  if (body.errors === undefined) return;
  assert.ok(Array.isArray(body.errors), `${route} ${res.status}: errors is a list`);
  for (const e of body.errors as (Record<string, unknown> | string)[]) {
    if (typeof e === 'string') continue; // GitHub's validation-error-simple, where the operation documents it (checked by its schema)
    assert.ok(ERROR_CODES.has(String(e.code)), `${route} ${res.status}: errors[].code ${String(e.code)} is not one of GitHub's`);
    // GitHub's schema requires only `code`; Tessera's errors name their field (and some their resource).
    if (e.code !== 'custom') assert.equal(typeof e.field, 'string', `${route} ${res.status}: errors[] names its field: ${JSON.stringify(e)}`);
  }
}

/** Location, where GitHub documents it: the absolute URL of the created (or found) resource. */
export function checkLocation(route: string, res: ApiResponse, apiUrl: string): void {
  const location = res.headers.get('location');
  assert.ok(location, `${route} ${res.status}: Location`);
  const url = (res.json as { url?: unknown } | undefined)?.url;
  if (typeof url === 'string') assert.equal(location, url, `${route} ${res.status}: Location is the resource's url`);
  else assert.ok(location.startsWith(`${apiUrl}/`), `${route} ${res.status}: Location ${location} under ${apiUrl}`);
}

/** rel → URL of each part of a Link header (none: {}). */
export function linkRels(res: ApiResponse): Record<string, URL> {
  const out: Record<string, URL> = {};
  for (const part of (res.headers.get('link') ?? '').split(', ').filter(Boolean)) {
    const m = /^<([^>]+)>; rel="(first|prev|next|last)"$/.exec(part);
    assert.ok(m, `a Link part in GitHub's form: ${part}`);
    out[m[2]] = new URL(m[1]);
  }
  return out;
}
