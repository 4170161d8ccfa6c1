// Headers on every token-authenticated answer: X-OAuth-Scopes (classic), X-Accepted-OAuth-Scopes
// (the route's), GitHub-Authentication-Token-Expiration (when the token expires).
import type { FastifyReply } from 'fastify';
import type { TokenRecord } from '../store/tokens';

/** `YYYY-MM-DD HH:MM:SS UTC`, as GitHub sends it. */
export function formatTokenExpiration(d: Date): string {
  return `${d.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** Where headers go: a Fastify reply, or the fast lane's header object (routes/user-fast-lane.ts). */
export type HeaderSink = (name: string, value: string) => void;

/** The token headers, in order. */
export function writeTokenHeaders(set: HeaderSink, token: TokenRecord, acceptedScopes: readonly string[] | undefined): void {
  // Lower-case names: HTTP header names are case-insensitive and Fastify stores them lower-cased.
  if (token.kind === 'classic') set('x-oauth-scopes', token.scopes.join(', '));
  set('x-accepted-oauth-scopes', (acceptedScopes ?? []).join(', '));
  if (token.expiresAt) set('github-authentication-token-expiration', formatTokenExpiration(token.expiresAt));
}

export function setTokenHeaders(reply: FastifyReply, token: TokenRecord, acceptedScopes: readonly string[] | undefined): void {
  writeTokenHeaders((name, value) => reply.header(name, value), token, acceptedScopes);
}
