// The resource resolver for `/orgs/{org}/...` routes. `organizationResolver('owner')` loads the
// org and the caller's role (none through a token that may not see the org); the role guard (authz/organization-guards.ts) then requires an active
// owner (or member) and answers 404 to non-members; `organizationResolver(null)` is open to anyone
// (the org's public profile).
import type { FastifyRequest } from 'fastify';
import type { Principal } from '../auth/principal';
import type { ProviderContext } from '../context';
import { ownerByLogin } from '../repos/account-owner';
import type { ResourceResolver } from '../authz/requirement';
import type { AuthzResource } from '../authz/resource';
import type { OrgRole } from '../store/memberships';
import type { OrganizationRecord } from '../store/organizations';
import { activeRole } from './org-roles';
import { tokenMaySeeOrg } from './organization-listing';

export interface OrganizationResourceRecord {
  org: OrganizationRecord;
  /** The caller's active role (null: not a member, or anonymous). */
  role: OrgRole | null;
  /** What the route needs (null: anyone). */
  requiredRole: OrgRole | null;
  /**
   * Token administration (policy, approval queue, grants, credential authorizations, audit log,
   * account tokens): how owners govern tokens, so the org's classic-token restriction, lifetime
   * caps and SSO enforcement — which protect the org's resources — don't lock them out of it.
   */
  administration: boolean;
}

/** The org named `login` as an authorization resource, with the caller's role (undefined: no such org). */
export async function loadOrganizationResource(
  ctx: ProviderContext,
  login: string | undefined,
  principal: Principal | undefined,
  requiredRole: OrgRole | null,
  opts: { administration?: boolean } = {},
): Promise<AuthzResource | undefined> {
  if (!login || login.length > 100) return undefined;
  const owner = await ownerByLogin(ctx, login);
  if (owner?.type !== 'Organization') return undefined;
  const { org } = owner;
  // A fine-grained token of another resource owner (an account token of another org) may not learn
  // whether its user belongs to this org: to it, the user is no member, as GET /user/memberships/orgs shows.
  const role = principal && tokenMaySeeOrg(principal, org.id) ? await activeRole(ctx, org.id, principal.user.id) : null;
  const record: OrganizationResourceRecord = { org, role, requiredRole, administration: opts.administration === true };
  return {
    type: 'organization',
    id: org.id,
    owner: { type: 'Organization', id: org.id, login: org.login },
    isPublic: requiredRole === null,
    record,
  };
}

export function organizationResolver(requiredRole: OrgRole | null, opts: { administration?: boolean; param?: string } = {}): ResourceResolver {
  const param = opts.param ?? 'org';
  return async (request, ctx, principal) => {
    const login = ((request.params ?? {}) as Record<string, string | undefined>)[param];
    return loadOrganizationResource(ctx, login, principal, requiredRole, opts);
  };
}

export function organizationOf(request: FastifyRequest): OrganizationResourceRecord {
  const rec = request.authz?.resource?.record as OrganizationResourceRecord | undefined;
  if (!rec || request.authz?.resource?.type !== 'organization') throw new Error('organizationOf: the route has no organization resource');
  return rec;
}

/** The caller's own account as the resource (routes like POST /user/repos act on it). */
export const selfResource: ResourceResolver = async (_request, _ctx, principal) => {
  if (!principal) return undefined;
  return { type: 'user', id: principal.user.id, owner: { type: 'User', id: principal.user.id, login: principal.user.login }, isPublic: false, record: principal.user };
};
