// The audit log's event names (GitHub's), how event data is made secret-free (known
// secret-bearing keys dropped, anything token-shaped redacted), and how events read on the API.
// Events are recorded with audit() (audit.ts).
import type { AuditEventJson } from '../../shared/api-types';
import type { AuditEventRecord } from '../store/audit';
import { redactSecrets } from '../logger';

/** GitHub's event names used by the provider core (later issues add theirs). */
export const AUDIT_ACTIONS = {
  userCreate: 'user.create',
  userLogin: 'user.login',
  userFailedLogin: 'user.failed_login',
  userUpdate: 'user.update',
  userSudo: 'user.sudo',
  twoFactorEnabled: 'two_factor_authentication.enabled',
  twoFactorDisabled: 'two_factor_authentication.disabled',
  twoFactorRecoveryCodeUsed: 'two_factor_authentication.recovery_code_used',
  twoFactorRecoveryCodesRegenerated: 'two_factor_authentication.recovery_codes_regenerated',
  oauthAuthorizationCreate: 'oauth_authorization.create',
  oauthAuthorizationUpdate: 'oauth_authorization.update',
  oauthAuthorizationDestroy: 'oauth_authorization.destroy',
  oauthAuthorizationDeny: 'oauth_authorization.deny',
  oauthApplicationCreate: 'oauth_application.create',
  oauthApplicationDestroy: 'oauth_application.destroy',
  oauthDeviceAuthorize: 'oauth_device.authorize',
  oauthDeviceDeny: 'oauth_device.deny',
  oauthAccessCreate: 'oauth_access.create',
  patCreate: 'personal_access_token.create',
  patUpdate: 'personal_access_token.update',
  patDestroy: 'personal_access_token.destroy',
  patRegenerated: 'personal_access_token.credential_regenerated',
  patAutoRevoked: 'personal_access_token.auto_revoked',
  patCredentialRevoked: 'personal_access_token.credential_revoked',
} as const;

const SECRET_KEYS = /^(password|current_password|new_password|secret|token|otp|code|recovery_codes?|client_secret|authorization|hashed_token)$/i;

export function sanitizeAuditData(data: unknown, depth = 0): unknown {
  if (depth > 5) return '[truncated]';
  if (typeof data === 'string') return redactSecrets(data).slice(0, 1024);
  if (Array.isArray(data)) return data.slice(0, 100).map((v) => sanitizeAuditData(v, depth + 1));
  if (data && typeof data === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(data as Record<string, unknown>)) {
      if (SECRET_KEYS.test(k)) continue;
      out[k] = sanitizeAuditData(v, depth + 1);
    }
    return out;
  }
  return data;
}

/** GitHub's audit-log entry shape. */
export function auditEventJson(e: AuditEventRecord): AuditEventJson {
  const out: AuditEventJson = {
    ...e.data,
    '@timestamp': e.createdAt.getTime(),
    _document_id: String(e.id),
    action: e.action,
    actor: e.actorLogin,
    actor_id: e.actorId,
    user: e.userLogin,
    user_id: e.userId,
    created_at: e.createdAt.getTime(),
  };
  if (e.orgId !== null) {
    out.org = e.orgLogin;
    out.org_id = e.orgId;
  }
  if (e.tokenId !== null) out.token_id = e.tokenId;
  if (e.actorIp !== null) out.actor_ip = e.actorIp;
  return out;
}
