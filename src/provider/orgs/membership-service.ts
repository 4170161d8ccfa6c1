// Organization memberships: accepting an invitation, inviting or changing a role (an org keeps at
// least one owner), and removal (the org's grants to the user's tokens and their SSO
// authorizations go with it) — each as one transaction with its audit event.
import { orgTokensOf, revokeAccess } from '../approvals/approval-service';
import { audit } from '../audit/audit';
import { auditSourceOf, Caller } from '../authz/caller';
import type { ProviderContext } from '../context';
import { invalidField, notFound } from '../http/errors';
import type { MembershipRecord, OrgRole } from '../store/memberships';
import type { OrganizationRecord } from '../store/organizations';
import type { UserRecord } from '../store/users';
import { withTransaction } from '../transaction';
import { apiRole } from './membership-json';
import { assertStillRole, ownerTransaction } from './owner-transaction';
import { ORG_AUDIT_ACTIONS } from './org-audit';

async function isLastOwner(ctx: ProviderContext, org: OrganizationRecord, m: MembershipRecord): Promise<boolean> {
  if (m.role !== 'owner' || m.state !== 'active') return false;
  return (await ctx.store.memberships.count({ orgId: org.id, role: 'owner', state: 'active' })) <= 1;
}

/** The caller accepts their invitation to the org (an active membership stays as it is). */
export async function acceptInvitation(ctx: ProviderContext, caller: Caller, orgLogin: string): Promise<{ org: OrganizationRecord; membership: MembershipRecord }> {
  const user = caller.principal.user;
  return withTransaction(ctx, async (tx) => {
    const org = await tx.store.organizations.byLogin(orgLogin);
    const m = org ? await tx.store.memberships.get(org.id, user.id) : undefined;
    if (!org || !m) throw notFound();
    if (m.state === 'active') return { org, membership: m };
    const active = await tx.store.memberships.activate(org.id, user.id, ctx.clock.now());
    if (!active) throw notFound();
    await audit(tx, auditSourceOf(caller), ORG_AUDIT_ACTIONS.addMember, { org, tokenId: caller.principal.token?.id, data: { role: apiRole(active.role) } });
    return { org, membership: active };
  });
}

/** Invites the user (pending) or changes the role of their membership. */
export async function setMembership(ctx: ProviderContext, caller: Caller, org: OrganizationRecord, login: string, role: OrgRole): Promise<{ user: UserRecord; membership: MembershipRecord }> {
  return ownerTransaction(ctx, org, caller.principal.user.id, async (tx) => {
    const user = await tx.store.users.byLogin(login);
    if (!user) throw notFound();
    const before = await tx.store.memberships.get(org.id, user.id);
    // the role it has already: GitHub's 200 with the membership as it is (nothing written, nothing audited)
    if (before?.role === role) return { user, membership: before };
    if (before && role === 'member' && (await isLastOwner(tx, org, before))) {
      throw invalidField('role', `cannot make '${user.login}' a member: the organization needs at least one owner`);
    }
    const m = await tx.store.memberships.upsert({ orgId: org.id, userId: user.id, role, invitedBy: caller.principal.user.id, now: ctx.clock.now() });
    await audit(tx, auditSourceOf(caller), before ? ORG_AUDIT_ACTIONS.updateMember : ORG_AUDIT_ACTIONS.inviteMember, {
      user,
      org,
      tokenId: caller.principal.token?.id,
      data: { role: apiRole(role), state: m.state, ...(before ? { previous_role: apiRole(before.role) } : {}) },
    });
    return { user, membership: m };
  });
}

/**
 * Removes the user's membership (owners remove anyone, a member may leave; never the last owner),
 * committed only while the caller still is that owner or member.
 * `activeOnly`: a pending invitation is not found (GitHub's DELETE /orgs/{org}/members/{username}).
 */
export async function removeMembership(
  ctx: ProviderContext,
  caller: Caller,
  org: OrganizationRecord,
  login: string,
  opts: { activeOnly?: boolean } = {},
): Promise<void> {
  const actor = caller.principal.user;
  await withTransaction(ctx, async (tx) => {
    const user = await tx.store.users.byLogin(login);
    const m = user ? await tx.store.memberships.get(org.id, user.id) : undefined;
    if (!user || !m || (opts.activeOnly && m.state !== 'active')) throw notFound();
    // Leaving needs the caller still an active member (removed meanwhile, and invited again, they
    // would cancel that invitation); removing someone else, still an owner.
    await assertStillRole(tx, org, actor.id, user.id === actor.id ? 'member' : 'owner');
    if (await isLastOwner(tx, org, m)) throw invalidField('username', `is the last owner of '${org.login}': make someone else an owner first`);
    await tx.store.memberships.remove(org.id, user.id);
    for (const t of await orgTokensOf(tx, org.id, user.id)) {
      await revokeAccess(tx, org, t, actor, `Access to the '${org.login}' organization ended: ${user.login} is no longer a member`, caller.ip);
    }
    await tx.store.credentialAuthorizations.removeForUser(org.id, user.id);
    await audit(tx, auditSourceOf(caller), m.state === 'pending' ? ORG_AUDIT_ACTIONS.cancelInvitation : ORG_AUDIT_ACTIONS.removeMember, {
      user,
      org,
      tokenId: caller.principal.token?.id,
      data: { role: apiRole(m.role) },
    });
  });
}
