// What a caller is shown of an organization (GET /orgs/{org}, GraphQL's viewer fields): its
// members see its private repository count, its owners the billing email — as on GitHub, the full
// details need a classic token with `admin:org` (or the password, or a fine-grained token with
// organization administration). A token that may not reach the org (a fine-grained token of
// another resource owner, one awaiting approval, one SSO or the org's policy holds back) is shown
// the public profile, as anyone is.
import { hasScope } from '../../shared/classic-scopes';
import { hasPermission } from '../../shared/fine-grained-permissions';
import type { Principal } from '../auth/principal';
import type { ProviderContext } from '../context';
import type { OrgRole } from '../store/memberships';
import type { OrganizationRecord } from '../store/organizations';
import { orgDenialForToken } from './organization-listing';

export interface OrganizationReader {
  member: boolean;
  owner: boolean;
}

/** Whether the caller, a member in `role`, reaches the org through the credentials of this request. */
export async function reachesOrganization(ctx: ProviderContext, principal: Principal, org: OrganizationRecord, role: OrgRole): Promise<boolean> {
  return (await orgDenialForToken(ctx, principal, org, role)) === undefined;
}

/** Full details: the password, a classic token with `admin:org`, a fine-grained one with organization administration. */
function mayAdminister(principal: Principal): boolean {
  const t = principal.token;
  if (!t) return principal.method === 'password';
  if (t.kind === 'classic') return hasScope(t.scopes, 'admin:org');
  if (t.kind === 'fine_grained') return hasPermission(t.permissions ?? {}, 'organization', 'organization_administration', 'read');
  return false;
}

/** What the caller (with their active role in the org, null: none) is shown of it. */
export async function organizationReader(ctx: ProviderContext, principal: Principal | undefined, org: OrganizationRecord, role: OrgRole | null): Promise<OrganizationReader> {
  if (!principal || role === null || !(await reachesOrganization(ctx, principal, org, role))) return { member: false, owner: false };
  return { member: true, owner: role === 'owner' && mayAdminister(principal) };
}
