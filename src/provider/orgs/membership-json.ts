// GitHub's org-membership object. GitHub calls an owner `admin` in this API.
import type { MembershipJson, OrgInvitationJson, OrgRoleJson } from '../../shared/api-types';
import { apiBase, ProviderContext } from '../context';
import type { MembershipRecord, OrgRole } from '../store/memberships';
import type { OrganizationRecord } from '../store/organizations';
import type { UserRecord } from '../store/users';
import { organizationSimpleJson, simpleUserJson } from './account-json';
import { githubTime } from '../iso-time';

export type ApiOrgRole = OrgRoleJson;

export function apiRole(role: OrgRole): ApiOrgRole {
  return role === 'owner' ? 'admin' : 'member';
}

export function storeRole(role: ApiOrgRole): OrgRole {
  return role === 'admin' ? 'owner' : 'member';
}

export function membershipJson(ctx: ProviderContext, m: MembershipRecord, org: OrganizationRecord, user: UserRecord): MembershipJson {
  return {
    url: `${apiBase(ctx)}/orgs/${org.login}/memberships/${user.login}`,
    state: m.state,
    role: apiRole(m.role),
    direct_membership: true,
    organization_url: `${apiBase(ctx)}/orgs/${org.login}`,
    organization: organizationSimpleJson(ctx, org),
    user: simpleUserJson(ctx, user),
    permissions: { can_create_repository: m.state === 'active' },
  };
}

/** A pending membership as GitHub's organization-invitation object. */
export function invitationJson(ctx: ProviderContext, m: MembershipRecord, org: OrganizationRecord, user: UserRecord, inviter: UserRecord | undefined): OrgInvitationJson {
  return {
    id: user.id,
    node_id: Buffer.from(`OrganizationInvitation:${org.id}:${user.id}`).toString('base64'),
    login: user.login,
    email: null,
    role: m.role === 'owner' ? 'admin' : 'direct_member',
    created_at: githubTime(m.createdAt),
    failed_at: null,
    failed_reason: null,
    inviter: inviter ? simpleUserJson(ctx, inviter) : null,
    team_count: 0,
    invitation_teams_url: `${apiBase(ctx)}/organizations/${org.id}/invitations/${user.id}/teams`,
    invitation_source: 'member',
  };
}
