// An SSO credential authorization as GitHub's API shows it (credential_id is the token's id).
import type { CredentialAuthorizationRecord } from '../store/credential-authorizations';
import type { TokenRecord } from '../store/tokens';
import { githubTime, githubTimeOrNull } from '../iso-time';

export function credentialAuthorizationJson(a: CredentialAuthorizationRecord, t: TokenRecord, login: string): Record<string, unknown> {
  return {
    login,
    credential_id: t.id,
    credential_type: t.kind === 'classic' ? 'personal access token' : 'fine-grained personal access token',
    token_last_eight: t.tokenLastEight,
    credential_authorized_at: githubTime(a.authorizedAt),
    ...(t.kind === 'classic' ? { scopes: t.scopes } : {}),
    ...(t.fingerprint ? { fingerprint: t.fingerprint } : {}),
    credential_accessed_at: githubTimeOrNull(a.accessedAt),
    authorized_credential_id: t.id,
    authorized_credential_title: t.note,
    authorized_credential_note: t.note,
    authorized_credential_expires_at: githubTimeOrNull(t.expiresAt),
  };
}
