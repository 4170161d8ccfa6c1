// For handlers whose needs depend on the body (parsed after the authorization hook): the same
// checks the guards make, called imperatively.
import { hasScope } from '../../shared/classic-scopes';
import { hasPermission, PermissionGroup, PermissionLevel } from '../../shared/fine-grained-permissions';
import type { Principal } from '../auth/principal';
import { forbidden } from '../http/errors';
import { FINE_GRAINED_DENIED_MESSAGE } from './guards';

export function requireFineGrainedPermission(principal: Principal, group: PermissionGroup, name: string, level: PermissionLevel): void {
  const t = principal.token;
  if (!t || t.kind !== 'fine_grained') return;
  if (!hasPermission(t.permissions ?? {}, group, name, level)) {
    throw forbidden(`${FINE_GRAINED_DENIED_MESSAGE}: needs ${group} permission '${name}: ${level}'`, {
      'X-Accepted-GitHub-Permissions': `${name}=${level}`,
    });
  }
}

export function requireClassicScope(principal: Principal, anyOf: readonly string[]): void {
  const t = principal.token;
  if (!t || t.kind !== 'classic') return;
  if (!anyOf.some((s) => hasScope(t.scopes, s))) throw forbidden(`Token lacks the required scope: ${anyOf.length > 1 ? 'one of ' : ''}${anyOf.join(', ')}`);
}
