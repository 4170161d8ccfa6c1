// Sessions whose token stopped working are dropped, so that other extensions are not handed a dead
// token: one whose recorded expiry has passed (getSessions and createSession check it), and one the
// provider says is gone, revoked, denied, expired, regenerated elsewhere (its secret replaced) or
// narrowed below the session's scopes (its scopes, permissions, owner or repositories changed) once the editor sees the account's token list
// (the Tokens view's loads, git's candidates). Once the account's own sign-in has ended (its token
// refused) there is no list to see: the provider is then asked, in one call, which session tokens
// still work (POST /credentials/check, which does not use them: their last_used_at stays), and
// the sessions of those that do not are dropped. Dropping goes through AccountStore.update, so
// onDidChangeSessions announces each removal, here and in the other windows.
import type { CheckCredentialsResponse, TokenJson } from '../../shared/api-types';
import { lastEight } from '../../shared/token-format';
import { isExpired } from '../../shared/token-text';
import { sessionExpired, type AccountSecrets, type StoredSession } from '../accounts/account-secrets';
import { accountApi, originApi } from '../api/provider-api';
import type { CoreServices } from '../core-services';
import { TesseraError } from '../services';
import { tokenGrantsScopes } from './scope-grammar';

/** The most tokens POST /credentials/check takes in one call. */
const MAX_CHECKED = 100;

/** The provider's word on a session's token: its current state, or gone (404). */
type TokenState = TokenJson | 'gone';

function works(t: TokenState, now: number): t is TokenJson {
  return t !== 'gone' && (t.status === 'active' || t.status === 'pending') && !isExpired(t, now);
}

/** The session still holds the token's secret: a regeneration elsewhere keeps the id, not the secret. */
function holdsSecret(s: StoredSession, t: TokenJson): boolean {
  return lastEight(s.token) === t.token_last_eight;
}

/** The token works, the session holds its secret, and it still grants what the session asked for. */
function serves(s: StoredSession, t: TokenState, now: number): t is TokenJson {
  return works(t, now) && holdsSecret(s, t) && tokenGrantsScopes(s.scopes, t);
}

/** Applies `next` (undefined: drop) to the account's sessions when it changes one; logs each drop. */
async function reviseSessions(core: CoreServices, accountId: string, next: (s: StoredSession) => StoredSession | undefined, why: (s: StoredSession) => string): Promise<void> {
  const changes = (v: AccountSecrets | undefined) => !!v?.sessions.some((s) => next(s) !== s);
  if (!changes(core.store.cached(accountId))) return;
  const dropped: StoredSession[] = [];
  await core.store.update(accountId, (cur) => {
    if (!cur || !changes(cur)) return cur;
    const sessions: StoredSession[] = [];
    for (const s of cur.sessions) {
      const n = next(s);
      if (n) sessions.push(n);
      else dropped.push(s);
    }
    return { ...cur, sessions };
  });
  for (const s of dropped) core.log.info(`Session ${s.id} dropped: its token ${why(s)}`);
}

/** Drops the account's sessions whose recorded expiry has passed at `now`. */
export function dropExpiredSessions(core: CoreServices, accountId: string, now = Date.now()): Promise<void> {
  return reviseSessions(core, accountId, (s) => (sessionExpired(s, now) ? undefined : s), (s) => `expired at ${s.expiresAt}`);
}

/**
 * The account's token list as the provider just gave it: records each session token's expiry, and
 * drops the sessions whose token no longer works or no longer grants the session's scopes. A
 * session whose token the list leaves out, or shows as not serving it, is asked about first (GET):
 * a list can miss a token made or changed while it loaded. When that answer fails, the session stays.
 */
export async function reconcileSessions(core: CoreServices, accountId: string, listed: readonly TokenJson[], now = Date.now()): Promise<void> {
  const sessions = core.store.cached(accountId)?.sessions ?? [];
  if (!sessions.length) return;
  const byId = new Map(listed.map((t) => [t.id, t]));
  const state = new Map<number, TokenState>();
  for (const s of sessions) {
    const seen = byId.get(s.tokenId);
    if (seen && serves(s, seen, now)) {
      state.set(s.tokenId, seen);
      continue;
    }
    try {
      state.set(s.tokenId, await accountApi(core, accountId).token(s.tokenId));
    } catch (err) {
      if (err instanceof TesseraError && err.kind === 'not-found') state.set(s.tokenId, 'gone');
      else core.log.warn(`Session ${s.id}: its token could not be checked (${err instanceof Error ? err.message : String(err)})`);
    }
  }
  await reviseSessions(
    core,
    accountId,
    (s) => {
      const t = state.get(s.tokenId);
      if (t === undefined) return s;
      if (!serves(s, t, now)) return undefined;
      return t.expires_at === s.expiresAt ? s : { ...s, expiresAt: t.expires_at };
    },
    (s) => {
      const t = state.get(s.tokenId);
      if (t === 'gone' || t === undefined) return 'is gone from the provider';
      if (t.status !== 'active' && t.status !== 'pending') return `is ${t.status} on the provider`;
      if (isExpired(t, now)) return 'is expired on the provider';
      return holdsSecret(s, t) ? 'no longer grants the scopes it was made with' : 'was regenerated elsewhere (the secret kept here is dead)';
    },
  );
}

/**
 * The account's sign-in token was refused (revoked, deleted or expired on the provider): its token
 * list cannot be read, so the provider is asked which session tokens work, without using them
 * (POST /credentials/check, one call). The sessions of tokens that do not are dropped; when the
 * check itself fails, every session stays.
 */
export async function checkSessionsWithoutSignIn(core: CoreServices, accountId: string): Promise<void> {
  const secrets = core.store.cached(accountId);
  if (!secrets?.sessions.length) return;
  const sessions = secrets.sessions.slice(0, MAX_CHECKED);
  let answer: CheckCredentialsResponse;
  try {
    answer = await originApi(core.client, secrets.account.providerOrigin).checkCredentials({ credentials: sessions.map((s) => s.token) });
  } catch (err) {
    core.log.warn(`The session tokens of ${accountId} could not be checked (${err instanceof Error ? err.message : String(err)})`);
    return;
  }
  const refused = new Set(sessions.filter((_, i) => answer.credentials[i]?.active === false).map((s) => s.id));
  await reviseSessions(core, accountId, (s) => (refused.has(s.id) ? undefined : s), () => 'is refused by the provider (revoked, deleted or expired)');
}
