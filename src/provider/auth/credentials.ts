// Parses the Authorization header. Scheme names are case-insensitive (`basic`, `Bearer`, ...).
import { isUtf8 } from 'node:buffer';
import { HttpError } from '../http/errors';

type Credentials =
  | { scheme: 'token'; token: string }
  | { scheme: 'basic'; username: string; password: string };

function isAsciiLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/** Printable ASCII other than the space: a character `\s` never matches. */
function isVisibleAscii(c: number): boolean {
  return c > 32 && c < 127;
}

/**
 * `token <t>` / `Bearer <t>` (any case) with one space and a value of visible ASCII — what clients
 * send on every token-authenticated request — without parseAnyAuthorization's regular expression;
 * the same answer it would give (a property test holds them equal). undefined = take the general path.
 */
function plainTokenCredentials(header: string): Extract<Credentials, { scheme: 'token' }> | undefined {
  const space = header.indexOf(' ');
  if (space !== 5 && space !== 6) return undefined; // 'token' | 'bearer'
  for (let i = 0; i < space; i++) if (!isAsciiLetter(header.charCodeAt(i))) return undefined;
  const scheme = header.slice(0, space).toLowerCase();
  if (scheme !== 'token' && scheme !== 'bearer') return undefined;
  if (header.length === space + 1) return undefined;
  for (let i = space + 1; i < header.length; i++) if (!isVisibleAscii(header.charCodeAt(i))) return undefined;
  return { scheme: 'token', token: header.slice(space + 1) };
}

/**
 * A token in the URL (`?access_token=…`, however its name is percent-encoded): refused with
 * GitHub's 400 since it retired query-parameter authentication, on every route — never read as a
 * token, nor ignored (the request would go on as anonymous, and the client would keep putting its
 * token in URLs, which proxies, browser histories and shell histories keep).
 */
export function refuseQueryToken(query: unknown): void {
  if (query !== null && typeof query === 'object' && Object.hasOwn(query, 'access_token')) {
    throw new HttpError(400, 'Must specify access token via Authorization header');
  }
}

/** undefined when there is no Authorization header; throws 401 when it is malformed. */
export function parseAuthorization(header: string | undefined): Credentials | undefined {
  if (header === undefined) return undefined;
  return plainTokenCredentials(header) ?? parseAnyAuthorization(header);
}

/**
 * Any Authorization header, by one regular expression: what parseAuthorization answers, without
 * its fast path for `token <t>` (exported so a property test can hold the two equal).
 */
export function parseAnyAuthorization(header: string): Credentials {
  const m = /^\s*([A-Za-z]+)\s+(\S+)\s*$/.exec(header);
  if (!m) throw new HttpError(401, 'Malformed Authorization header');
  const scheme = m[1].toLowerCase();
  if (scheme === 'token' || scheme === 'bearer') return { scheme: 'token', token: m[2] };
  if (scheme === 'basic') {
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(m[2])) throw new HttpError(401, 'Malformed Basic credentials');
    const raw = Buffer.from(m[2], 'base64');
    if (!isUtf8(raw)) throw new HttpError(401, 'Malformed Basic credentials');
    const text = raw.toString('utf8');
    const colon = text.indexOf(':');
    if (colon < 0) throw new HttpError(401, 'Malformed Basic credentials');
    return { scheme: 'basic', username: text.slice(0, colon), password: text.slice(colon + 1) };
  }
  throw new HttpError(401, `Unsupported authorization scheme '${m[1].slice(0, 20)}'`);
}

/** A Basic password that is a token (git style `x-access-token:<token>`), by its prefix. */
export function looksLikeToken(value: string): boolean {
  return /^ts[pfa]_/.test(value);
}
