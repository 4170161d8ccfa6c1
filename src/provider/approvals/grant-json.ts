// GitHub's organization-programmatic-access-grant-request (the approval queue) and
// organization-programmatic-access-grant (tokens with access) objects. `permissions.other` holds
// the account permissions, as on GitHub.
import type { GrantPermissionsJson, TokenGrantJson, TokenRequestJson } from '../../shared/api-types';
import type { PermissionSet } from '../../shared/fine-grained-permissions';
import { apiBase, ProviderContext } from '../context';
import { simpleUserJson } from '../orgs/account-json';
import type { OrganizationRecord } from '../store/organizations';
import type { TokenGrantRecord, TokenRequestRecord } from '../store/token-requests';
import type { TokenSummary } from '../store/tokens';
import type { UserRecord } from '../store/users';
import { isExpired } from '../tokens/token-status';
import { githubTime, githubTimeOrNull } from '../iso-time';

function grantPermissionsJson(p: PermissionSet | null): GrantPermissionsJson {
  return { organization: { ...(p?.organization ?? {}) }, repository: { ...(p?.repository ?? {}) }, other: { ...(p?.account ?? {}) } };
}

function tokenFields(ctx: ProviderContext, t: TokenSummary) {
  return {
    token_id: t.id,
    token_name: t.note,
    token_expired: isExpired(t, ctx.clock.now()),
    token_expires_at: githubTimeOrNull(t.expiresAt),
    token_last_used_at: githubTimeOrNull(t.lastUsedAt),
  };
}

export function tokenRequestJson(ctx: ProviderContext, org: OrganizationRecord, r: TokenRequestRecord, t: TokenSummary, requester: UserRecord): TokenRequestJson {
  return {
    id: r.id,
    reason: r.justification,
    owner: simpleUserJson(ctx, requester),
    repository_selection: t.repositorySelection ?? 'none',
    repositories_url: `${apiBase(ctx)}/orgs/${org.login}/personal-access-token-requests/${r.id}/repositories`,
    permissions: grantPermissionsJson(t.permissions),
    created_at: githubTime(r.createdAt),
    ...tokenFields(ctx, t),
  };
}

export function tokenGrantJson(ctx: ProviderContext, org: OrganizationRecord, g: TokenGrantRecord, t: TokenSummary, owner: UserRecord): TokenGrantJson {
  return {
    id: t.id,
    owner: simpleUserJson(ctx, owner),
    repository_selection: t.repositorySelection ?? 'none',
    repositories_url: `${apiBase(ctx)}/orgs/${org.login}/personal-access-tokens/${t.id}/repositories`,
    permissions: grantPermissionsJson(t.permissions),
    access_granted_at: githubTime(g.grantedAt),
    ...tokenFields(ctx, t),
  };
}
