// For handlers whose needs depend on the body (parsed after the authorization hook): the same
// checks the guards make, called imperatively.
import { hasPermission, PermissionGroup, PermissionLevel } from '../../shared/fine-grained-permissions';
import type { Principal } from '../auth/principal';
import { forbidden, HttpError } from '../http/errors';
import { FINE_GRAINED_DENIED_MESSAGE, missingScopeDenial } from './guards';

export function requireFineGrainedPermission(principal: Principal, group: PermissionGroup, name: string, level: PermissionLevel): void {
  const t = principal.token;
  if (!t || t.kind !== 'fine_grained') return;
  if (!hasPermission(t.permissions ?? {}, group, name, level)) {
    throw forbidden(`${FINE_GRAINED_DENIED_MESSAGE}: needs ${group} permission '${name}: ${level}'`, {
      'X-Accepted-GitHub-Permissions': `${name}=${level}`,
    });
  }
}

/** The classic-scope guard's check (authz/guards.ts), for needs known only from the body. */
export function requireClassicScope(principal: Principal, anyOf: readonly string[]): void {
  const t = principal.token;
  if (!t || t.kind !== 'classic') return;
  const denial = missingScopeDenial(t.scopes, anyOf);
  if (denial) throw new HttpError(denial.status, denial.message, { missingScopes: denial.missingScopes });
}
