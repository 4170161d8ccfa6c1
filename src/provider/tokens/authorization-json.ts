// The 2013 OAuth Authorizations API's authorization object. `token` is the secret only in the
// answer that created it, and empty in every other (as GHES answers for existing authorizations).
import type { AuthorizationJson } from '../../shared/api-types';
import { apiBase, ProviderContext } from '../context';
import { simpleUserJson } from '../orgs/account-json';
import type { TokenRecord } from '../store/tokens';
import type { UserRecord } from '../store/users';
import { githubTime, githubTimeOrNull } from '../iso-time';

/** `app.client_id` of an authorization made without a client (GitHub's own "GitHub API" app id). */
export const PERSONAL_CLIENT_ID = '00000000000000000000';

export function authorizationJson(ctx: ProviderContext, t: TokenRecord, user: UserRecord, secret?: string): AuthorizationJson {
  return {
    id: t.id,
    url: `${apiBase(ctx)}/authorizations/${t.id}`,
    scopes: t.scopes,
    token: secret ?? '',
    token_last_eight: t.tokenLastEight,
    hashed_token: t.hashedToken,
    app: {
      name: t.clientId ? `OAuth client ${t.clientId}` : `${t.note} (API)`,
      url: t.noteUrl ?? `${ctx.origin}/`,
      client_id: t.clientId ?? PERSONAL_CLIENT_ID,
    },
    note: t.note,
    note_url: t.noteUrl,
    created_at: githubTime(t.createdAt),
    updated_at: githubTime(t.updatedAt),
    fingerprint: t.fingerprint,
    expires_at: githubTimeOrNull(t.expiresAt),
    user: simpleUserJson(ctx, user),
  };
}
