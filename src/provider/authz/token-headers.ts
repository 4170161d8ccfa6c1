// Headers on every token-authenticated answer: X-OAuth-Scopes (classic), X-Accepted-OAuth-Scopes
// (the route's), GitHub-Authentication-Token-Expiration (when the token expires). A token's values
// are worked out once per frozen record (the principal cache hands the same frozen record to every
// request that uses the token) and kept beside it.
import type { FastifyReply } from 'fastify';
import type { TokenRecord } from '../store/tokens';
import { isoTime } from '../iso-time';

/** `YYYY-MM-DD HH:MM:SS UTC`, as GitHub sends it. */
function formatTokenExpiration(d: Date): string {
  return `${isoTime(d).slice(0, 19).replace('T', ' ')} UTC`;
}

interface TokenHeaderValues {
  /** The expiry (ms) the values were worked out for: a frozen record's Date can still be set. */
  readonly expiresAtMs: number | undefined;
  readonly oauthScopes: string;
  readonly expiration: string | undefined;
}

const byFrozenToken = new WeakMap<TokenRecord, TokenHeaderValues>();

function headerValuesOf(token: TokenRecord): TokenHeaderValues {
  const expiresAtMs = token.expiresAt?.getTime();
  const kept = byFrozenToken.get(token);
  if (kept && kept.expiresAtMs === expiresAtMs) return kept;
  const values: TokenHeaderValues = {
    expiresAtMs,
    oauthScopes: token.scopes.join(', '),
    expiration: token.expiresAt ? formatTokenExpiration(token.expiresAt) : undefined,
  };
  // Only a frozen record (and so its scope list) cannot change under the kept values.
  if (Object.isFrozen(token) && Object.isFrozen(token.scopes)) byFrozenToken.set(token, values);
  return values;
}

/** The token headers for a token-authenticated answer. */
export function setTokenHeaders(reply: FastifyReply, token: TokenRecord, acceptedScopes: readonly string[] | undefined): void {
  const values = headerValuesOf(token);
  if (token.kind === 'classic') reply.header('x-oauth-scopes', values.oauthScopes);
  reply.header('x-accepted-oauth-scopes', (acceptedScopes ?? []).join(', '));
  if (values.expiration !== undefined) reply.header('github-authentication-token-expiration', values.expiration);
}
