// Headers on every token-authenticated answer: X-OAuth-Scopes (classic), X-Accepted-OAuth-Scopes
// (the route's), GitHub-Authentication-Token-Expiration (when the token expires).
import type { FastifyReply } from 'fastify';
import type { TokenRecord } from '../store/tokens';
import { isoTime } from '../iso-time';

/** `YYYY-MM-DD HH:MM:SS UTC`, as GitHub sends it. */
function formatTokenExpiration(d: Date): string {
  return `${isoTime(d).slice(0, 19).replace('T', ' ')} UTC`;
}

/** The token headers for a token-authenticated answer. */
export function setTokenHeaders(reply: FastifyReply, token: TokenRecord, acceptedScopes: readonly string[] | undefined): void {
  if (token.kind === 'classic') reply.header('x-oauth-scopes', token.scopes.join(', '));
  reply.header('x-accepted-oauth-scopes', (acceptedScopes ?? []).join(', '));
  if (token.expiresAt) reply.header('github-authentication-token-expiration', formatTokenExpiration(token.expiresAt));
}
