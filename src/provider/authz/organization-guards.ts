// The guards organizations, repositories and fine-grained tokens add to the one authorization
// layer (inserted by `defaultGuards(ORGANIZATION_GUARDS)` after the scope/permission checks and
// before sudo):
//   1. accountTokenScopeGuard — an account API token acts only on its org's resources (another
//      org's private repository never gets here: it is not found for the token, hiddenFromToken);
//   2. resourceRoleGuard      — the caller's own access: repository owner / org owner / member;
//   3. tokenAccessGuard       — what the token may reach (authz/token-access.ts).
import type { Guard, GuardInput } from './guard';
import { resolvePerRequest } from './requirement';
import { accessSatisfies, adminRequiredMessage, RepositoryAccess } from '../repos/repository-access';
import type { RepositoryResourceRecord } from '../repos/repository-resource';
import type { OrganizationResourceRecord } from '../orgs/org-resource';
import { ownerRequiredMessage, roleSatisfies } from '../orgs/org-roles';
import { approvalDenial, awaitsApproval, targetOf, tokenAccessDenial } from './token-access';

/** Read or write, from the route's fine-grained permission (else the HTTP method). */
function neededLevel({ requirement, request, resource }: Pick<GuardInput, 'requirement' | 'request' | 'resource'>): 'read' | 'write' {
  const p = resolvePerRequest(requirement.permission, request, resource);
  if (p === 'none') return 'read';
  if (p) return p.level;
  return request.method === 'GET' || request.method === 'HEAD' ? 'read' : 'write';
}

/** The access a repository route needs from the caller: administration → admin, writes → write. */
function neededRepositoryAccess({ requirement, request, resource }: Pick<GuardInput, 'requirement' | 'request' | 'resource'>): RepositoryAccess {
  const p = resolvePerRequest(requirement.permission, request, resource);
  if (p === 'none') return 'read';
  if (p) {
    if (p.name === 'administration') return 'admin';
    return p.level === 'write' ? 'write' : 'read';
  }
  return request.method === 'GET' || request.method === 'HEAD' ? 'read' : 'admin';
}

const accountTokenScopeGuard: Guard = ({ principal, resource }) => {
  if (principal?.method !== 'account-token') return undefined;
  if (!resource) return undefined; // routes without a resource that allow account tokens (GET /user)
  if (resource.owner?.type === 'Organization' && resource.owner.id === principal.orgId) return undefined;
  return { status: 403, message: 'Account API tokens act only on the resources of the organization that made them' };
};

const resourceRoleGuard: Guard = (input) => {
  const { principal, resource } = input;
  if (!resource?.record) return undefined;
  if (resource.type === 'repository') {
    const rec = resource.record as RepositoryResourceRecord;
    const need = neededRepositoryAccess(input);
    if (accessSatisfies(rec.access, need)) return undefined;
    if (!principal) return { status: 401, message: 'Requires authentication' };
    if (rec.access === null) return { status: 404, message: 'Not Found' };
    return need === 'admin'
      ? { status: 403, message: adminRequiredMessage(rec.fullName) }
      : { status: 403, message: `Permission to ${rec.fullName} denied to ${principal.user.login}.` };
  }
  if (resource.type === 'organization') {
    const rec = resource.record as OrganizationResourceRecord;
    if (rec.requiredRole === null || roleSatisfies(rec.role, rec.requiredRole)) return undefined;
    if (!principal) return { status: 401, message: 'Requires authentication' };
    if (rec.role === null) return { status: 404, message: 'Not Found' };
    return { status: 403, message: ownerRequiredMessage(rec.org.login) };
  }
  return undefined;
};

const tokenAccessGuard: Guard = (input) => {
  const { principal, resource, ctx } = input;
  const token = principal?.token;
  if (!token) return undefined;
  const target = targetOf(resource);
  const level = neededLevel(input);
  if (!target) return (level === 'read' && resource?.isPublic) || !awaitsApproval(token) ? undefined : approvalDenial(ctx, token);
  return tokenAccessDenial(ctx, principal, target, level);
};

export const ORGANIZATION_GUARDS: readonly Guard[] = [accountTokenScopeGuard, resourceRoleGuard, tokenAccessGuard];
