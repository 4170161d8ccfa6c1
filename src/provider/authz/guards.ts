// The default guard list. Order matters: method restrictions, then what the token may do
// (scopes / permissions), then sudo last. Later issues insert their guards (resource owner and
// repository selection, org policy, pending approval, SSO, account-token org scope) before
// `sudoGuard` — see `defaultGuards`.
import { hasScope } from '../../shared/classic-scopes';
import { hasPermission } from '../../shared/fine-grained-permissions';
import { hasSudo, SUDO_HEADER, SUDO_REQUIRED_MESSAGE } from '../auth/sudo';
import type { Denial, Guard, GuardInput } from './guard';
import { resolvePerRequest } from './requirement';

const BASIC_ONLY_MESSAGE = 'This API can only be accessed with username and password Basic Auth';
export const FINE_GRAINED_DENIED_MESSAGE = 'Resource not accessible by personal access token';

/** `basicOnly` / `tokenOnly` / account tokens. */
export const methodGuard: Guard = ({ principal, requirement }) => {
  if (!principal) return undefined;
  if (requirement.basicOnly && principal.method !== 'password') {
    return { status: 401, message: BASIC_ONLY_MESSAGE };
  }
  if (requirement.tokenOnly && principal.method === 'password') {
    return { status: 403, message: 'This endpoint needs token authentication (Authorization: token <token>)' };
  }
  if (principal.method === 'account-token' && !requirement.accountToken) {
    return { status: 403, message: 'Resource not accessible by account API token' };
  }
  return undefined;
};

/** Classic tokens: one of the accepted scopes (hierarchy applies). */
export const classicScopeGuard: Guard = ({ principal, requirement, resource, request }) => {
  const token = principal?.token;
  if (!token || token.kind !== 'classic') return undefined;
  const accepted = resolvePerRequest(requirement.classicScopes, request, resource);
  if (accepted === undefined) {
    return { status: 403, message: 'Resource not accessible by a classic personal access token' };
  }
  return missingScopeDenial(token.scopes, accepted);
};

/** The denial for classic-token `scopes` holding none of `accepted` (none when `accepted` is empty). */
export function missingScopeDenial(scopes: readonly string[], accepted: readonly string[]): Denial | undefined {
  if (accepted.length === 0 || accepted.some((s) => hasScope(scopes, s))) return undefined;
  const names = accepted.join(', ');
  return {
    status: 403,
    message: accepted.length === 1 ? `Token lacks the required scope: ${names}` : `Token lacks the required scope: one of ${names}`,
    missingScopes: true,
  };
}

/** Fine-grained tokens: the route's permission (resource-level checks come from later guards). */
export const fineGrainedPermissionGuard: Guard = ({ principal, requirement, resource, request }) => {
  const token = principal?.token;
  if (!token || token.kind !== 'fine_grained') return undefined;
  const needed = resolvePerRequest(requirement.permission, request, resource);
  if (needed === undefined) return { status: 403, message: FINE_GRAINED_DENIED_MESSAGE };
  if (needed === 'none') return undefined;
  if (hasPermission(token.permissions ?? {}, needed.group, needed.name, needed.level)) return undefined;
  const denial: Denial = {
    status: 403,
    message: `${FINE_GRAINED_DENIED_MESSAGE}: needs ${needed.group} permission '${needed.name}: ${needed.level}'`,
    headers: { 'X-Accepted-GitHub-Permissions': `${needed.name}=${needed.level}` },
  };
  return denial;
};

/** Whether the request needs fresh proof: a `sudo` route, or a token admitted only by a `sudoFor` scope. */
function needsSudo({ principal, requirement, resource, request }: GuardInput): boolean {
  if (requirement.sudo) return true;
  const token = principal?.token;
  const sudoFor = requirement.sudoFor;
  if (!sudoFor || token?.kind !== 'classic') return false;
  const accepted = resolvePerRequest(requirement.classicScopes, request, resource) ?? [];
  return !accepted.some((s) => !sudoFor.includes(s) && hasScope(token.scopes, s));
}

/** `sudo: true` routes (and `sudoFor`): fresh proof on this request or an open sudo window on the token. */
export const sudoGuard: Guard = (check) => {
  const { principal, ctx } = check;
  if (!principal || !needsSudo(check)) return undefined;
  if (hasSudo(principal, ctx.clock)) return undefined;
  return { status: 403, message: SUDO_REQUIRED_MESSAGE, headers: { [SUDO_HEADER]: 'required' } };
};

/**
 * A fresh list per provider. `extraGuards` (from later issues) run after the scope/permission
 * checks and before sudo.
 */
export function defaultGuards(extraGuards: Guard[] = []): Guard[] {
  return [methodGuard, classicScopeGuard, fineGrainedPermissionGuard, ...extraGuards, sudoGuard];
}
