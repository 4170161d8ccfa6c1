// The Host names and browser Origins the provider answers, checked on every request before
// anything else (hostCheck, in app.ts's first onRequest hook). A
// page on attacker.example that rebinds its name to 127.0.0.1 reaches the provider with
// `Host: attacker.example:PORT`, and a page on another site that sends a request to it carries its
// own `Origin`: both are refused, so no web page can drive the provider. Served: the loopback
// names (127.0.0.1, localhost, [::1]) and the names a team server is given (`--public-host`, and
// `--host` when it names one address), each with the provider's port — and without a port when
// that is the scheme's default one or the name was given as NAME:PORT (a reverse proxy's).
import { isIP } from 'node:net';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { setCommonHeaders } from './common-headers';
import { HttpError } from './errors';

/** The names every provider serves (the loopback ones). */
const LOOPBACK_NAMES: readonly string[] = ['127.0.0.1', 'localhost', '::1'];

/** The unspecified address (0.0.0.0, ::, in any spelling): a listen address for every interface, which names no one host. */
function isWildcardAddress(address: string): boolean {
  const family = isIP(address);
  return family === 4 ? address === '0.0.0.0' : family === 6 && /^[0:]+$/.test(address);
}

/** A served name as given: a DNS name or an IP address, optionally with `:PORT`. */
export interface ServedName {
  /** Lower case; an IPv6 address without brackets. */
  name: string;
  port?: number;
}

const DNS_NAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;

/**
 * Parses `NAME`, `NAME:PORT`, `IP`, `IP:PORT`, `[IPv6]` or `[IPv6]:PORT`. Throws an Error naming
 * what is wrong (for the command line).
 */
export function parseServedName(text: string): ServedName {
  const value = text.trim().toLowerCase();
  let name = value;
  let port: number | undefined;
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(value);
  if (bracketed) {
    name = bracketed[1];
    port = bracketed[2] === undefined ? undefined : Number(bracketed[2]);
    if (isIP(name) !== 6) throw new Error(`not an IPv6 address in brackets: ${text}`);
  } else if (isIP(value) === 6) {
    name = value;
  } else {
    const withPort = /^([^:]+):(\d+)$/.exec(value);
    if (withPort) {
      name = withPort[1];
      port = Number(withPort[2]);
    }
    if (!isIP(name) && !DNS_NAME.test(name)) throw new Error(`not a host name or IP address: ${text}`);
  }
  if (port !== undefined && (!Number.isInteger(port) || port < 1 || port > 65535)) throw new Error(`invalid port in ${text}`);
  if (isWildcardAddress(name)) throw new Error(`${text} is the unspecified address (listen on it with --host), not a name clients reach the server by`);
  return port === undefined ? { name } : { name, port };
}

/**
 * The names a provider listening on `listenHost` with `publicHosts` serves besides the loopback
 * ones: the listen host itself when it is one address or name (not a wildcard, not loopback), and
 * every public host. Also the names its local CA constrains itself to (tls/local-ca.ts).
 */
