// The route modules of organizations, repositories, the approval queue, SSO and account tokens,
// in registration order (appended to routes/index.ts's list).
import type { RouteModule } from './index';
import { registerAccountTokenRoutes } from './account-tokens';
import { registerCredentialAuthorizationRoutes } from './credential-authorizations';
import { registerDeployKeyRoutes } from './deploy-keys';
import { registerMembershipRoutes } from './memberships';
import { registerOrgAuditLogRoutes } from './org-audit-log';
import { registerOrganizationRoutes } from './organizations';
import { registerRepositoryRoutes } from './repositories';
import { registerTokenGrantRoutes } from './token-grants';
import { registerTokenPolicyRoutes } from './token-policy';
import { registerTokenRequestRoutes } from './token-requests';
import { registerUserEmailRoutes } from './user-emails';

export const ORGANIZATION_ROUTE_MODULES: readonly RouteModule[] = [
  registerOrganizationRoutes,
  registerMembershipRoutes,
  registerRepositoryRoutes,
  registerDeployKeyRoutes,
  registerTokenPolicyRoutes,
  registerTokenRequestRoutes,
  registerTokenGrantRoutes,
  registerCredentialAuthorizationRoutes,
  registerAccountTokenRoutes,
  registerOrgAuditLogRoutes,
  registerUserEmailRoutes,
];
