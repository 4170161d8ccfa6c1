// Records audit events with GitHub's event names. Never a secret: known secret-bearing keys are
// dropped and anything token-shaped is redacted before the event reaches the store.
import type { AuditEventJson } from '../../shared/api-types';
import type { ProviderContext } from '../context';
import type { AuditEventRecord } from '../store/audit';
import type { UserRecord } from '../store/users';
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
  oauthAuthorizationCreate: 'oauth_authorization.create',
  oauthAuthorizationUpdate: 'oauth_authorization.update',
  oauthAuthorizationDestroy: 'oauth_authorization.destroy',
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

export interface AuditInput {
  action: string;
  /** Who did it (undefined: anonymous / the system). */
  actor?: UserRecord;
  /** Whom it concerns (defaults to the actor). */
  user?: UserRecord;
  org?: { id: number; login: string };
  tokenId?: number;
  ip?: string;
  data?: Record<string, unknown>;
}

export async function recordAudit(ctx: ProviderContext, e: AuditInput): Promise<AuditEventRecord | undefined> {
  const subject = e.user ?? e.actor;
  try {
    return await ctx.store.audit.append({
      action: e.action,
      createdAt: ctx.clock.now(),
      actorId: e.actor?.id ?? null,
      actorLogin: e.actor?.login ?? null,
      userId: subject?.id ?? null,
      userLogin: subject?.login ?? null,
      orgId: e.org?.id ?? null,
      orgLogin: e.org?.login ?? null,
      tokenId: e.tokenId ?? null,
      actorIp: e.ip ?? null,
      data: sanitizeAuditData(e.data ?? {}) as Record<string, unknown>,
    });
  } catch (err) {
    ctx.log('error', `audit: could not record ${e.action}: ${(err as Error).message}`);
    return undefined;
  }
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
