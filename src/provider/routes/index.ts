// Every route module, registered in this order. Later issues append theirs.
import type { FastifyInstance } from 'fastify';
import type { ProviderContext } from '../context';
import { registerApiDiscoveryRoutes } from './api-discovery';
import { registerAuditLogRoutes } from './audit-log';
import { registerAvatarRoutes } from './avatars';
import { registerAuthorizationRoutes } from './authorizations';
import { registerCredentialsCheckRoutes } from './credentials-check';
import { registerCredentialsRevokeRoutes } from './credentials-revoke';
import { registerDeviceAuthorizationRoutes } from './device-authorizations';
import { registerDevicePageRoutes } from './device-page';
import { registerErrorDocsRoutes } from './error-docs';
import { registerEventRoutes } from './events';
import { registerGitRoutes } from './git';
import { registerGraphqlRoutes } from './graphql';
import { registerHealthRoutes } from './health';
import { registerOAuthAppRoutes } from './oauth-apps';
import { registerOAuthAuthorizePageRoutes } from './oauth-authorize-page';
import { registerOAuthDeviceFlowRoutes } from './oauth-device-flow';
import { ORGANIZATION_ROUTE_MODULES } from './organization-routes';
import { registerPersonalAccessTokenRoutes } from './personal-access-tokens';
import { registerSudoRoutes } from './sudo';
import { registerTwoFactorRoutes } from './two-factor';
import { registerUserKeyRoutes } from './user-keys';
import { registerUserProfileRoutes } from './user-profiles';
import { registerUserRoutes } from './users';

export type RouteModule = (app: FastifyInstance, ctx: ProviderContext) => void;

export const ROUTE_MODULES: readonly RouteModule[] = [
  registerHealthRoutes,
  registerAvatarRoutes,
  registerErrorDocsRoutes,
  registerApiDiscoveryRoutes,
  registerEventRoutes,
  registerUserRoutes,
  registerUserProfileRoutes,
  registerUserKeyRoutes,
  registerTwoFactorRoutes,
  registerSudoRoutes,
  registerAuthorizationRoutes,
  registerPersonalAccessTokenRoutes,
  registerCredentialsRevokeRoutes,
  registerCredentialsCheckRoutes,
  registerAuditLogRoutes,
  registerOAuthAppRoutes,
  registerOAuthDeviceFlowRoutes,
  registerDeviceAuthorizationRoutes,
  registerDevicePageRoutes,
  registerOAuthAuthorizePageRoutes,
  ...ORGANIZATION_ROUTE_MODULES,
  registerGraphqlRoutes,
  registerGitRoutes,
];
