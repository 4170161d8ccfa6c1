// Organizations and memberships: GET /orgs/{org}, GET /user/memberships/orgs and the org objects
// inside other answers. GitHub calls an owner `admin` in this API.
import type { AccountUrlsJson, SimpleUserJson } from './users';

export type OrgRoleJson = 'admin' | 'member';
type MembershipState = 'active' | 'pending';

export interface OrganizationSimpleJson {
  login: string;
  id: number;
  node_id: string;
  url: string;
  repos_url: string;
  events_url: string;
  hooks_url: string;
  issues_url: string;
  members_url: string;
  public_members_url: string;
  avatar_url: string;
  description: string | null;
}

/** GitHub's organization profile fields (`blog` is '' when unset). */
export interface OrganizationProfileJson {
  company: string | null;
  blog: string;
  location: string | null;
  email: string | null;
  twitter_username: string | null;
}

/** PATCH /orgs/{org}: GitHub's fields Tessera stores ('' clears a text field). */
export interface UpdateOrganizationRequest {
  name?: string | null;
  description?: string | null;
  email?: string | null;
  billing_email?: string | null;
  blog?: string | null;
  company?: string | null;
  location?: string | null;
  twitter_username?: string | null;
}

/** POST /user/orgs (Tessera's own: the creator becomes the first owner). */
export interface CreateOrganizationRequest {
  login: string;
  name?: string | null;
  description?: string | null;
}

/** GitHub's organization-full. `name` is the login when the organization has none. */
export interface OrganizationJson extends OrganizationSimpleJson, Partial<OrganizationProfileJson> {
  name: string;
  /** Owners only. */
  billing_email?: string | null;
  html_url: string;
  type: 'Organization';
  has_organization_projects: boolean;
  has_repository_projects: boolean;
  public_repos: number;
  public_gists: number;
  followers: number;
  following: number;
  /** Members only. */
  total_private_repos?: number;
  owned_private_repos?: number;
  created_at: string;
  updated_at: string;
  archived_at: string | null;
}

/** An org where GitHub puts a simple-user (a repository's owner). */
export interface OrgOwnerJson extends AccountUrlsJson {
  login: string;
  id: number;
  node_id: string;
  type: 'Organization';
  site_admin: false;
}

export interface MembershipJson {
  url: string;
  state: MembershipState;
  role: OrgRoleJson;
  direct_membership: boolean;
  organization_url: string;
  organization: OrganizationSimpleJson;
  user: SimpleUserJson;
  permissions: { can_create_repository: boolean };
}

/** GET /orgs/{org}/invitations: a pending invitation (GitHub's organization-invitation). */
export interface OrgInvitationJson {
  /** One pending invitation per user and org: the invitee's user id. */
  id: number;
  node_id: string;
  login: string;
  email: string | null;
  /** GitHub's names: `admin` (owner) or `direct_member`. */
  role: 'admin' | 'direct_member';
  created_at: string;
  failed_at: null;
  failed_reason: null;
  inviter: SimpleUserJson | null;
  team_count: 0;
  invitation_teams_url: string;
  invitation_source: 'member';
}
