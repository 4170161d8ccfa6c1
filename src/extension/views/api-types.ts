// The provider's JSON shapes as the views read them (DESIGN.md; GitHub's shapes where GitHub has
// one). Pure types plus tolerant normalizers: the provider is written at the same time as the
// views, so every field a view depends on is read through a function here, in one place.
// No 'vscode' import: webview scripts use this file too.
import type { PermissionLevel, PermissionSet } from '../../shared/fine-grained-permissions';

export type TokenKind = 'classic' | 'fine_grained';
export type TokenStatus = 'active' | 'pending' | 'denied' | 'expired' | 'revoked';
export type RepositorySelection = 'none' | 'all' | 'subset';

export interface RepositoryRef {
  readonly id?: number;
  readonly name: string;
  readonly full_name?: string;
  readonly private?: boolean;
  readonly owner?: { readonly login: string };
}

/** GET/POST /user/personal-access-tokens, GET/PATCH .../{id}, POST .../{id}/regenerate. */
export interface PersonalAccessToken {
  readonly id: number;
  readonly name: string;
  readonly description?: string | null;
  readonly kind: TokenKind;
  readonly scopes?: readonly string[];
  readonly permissions?: PermissionSet;
  /** The owner's login (a string), or a GitHub-style owner object. */
  readonly resource_owner?: string | { readonly login: string } | null;
  readonly repository_selection?: RepositorySelection;
  readonly repositories?: readonly (string | number | RepositoryRef)[];
  readonly expires_at: string | null;
  readonly status: TokenStatus;
  /** Why an org owner denied the request (field name not fixed yet: see denialReason()). */
  readonly denial_reason?: string | null;
  readonly status_reason?: string | null;
  readonly reason?: string | null;
  readonly created_at: string;
  readonly last_used_at: string | null;
  readonly token_last_eight: string;
  /** Only in the create and regenerate answers. */
  readonly token?: string;
}

/** GET /user */
export interface ApiUser {
  readonly login: string;
  readonly id: number;
  readonly email?: string | null;
  readonly two_factor_authentication?: boolean;
}

/** GET /user/memberships/orgs (GitHub's org-membership). */
export interface OrgMembership {
  readonly state: 'active' | 'pending';
  readonly role: 'admin' | 'member';
  readonly organization: { readonly login: string; readonly id?: number };
}

/** GET /orgs/{org}/personal-access-token-policy (owners only). */
export interface TokenPolicy {
  readonly classic_tokens?: 'allowed' | 'restricted';
  readonly require_approval?: boolean;
  readonly max_lifetime_days?: { readonly classic?: number | null; readonly fine_grained?: number };
  readonly sso_required?: boolean;
}

/**
 * GET /orgs/{org}/personal-access-token-requests — GitHub's
 * "organization-programmatic-access-grant-request".
 */
export interface TokenRequest {
  readonly id: number;
  /** The requester's justification. */
  readonly reason: string | null;
  readonly owner: { readonly login: string; readonly id?: number };
  readonly repository_selection: RepositorySelection;
  readonly repositories_url?: string;
  readonly repositories?: readonly RepositoryRef[] | null;
  readonly repository_count?: number | null;
  readonly permissions?: { readonly organization?: Record<string, string>; readonly repository?: Record<string, string>; readonly other?: Record<string, string>; readonly account?: Record<string, string> };
  readonly created_at: string;
  readonly token_id: number;
  readonly token_name: string;
  readonly token_expired?: boolean;
  readonly token_expires_at: string | null;
  readonly token_last_used_at?: string | null;
}

/** One entry of GET /user/audit-log (GitHub's audit-log entry: action, actor, @timestamp ...). */
export interface AuditEvent {
  readonly action: string;
  readonly actor?: string | null;
  readonly '@timestamp'?: number;
  readonly created_at?: string | number;
  readonly token_id?: number;
  readonly personal_access_token_id?: number;
  readonly data?: { readonly token_id?: number } & Record<string, unknown>;
  readonly [key: string]: unknown;
}

export interface TwoFactorSetup {
  readonly secret: string;
  readonly otpauth_uri: string;
}

export interface TwoFactorEnabled {
  readonly recovery_codes: readonly string[];
}

// ---- normalizers ----

export function resourceOwnerLogin(t: Pick<PersonalAccessToken, 'resource_owner'>): string | undefined {
  const ro = t.resource_owner;
  if (!ro) return undefined;
  return typeof ro === 'string' ? ro : ro.login;
}

export function denialReason(t: PersonalAccessToken): string | undefined {
  const r = t.denial_reason ?? t.status_reason ?? t.reason;
  return typeof r === 'string' && r.trim() ? r : undefined;
}

export function repositoryLabel(r: string | number | RepositoryRef): string {
  if (typeof r === 'string') return r;
  if (typeof r === 'number') return `#${r}`;
  return r.full_name ?? (r.owner ? `${r.owner.login}/${r.name}` : r.name);
}

export function auditEventTime(e: AuditEvent): number | undefined {
  if (typeof e['@timestamp'] === 'number') return e['@timestamp'];
  if (typeof e.created_at === 'number') return e.created_at;
  if (typeof e.created_at === 'string') {
    const t = Date.parse(e.created_at);
    return Number.isNaN(t) ? undefined : t;
  }
  return undefined;
}

export function auditEventTokenId(e: AuditEvent): number | undefined {
  const v = e.token_id ?? e.personal_access_token_id ?? e.data?.token_id;
  return typeof v === 'number' ? v : undefined;
}

export type PermissionEntries = { group: string; name: string; level: PermissionLevel | string }[];

/** Flattens a permission object (`{repository: {contents: 'write'}}`) to rows. */
export function permissionEntries(p: Record<string, Record<string, string> | undefined> | undefined): PermissionEntries {
  const out: PermissionEntries = [];
  if (!p) return out;
  for (const [key, perms] of Object.entries(p)) {
    if (!perms || typeof perms !== 'object') continue;
    // GitHub's grant objects put account permissions under `other`
    const group = key === 'other' ? 'account' : key;
    for (const [name, level] of Object.entries(perms)) out.push({ group, name, level });
  }
  return out;
}