export function servedNames(listenHost: string, publicHosts: readonly string[] = []): ServedName[] {
  const names: ServedName[] = [];
  const listen = listenHost.trim().toLowerCase().replace(/^\[|\]$/g, '');
  if (!isWildcardAddress(listen) && !LOOPBACK_NAMES.includes(listen)) names.push(parseServedName(listen));
  for (const h of publicHosts) names.push(parseServedName(h));
  const seen = new Set<string>();
  return names.filter((n) => {
    const key = `${n.name}|${n.port ?? ''}`;
    if (seen.has(key) || (LOOPBACK_NAMES.includes(n.name) && n.port === undefined)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * The origin a team server's answers name it by (clone_url, Location, the device flow's
 * verification_uri, ...): `publicUrl` when given, else the first public host with its own port or
 * the listening one (the scheme's default port left out); undefined without either (the answers
 * then name the listening address).
 */
export function publicOrigin(scheme: 'http' | 'https', publicHosts: readonly string[], port: number, publicUrl?: string): string | undefined {
  if (publicUrl) return new URL(publicUrl).origin;
  if (!publicHosts.length) return undefined;
  const first = parseServedName(publicHosts[0]!);
  const p = first.port ?? port;
  return `${scheme}://${hostForm(first.name)}${p === (scheme === 'https' ? 443 : 80) ? '' : `:${p}`}`;
}

/** `url` as a message may quote it: what stands before an `@` in its authority (a user name and password) left out. */
function withoutCredentials(url: string): string {
  return url.replace(/^([^:/?#]*:\/\/)[^/?#]*@/, '$1…@');
}

/**
 * The public URL's host as a served name (`NAME` or `NAME:PORT`); throws naming what is wrong
 * with it (quoting it without credentials: the message goes to the terminal and the logs).
 */
export function publicUrlHost(publicUrl: string): string {
  const quoted = withoutCredentials(publicUrl);
  let url: URL;
  try {
    url = new URL(publicUrl);
  } catch {
    throw new Error(`not a URL: ${quoted}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error(`${quoted} is not an https:// (or http://) URL`);
  if (url.username || url.password || url.search || url.hash || (url.pathname !== '/' && url.pathname !== '')) {
    throw new Error(`${quoted} must be an origin only, like https://tessera.example.com (no path, query or credentials)`);
  }
  const host = url.port ? url.host : url.hostname;
  parseServedName(host);
  return host;
}

/** The name as it appears in a Host header or an origin: an IPv6 address in brackets. */
function hostForm(name: string): string {
  return isIP(name) === 6 ? `[${name}]` : name;
}

/** Which Host and Origin values are the provider's own; fixed once the server listens. */
export class ServedHosts {
  private hosts = new Set<string>();
  private origins = new Set<string>();

  constructor(
    private readonly scheme: 'http' | 'https',
    private readonly names: readonly ServedName[],
    private readonly publicUrl?: string,
  ) {}

  /** Called once the server listens on `port` (before that, no request is served). */
  listeningOn(port: number): void {
    const hosts = new Set<string>();
    const origins = new Set<string>();
    const defaultPort = this.scheme === 'https' ? 443 : 80;
    const add = (name: string, hostPort: number | undefined) => {
      const host = hostPort === undefined ? hostForm(name) : `${hostForm(name)}:${hostPort}`;
      hosts.add(host);
      origins.add(`${this.scheme}://${hostPort === defaultPort ? hostForm(name) : host}`);
    };
    for (const name of LOOPBACK_NAMES) {
      add(name, port);
      if (port === defaultPort) add(name, undefined);
    }
    for (const n of this.names) {
      if (n.port !== undefined) {
        add(n.name, n.port);
        continue;
      }
      add(n.name, port);
      add(n.name, undefined); // a reverse proxy on the scheme's default port
    }
    if (this.publicUrl) origins.add(new URL(this.publicUrl).origin);
    this.hosts = hosts;
    this.origins = origins;
  }

  /** Why a request with these Host and Origin headers is refused, or undefined when it is served. */
  problem(host: string | undefined, origin: string | undefined): HttpError | undefined {
    if (host === undefined || !this.hosts.has(host.toLowerCase())) {
      return new HttpError(
        421,
        host === undefined
          ? 'Misdirected Request: the request has no Host header'
          : `Misdirected Request: this provider does not serve the host name in the Host header (${JSON.stringify(host.slice(0, 100))}); a team server names its public host names with --public-host`,
      );
    }
    if (origin !== undefined && !this.origins.has(origin.toLowerCase())) {
      return new HttpError(403, `Cross-origin requests are refused: the Origin ${JSON.stringify(origin.slice(0, 100))} is not this provider's own`);
    }
    return undefined;
  }
}

function headerValue(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v.join(', ') : v;
}

/** The check of every request, routed or not (git routes too), before anything but the API headers: the refusal, or undefined. */
export function hostCheck(served: ServedHosts, request: FastifyRequest, reply: FastifyReply): HttpError | undefined {
  const problem = served.problem(request.headers.host, headerValue(request.headers.origin));
  if (problem) setCommonHeaders(reply);
  return problem;
}
