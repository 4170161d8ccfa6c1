// Headers on every token-authenticated answer: X-OAuth-Scopes (classic), X-Accepted-OAuth-Scopes
// (the route's), GitHub-Authentication-Token-Expiration (when the token expires). A token's values
// are worked out once per frozen record (the principal cache hands the same frozen record to every
// request that uses the token) and kept beside it.
//
// X-Accepted-OAuth-Scopes is how gh tells what a token lacks: on any 4xx but 422 it suggests
// `gh auth refresh -s S` for the first scope listed that the token does not name (it knows only
// admin:X ⊃ write:X ⊃ read:X of the hierarchy), even when the token names another one listed. So
// a token that already holds an accepted scope is shown the accepted scopes (or their parents, as
// GitHub lists them) it names itself: a 404 for a missing repository with a `repo` token is not
// followed by a suggestion to add Tessera's `admin:token` (or `public_repo`). A token that holds
// none is shown them all, GitHub's first.
import type { FastifyReply } from 'fastify';
import { scopeAncestors } from '../../shared/classic-scopes';
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

/** `accepted` as the token sees it: those (or their parents) it names when it names any, else all. */
function acceptedScopesHeader(scopes: readonly string[], accepted: readonly string[]): string {
  if (accepted.length === 0) return '';
  const named = accepted.flatMap((s) => [s, ...scopeAncestors(s)]).filter((s, i, all) => scopes.includes(s) && all.indexOf(s) === i);
  return (named.length > 0 ? named : accepted).join(', ');
}

/** The token headers for a token-authenticated answer. */
export function setTokenHeaders(reply: FastifyReply, token: TokenRecord, acceptedScopes: readonly string[] | undefined): void {
  const values = headerValuesOf(token);
  if (token.kind === 'classic') reply.header('x-oauth-scopes', values.oauthScopes);
  reply.header('x-accepted-oauth-scopes', acceptedScopesHeader(token.scopes, acceptedScopes ?? []));
  if (values.expiration !== undefined) reply.header('github-authentication-token-expiration', values.expiration);
}
