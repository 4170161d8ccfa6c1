// The authorization extension point: a guard looks at the principal, the route's requirement
// and the loaded resource, and either lets the request through (undefined) or denies it.
// Guards run in list order (ctx.guards); the first denial answers the request.
import type { Principal } from '../auth/principal';
import type { ProviderContext } from '../context';
import type { AuthRequirement, AuthzRequest } from './requirement';
import type { AuthzResource } from './resource';

export interface GuardInput {
  /** Undefined only on `anonymous` routes called without credentials. */
  principal: Principal | undefined;
  requirement: AuthRequirement;
  resource: AuthzResource | undefined;
  request: AuthzRequest;
  ctx: ProviderContext;
}

export interface Denial {
  status: 401 | 403 | 404;
  /** Shown to the caller: name the missing scope / permission / policy. */
  message: string;
  headers?: Record<string, string>;
  /** The classic token lacks the scope the requirement names (GraphQL reports it as INSUFFICIENT_SCOPES). */
  missingScopes?: boolean;
}

export type Guard = (input: GuardInput) => Denial | undefined | Promise<Denial | undefined>;
