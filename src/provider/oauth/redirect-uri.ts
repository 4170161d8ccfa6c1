// Where the OAuth web flow sends the person back: the app's registered callback URL, or a
// redirect_uri the app names, which must (as on GitHub) have the callback URL's scheme, host and
// port and a path at or under the callback URL's path. A loopback callback (127.0.0.1, [::1])
// allows any port, for native apps that listen on a port of their own. No credentials, no fragment
// (not even an empty one); below the callback's path, no segment a server might read as a step up
// or as more than one segment (`..;x`, an encoded `/` or `\`, an empty segment): the URL parser
// resolves `..` and `%2e%2e` itself, but the app's server decodes the rest its own way.
import type { OAuthAppRecord } from '../store/oauth-apps';

const LOOPBACK = new Set(['127.0.0.1', '[::1]']);

function parse(s: string): URL | undefined {
  try {
    return new URL(s);
  } catch {
    return undefined;
  }
}

/** A path segment below the callback's that is not plainly one name. The last may be empty (a trailing `/`). */
function trickySegment(segment: string, last: boolean): boolean {
  if (segment === '') return !last;
  let decoded: string;
  try {
    decoded = decodeURIComponent(segment);
  } catch {
    return true;
  }
  const name = decoded.split(';')[0];
  return name === '.' || name === '..' || /[/\\]/.test(decoded);
}

function underPath(path: string, base: string): boolean {
  if (path === base) return true;
  const prefix = base.endsWith('/') ? base : `${base}/`;
  if (!path.startsWith(prefix)) return false;
  const below = path.slice(prefix.length).split('/');
  return !below.some((segment, i) => trickySegment(segment, i === below.length - 1));
}

/** The URL to send the person back to, or undefined when the app has no callback URL or `redirectUri` does not fit it. */
export function redirectTarget(app: OAuthAppRecord, redirectUri: string | undefined): URL | undefined {
  const callback = app.callbackUrl ? parse(app.callbackUrl) : undefined;
  if (!callback) return undefined;
  if (redirectUri === undefined) return callback;
  const asked = parse(redirectUri);
  if (!asked || asked.username || asked.password || asked.href.includes('#')) return undefined;
  if (asked.protocol !== callback.protocol || asked.hostname !== callback.hostname) return undefined;
  const anyPort = LOOPBACK.has(callback.hostname) && callback.protocol === 'http:';
  if (!anyPort && asked.port !== callback.port) return undefined;
  return underPath(asked.pathname, callback.pathname) ? asked : undefined;
}

/** Whether the redirect_uri of a code exchange is the one the code was asked with (`asked`; null: the callback URL). */
export function sameRedirect(app: OAuthAppRecord, asked: string | null, given: string | undefined): boolean {
  if (asked !== null) return given === asked;
  if (given === undefined) return true;
  return parse(given)?.toString() === (app.callbackUrl ? parse(app.callbackUrl)?.toString() : undefined);
}
