// Headers on every token-authenticated answer: X-OAuth-Scopes (classic), X-Accepted-OAuth-Scopes
// (the route's), GitHub-Authentication-Token-Expiration (when the token expires).
import type { FastifyReply } from 'fastify';
import type { TokenRecord } from '../store/tokens';

/** `YYYY-MM-DD HH:MM:SS UTC`, as GitHub sends it. */
export function formatTokenExpiration(d: Date): string {
  return `${d.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

export function setTokenHeaders(reply: FastifyReply, token: TokenRecord, acceptedScopes: readonly string[] | undefined): void {
  if (token.kind === 'classic') reply.header('X-OAuth-Scopes', token.scopes.join(', '));
  reply.header('X-Accepted-OAuth-Scopes', (acceptedScopes ?? []).join(', '));
  if (token.expiresAt) reply.header('GitHub-Authentication-Token-Expiration', formatTokenExpiration(token.expiresAt));
}
