// Who may read and act on an org's token requests and granted tokens: its owners (with
// administration), through a classic token with `admin:org` or Tessera's `admin:token` (what the
// extension's Approvals view signs in with; acting needs fresh proof with it), or a fine-grained
// token with the org permission named.
import { ORG_ADMIN_WRITE, type AuthRequirement } from '../authz/requirement';
import { organizationResolver } from '../orgs/org-resource';

export type ApprovalPermission = 'organization_personal_access_token_requests' | 'organization_personal_access_tokens';

export function ownerRequirements(permission: ApprovalPermission): { READ: AuthRequirement; WRITE: AuthRequirement } {
  const READ: AuthRequirement = {
    classicScopes: ['admin:org', 'admin:token'],
    permission: { group: 'organization', name: permission, level: 'read' },
    resource: organizationResolver('owner', { administration: true }),
  };
  return { READ, WRITE: { ...READ, ...ORG_ADMIN_WRITE, permission: { group: 'organization', name: permission, level: 'write' } } };
}
