// The approval queue and granted access of an organization: /orgs/{org}/personal-access-token-requests
// (GitHub's organization-programmatic-access-grant-request) and /orgs/{org}/personal-access-tokens
// (organization-programmatic-access-grant). `permissions.other` holds the account permissions.
import type { RepositorySelection } from './tokens';
import type { SimpleUserJson } from './users';

export interface GrantPermissionsJson {
  organization: Record<string, string>;
  repository: Record<string, string>;
  other: Record<string, string>;
}

interface GrantTokenFields {
  token_id: number;
  token_name: string;
  token_expired: boolean;
  token_expires_at: string | null;
  token_last_used_at: string | null;
}

export interface TokenRequestJson extends GrantTokenFields {
  id: number;
  /** The requester's justification. */
  reason: string | null;
  owner: SimpleUserJson;
  repository_selection: RepositorySelection;
  repositories_url: string;
  permissions: GrantPermissionsJson;
  created_at: string;
}

export interface TokenGrantJson extends GrantTokenFields {
  id: number;
  owner: SimpleUserJson;
  repository_selection: RepositorySelection;
  repositories_url: string;
  permissions: GrantPermissionsJson;
  access_granted_at: string;
}

type ReviewAction = 'approve' | 'deny';

/** The longest `reason` of a review or a grant's revocation (the requester reads it on their token). */
export const MAX_REVIEW_REASON = 1024;

/** POST .../personal-access-token-requests/{id}. `reason` is shown to the requester. */
export interface ReviewTokenRequest {
  action: ReviewAction;
  reason?: string | null;
}

/** POST .../personal-access-token-requests: several at once. */
export interface ReviewTokenRequests extends ReviewTokenRequest {
  pat_request_ids: number[];
}
