// The organizations a token may list (GET /user/orgs, GraphQL's viewer.organizations).
import { isFineGrainedFor } from '../tokens/resource-owner';
import type { Principal } from '../auth/principal';
import { isSsoDenial, tokenAccessDenial } from '../authz/token-access';
import type { ProviderContext } from '../context';
import type { OrganizationRecord } from '../store/organizations';

/** Whether the credentials may see the org at all: a fine-grained token only its resource owner, an account token only its own org. */
export function tokenMaySeeOrg(principal: Principal, orgId: number): boolean {
  const t = principal.token;
  if (t?.kind === 'fine_grained') return isFineGrainedFor(t, orgId);
  if (t?.kind === 'account') return principal.orgId === orgId;
  return true;
}

/**
 * The orgs a token may list among `orgs`: a fine-grained token only its resource owner; orgs
 * whose SSO the token is not authorized for are skipped (reported in `X-GitHub-SSO`).
 */
export async function listableOrgs(ctx: ProviderContext, principal: Principal, orgs: OrganizationRecord[]): Promise<{ orgs: OrganizationRecord[]; ssoSkipped: number[] }> {
  const out: OrganizationRecord[] = [];
  const ssoSkipped: number[] = [];
  for (const org of orgs) {
    if (!tokenMaySeeOrg(principal, org.id)) continue;
    const denial = await tokenAccessDenial(ctx, principal, { owner: { type: 'Organization', id: org.id, login: org.login }, isPublic: false, org }, 'read');
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
