// Headers on every token-authenticated answer: X-OAuth-Scopes (classic), X-Accepted-OAuth-Scopes
// (the route's), GitHub-Authentication-Token-Expiration (when the token expires).
import type { FastifyReply } from 'fastify';
import type { TokenRecord } from '../store/tokens';

/** `YYYY-MM-DD HH:MM:SS UTC`, as GitHub sends it. */
export function formatTokenExpiration(d: Date): string {
  return `${d.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

interface TokenHeaderValues {
  scopes: string | undefined;
  expiration: string | undefined;
}

// The values for records that cannot change (the principal cache hands out frozen token records
// and replaces them when anything changes), remembered per record.
const remembered = new WeakMap<TokenRecord, TokenHeaderValues>();

function headerValues(token: TokenRecord): TokenHeaderValues {
  const hit = remembered.get(token);
  if (hit) return hit;
  const values = {
    scopes: token.kind === 'classic' ? token.scopes.join(', ') : undefined,
    expiration: token.expiresAt ? formatTokenExpiration(token.expiresAt) : undefined,
  };
  if (Object.isFrozen(token)) remembered.set(token, values);
  return values;
}

export function setTokenHeaders(reply: FastifyReply, token: TokenRecord, acceptedScopes: readonly string[] | undefined): void {
  const { scopes, expiration } = headerValues(token);
  if (scopes !== undefined) reply.header('X-OAuth-Scopes', scopes);
  reply.header('X-Accepted-OAuth-Scopes', acceptedScopes?.length ? acceptedScopes.join(', ') : '');
  if (expiration !== undefined) reply.header('GitHub-Authentication-Token-Expiration', expiration);
}
