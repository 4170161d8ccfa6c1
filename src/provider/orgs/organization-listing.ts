// Whether a token reaches an organization — one check, for the orgs a token may list (GET
// /user/orgs, GET /user/memberships/orgs, GraphQL's viewer.organizations), one membership of the
// caller's (GET /user/memberships/orgs/{org}) and what it is shown of an org (organization-reader.ts).
import { isFineGrainedFor } from '../tokens/resource-owner';
import type { Principal } from '../auth/principal';
import type { Denial } from '../authz/guard';
import { isSsoDenial, tokenAccessDenial } from '../authz/token-access';
import type { ProviderContext } from '../context';
import type { OrgRole } from '../store/memberships';
import type { OrganizationRecord } from '../store/organizations';

/** Whether the credentials may see the org at all: a fine-grained token only its resource owner, an account token only its own org. */
export function tokenMaySeeOrg(principal: Principal, orgId: number): boolean {
  const t = principal.token;
  if (t?.kind === 'fine_grained') return isFineGrainedFor(t, orgId);
  if (t?.kind === 'account') return principal.orgId === orgId;
  return true;
}

/**
 * Why the credentials do not reach the org (undefined: they do): 404 to a fine-grained token of
 * another resource owner or an account token of another org (to them the user is no member of
 * it); else what a read of the org answers them (tokenAccessDenial: a fine-grained token awaiting
 * the org's approval, the org's classic-token restriction or lifetime cap, SSO not authorized).
 * `role`: the caller's active role in the org, when already read.
 */
export async function orgDenialForToken(ctx: ProviderContext, principal: Principal, org: OrganizationRecord, role?: OrgRole | null): Promise<Denial | undefined> {
  if (!tokenMaySeeOrg(principal, org.id)) return { status: 404, message: 'Not Found' };
  const target = { owner: { type: 'Organization' as const, id: org.id, login: org.login }, isPublic: false, org, ...(role !== undefined ? { role } : {}) };
  return tokenAccessDenial(ctx, principal, target, 'read');
}

/**
 * The orgs a token may list among `orgs` (orgDenialForToken); orgs whose SSO the token is not
 * authorized for are skipped (reported in `X-GitHub-SSO`).
 */
export async function listableOrgs(ctx: ProviderContext, principal: Principal, orgs: OrganizationRecord[]): Promise<{ orgs: OrganizationRecord[]; ssoSkipped: number[] }> {
  const out: OrganizationRecord[] = [];
  const ssoSkipped: number[] = [];
  for (const org of orgs) {
    const denial = await orgDenialForToken(ctx, principal, org);
    if (isSsoDenial(denial)) ssoSkipped.push(org.id);
    else if (!denial) out.push(org);
  }
  return { orgs: out, ssoSkipped };
}

/** The orgs the caller is an active member of and the credentials may list, by login; SSO-skipped ones apart. */
export async function userOrganizations(ctx: ProviderContext, principal: Principal): Promise<{ orgs: OrganizationRecord[]; ssoSkipped: number[] }> {
  const memberships = await ctx.store.memberships.list({ userId: principal.user.id, state: 'active' });
  const listed = await listableOrgs(ctx, principal, await ctx.store.organizations.byIds(memberships.map((m) => m.orgId)));
  listed.orgs.sort((a, b) => a.login.toLowerCase().localeCompare(b.login.toLowerCase()));
  return listed;
}
