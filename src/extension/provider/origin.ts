// A provider's origin as the extension keeps it (scheme, host and port, normalized): https, or
// http on loopback only; and which origin a sign-in another extension or a link asks for is taken.

export function normalizeOrigin(url: string): string | undefined {
  try {
    const u = new URL(url.trim());
    if (u.protocol !== 'https:' && !(u.protocol === 'http:' && isLoopback(u.hostname))) return undefined;
    return u.origin;
  } catch {
    return undefined;
  }
}

function isLoopback(hostname: string): boolean {
  return hostname === '127.0.0.1' || hostname === 'localhost' || hostname === '[::1]' || hostname === '::1';
}

/**
 * The provider a `tessera.signIn` argument (`{ origin }`) names, when it is one this editor already
 * knows (`isKnown`): the password goes there, so an unknown one, a malformed one or plain http to
 * another host gives undefined, and the user picks the provider.
 */
export function requestedOrigin(arg: unknown, isKnown: (origin: string) => boolean): string | undefined {
  const raw = arg && typeof arg === 'object' ? (arg as { origin?: unknown }).origin : undefined;
  const origin = typeof raw === 'string' ? normalizeOrigin(raw) : undefined;
  return origin && isKnown(origin) ? origin : undefined;
}
