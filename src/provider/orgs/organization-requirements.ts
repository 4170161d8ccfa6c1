// What reading an organization's profile and listing the caller's organizations require:
// declared once, used by the REST routes (routes/organizations.ts) and by GraphQL.
import type { AuthRequirement } from '../authz/requirement';
import { organizationResolver } from './org-resource';

/** GET /orgs/{org}: the public profile. */
export const READ_ORGANIZATION: AuthRequirement = {
  anonymous: true,
  classicScopes: [],
  permission: 'none',
  accountToken: true,
  resource: organizationResolver(null),
};

/** GET /user/orgs. */
export const LIST_USER_ORGANIZATIONS: AuthRequirement = { classicScopes: ['read:org', 'user'], permission: 'none' };
