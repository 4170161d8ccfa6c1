// Reading memberships: the caller's own (GET /user/memberships/orgs[/{org}], only of orgs the
// credentials reach, as GET /user/orgs lists them), an org's pending invitations (owners), its active members and one user's
// membership of an org.
import type { Principal } from '../auth/principal';
import type { ProviderContext } from '../context';
import { HttpError, notFound } from '../http/errors';
import { listPage, type Page } from '../http/pagination';
import type { MembershipRecord, OrgRole } from '../store/memberships';
import type { OrganizationRecord } from '../store/organizations';
import type { UserRecord } from '../store/users';
import { activeRole } from './org-roles';
import { listableOrgs, orgDenialForToken } from './organization-listing';

/**
 * One page of the caller's memberships (of one state, if given) of the orgs the credentials may
 * list, as GET /user/orgs lists them (listableOrgs), and how many there are in all; the orgs
 * skipped for SSO apart (reported in `X-GitHub-SSO`).
 */
export async function ownMemberships(
  ctx: ProviderContext,
  principal: Principal,
  state: 'active' | 'pending' | undefined,
  page: Page,
): Promise<{ items: Array<{ membership: MembershipRecord; org: OrganizationRecord }>; total: number; ssoSkipped: number[] }> {
  const memberships = await ctx.store.memberships.list({ userId: principal.user.id, state });
  const { orgs, ssoSkipped } = await listableOrgs(ctx, principal, await ctx.store.organizations.byIds(memberships.map((m) => m.orgId)));
  const listed = new Map(orgs.map((o) => [o.id, o]));
  const all = memberships.flatMap((membership) => {
    const org = listed.get(membership.orgId);
    return org ? [{ membership, org }] : [];
  });
  return { items: all.slice(page.offset, page.offset + page.limit), total: all.length, ssoSkipped };
}

/** The caller's membership of the org named `orgLogin`; 404 when none, else what the credentials get when they do not reach the org (orgDenialForToken). */
export async function ownMembership(ctx: ProviderContext, principal: Principal, orgLogin: string): Promise<{ membership: MembershipRecord; org: OrganizationRecord }> {
  const org = await ctx.store.organizations.byLogin(orgLogin);
  const membership = org ? await ctx.store.memberships.get(org.id, principal.user.id) : undefined;
  if (!org || !membership) throw notFound();
  const denial = await orgDenialForToken(ctx, principal, org);
  if (denial) throw new HttpError(denial.status, denial.message, { headers: denial.headers });
  return { membership, org };
}

/** GET /orgs/{org}/invitations' filters, as GitHub names them. */
export interface InvitationFilters {
  role?: 'all' | 'admin' | 'direct_member' | 'billing_manager' | 'hiring_manager';
  invitation_source?: 'all' | 'member' | 'scim';
}

/**
 * One page of the org's pending invitations (of one role, if given), with who was invited and by
 * whom, and how many there are. Every invitation is a member's (an owner's) to an owner
 * (`admin`) or a member (`direct_member`): none is a billing or hiring manager's, none SCIM's.
 */
export async function pendingInvitations(
  ctx: ProviderContext,
  org: OrganizationRecord,
  filters: InvitationFilters,
  page: Page,
): Promise<{ items: Array<{ membership: MembershipRecord; user: UserRecord; inviter: UserRecord | undefined }>; total: number }> {
  if (filters.role === 'billing_manager' || filters.role === 'hiring_manager' || filters.invitation_source === 'scim') return { items: [], total: 0 };
  const role: OrgRole | undefined = filters.role === 'admin' ? 'owner' : filters.role === 'direct_member' ? 'member' : undefined;
  const query = { orgId: org.id, state: 'pending' as const, role };
  const { items: pending, total } = await listPage(page, (window) => ctx.store.memberships.list({ ...query, ...window }), () => ctx.store.memberships.count(query));
  const items = [];
  for (const membership of pending) {
    const user = await ctx.store.users.byId(membership.userId);
    const inviter = membership.invitedBy === null ? undefined : await ctx.store.users.byId(membership.invitedBy);
    if (user) items.push({ membership, user, inviter });
  }
  return { items, total };
}

/** The membership of the user `login` in the org; 404 when none. */
export async function orgMembership(ctx: ProviderContext, org: OrganizationRecord, login: string): Promise<{ membership: MembershipRecord; user: UserRecord }> {
  const user = await ctx.store.users.byLogin(login);
  const membership = user ? await ctx.store.memberships.get(org.id, user.id) : undefined;
  if (!user || !membership) throw notFound();
  return { membership, user };
}

/** GitHub's `filter` of an org's member list: `2fa_disabled` members without two-factor authentication, `2fa_insecure` those with an insecure method (SMS: Tessera has none). */
export type MemberFilter = 'all' | '2fa_disabled' | '2fa_insecure';

/** One page of the org's active members (of one role, if given; passing `filter`) and how many there are. */
export async function activeMembers(
  ctx: ProviderContext,
  org: OrganizationRecord,
  role: OrgRole | undefined,
  filter: MemberFilter,
  page: Page,
): Promise<{ users: UserRecord[]; total: number }> {
  const query = { orgId: org.id, state: 'active' as const, role };
  if (filter === '2fa_insecure') return { users: [], total: 0 };
  if (filter === '2fa_disabled') {
    const all = await Promise.all((await ctx.store.memberships.list(query)).map((m) => ctx.store.users.byId(m.userId)));
    const without = all.filter((u): u is UserRecord => !!u && !u.twoFactorEnabled);
    return { users: without.slice(page.offset, page.offset + page.limit), total: without.length };
  }
  const { items: members, total } = await listPage(page, (window) => ctx.store.memberships.list({ ...query, ...window }), () => ctx.store.memberships.count(query));
  const users = await Promise.all(members.map((m) => ctx.store.users.byId(m.userId)));
  return { users: users.filter((u): u is UserRecord => !!u), total };
}

/** 404 unless the user `login` is an active member of the org. */
export async function requireActiveMember(ctx: ProviderContext, org: OrganizationRecord, login: string): Promise<void> {
  const user = await ctx.store.users.byLogin(login);
  if (!user || !(await activeRole(ctx, org.id, user.id))) throw notFound();
}
