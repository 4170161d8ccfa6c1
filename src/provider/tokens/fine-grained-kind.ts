// Fine-grained tokens (tsf_): one resource owner (the user, or an org they are an active member
// of), a repository selection (`none | all | subset` of the owner's repositories), permissions from
// the catalog, and an expiry that is required and at most the owner's policy maximum (366 days
// for a user; the org's `max_lifetime_days.fine_grained`), checked at creation, regeneration and
// on a new expiry (and at use: authz/token-access.ts).
//
// For an org that requires approval, a non-owner's token starts `pending` with a request in the
// org's queue; owners' tokens (and every token of an org without that policy) are granted at
// once. PATCH `resource_owner` (with its selection) moves a token to another owner — the way a
// user requests access again after an org revoked it or denied the request; widening the access
// of a token waiting for or holding an org's approval asks again, and so does a later expiry (by
// PATCH or regeneration: a longer life is wider access); a shorter one needs no approval. A denied
// token is asked again by a PATCH of its access or expiry, or a regeneration with a new expiry.
import type { PermissionSet } from '../../shared/fine-grained-permissions';
import { grantAtOnce, openRequest, withdrawFromOrg } from '../approvals/approval-service';
import type { ProviderContext } from '../context';
import { invalidField } from '../http/errors';
import { activeRole } from '../orgs/org-roles';
import { assertExpiryWithinCap, latestExpiry } from '../policies/token-lifetime';
import { MAX_TOKEN_LIFETIME_DAYS } from '../../shared/token-text';
import { AccountOwner, ownerById } from '../repos/account-owner';
import type { OrgRole } from '../store/memberships';
import type { RepositorySelection, TokenRecord, TokenStatus } from '../store/tokens';
import type { UserRecord } from '../store/users';
import {
  normalizePermissions,
  requestedSelection,
  resolveRepositories,
  resolveResourceOwner,
  widensPermissions,
  widensSelection,
} from './fine-grained-input';
import { CreateInput, extendsExpiry, TokenKindHandler } from './token-kind';

function capDays(owner: AccountOwner): { days: number; whose: string } {
  return owner.type === 'Organization'
    ? { days: owner.org.policy.maxLifetimeFineGrainedDays, whose: `the '${owner.login}' organization's policy` }
    : { days: MAX_TOKEN_LIFETIME_DAYS, whose: 'Tessera' };
}

function needsApproval(owner: AccountOwner, role: OrgRole | null): boolean {
  return owner.type === 'Organization' && owner.org.policy.requireApproval && role !== 'owner';
}

/**
 * What a change does to the approval of a token its org must approve: a new owner, a denied request
 * asked again, or wider access (a later expiry included) of a token not waiting makes it pending
 * with a new request; wider access of a pending token replaces its request (the owners review what
 * the token now is); anything else leaves the approval as it is.
 */
function approvalAfterChange(status: TokenStatus, change: { moved: boolean; asksAgain: boolean; widens: boolean }): { status?: TokenStatus; askAgain: boolean } {
  if (change.moved || change.asksAgain || (change.widens && status !== 'pending' && status !== 'denied')) return { status: 'pending', askAgain: true };
  return { askAgain: status === 'pending' && change.widens };
}

function requireExpiry(expiresAt: Date | null | undefined): Date {
  if (expiresAt === undefined || expiresAt === null) {
    throw invalidField('expires_at', 'is required: fine-grained tokens must expire (at most 366 days, or the organization policy’s maximum)', 'missing_field');
  }
  return expiresAt;
}

interface CreatePlan {
  owner: AccountOwner;
  repositoryIds: number[];
  pending: boolean;
  issuedAt: Date;
}

/** What create() decided, for afterCreate() (the same input object reaches both). */
const createPlans = new WeakMap<CreateInput, CreatePlan>();

/** Records the grant or opens the request once the token (or its new owner) exists. */
async function settleOrgAccess(ctx: ProviderContext, token: TokenRecord, owner: AccountOwner, user: UserRecord, pending: boolean, justification: string | null, ip?: string) {
  if (owner.type !== 'Organization') return;
  if (pending) await openRequest(ctx, token, owner.org, user, justification, ip);
  else await grantAtOnce(ctx, token, owner.org, user, ip);
}

export const fineGrainedKind: TokenKindHandler = {
  async create(ctx, input) {
    const { principal, body } = input;
    const user = principal.user;
    const { owner, role } = await resolveResourceOwner(ctx, user, body.resource_owner);
    const selection = requestedSelection(body.repository_selection, body.repositories, 'none');
    const repositoryIds = await resolveRepositories(ctx, user, owner, selection, body.repositories);
    const permissions = normalizePermissions(body.permissions ?? {}, owner, selection);
    const now = ctx.clock.now();
    const expiresAt = requireExpiry(input.expiresAt);
    const cap = capDays(owner);
    assertExpiryWithinCap(expiresAt, now, cap.days, cap.whose);
    const pending = needsApproval(owner, role);
    createPlans.set(input, { owner, repositoryIds, pending, issuedAt: now });
    return {
      userId: user.id,
      kind: 'fine_grained',
      note: body.name,
      description: body.description ?? null,
      resourceOwnerType: owner.type,
      resourceOwnerId: owner.id,
      repositorySelection: selection,
      permissions,
      status: pending ? 'pending' : 'active',
      justification: body.justification ?? null,
      expiresAt,
    };
  },

  async afterCreate(ctx, token, input) {
    const plan = createPlans.get(input);
    if (!plan) return;
    createPlans.delete(input);
    if (plan.repositoryIds.length) await ctx.store.fineGrainedTokens.setRepositories(token.id, plan.repositoryIds);
    await ctx.store.fineGrainedTokens.setIssuedAt(token.id, plan.issuedAt);
    await settleOrgAccess(ctx, token, plan.owner, input.principal.user, plan.pending, token.justification, input.ip);
  },

  async update(ctx, { principal, token, body, expiresAt, ip }) {
    if (body.scopes !== undefined) throw invalidField('scopes', 'is only for classic tokens (fine-grained tokens have permissions)');
    const user = principal.user;
    const now = ctx.clock.now();
    const ownerChange = body.resource_owner !== undefined;
    let owner: AccountOwner;
    let role: OrgRole | null;
    if (ownerChange) {
      ({ owner, role } = await resolveResourceOwner(ctx, user, body.resource_owner));
    } else {
      const current = token.resourceOwnerType && token.resourceOwnerId !== null ? await ownerById(ctx, token.resourceOwnerType, token.resourceOwnerId) : undefined;
      if (!current) throw invalidField('resource_owner', 'no longer exists: choose a new resource owner');
      owner = current;
      role = owner.type === 'Organization' ? await activeRole(ctx, owner.id, user.id) : null;
    }
    const sameOwner = owner.type === token.resourceOwnerType && owner.id === token.resourceOwnerId;
    const prevSelection = token.repositorySelection ?? 'none';
    const prevIds = await ctx.store.fineGrainedTokens.repositoryIds(token.id);

    // Selection: a new owner starts from nothing; otherwise keep unless asked.
    const selectionGiven = body.repository_selection !== undefined || body.repositories !== undefined;
    const selection: RepositorySelection = requestedSelection(body.repository_selection, body.repositories, sameOwner ? prevSelection : 'none');
    const repositoryIds =
      selectionGiven || !sameOwner ? await resolveRepositories(ctx, user, owner, selection, body.repositories) : prevIds;
    const permissions: PermissionSet | undefined =
      body.permissions !== undefined || !sameOwner || selectionGiven
        ? normalizePermissions(body.permissions ?? token.permissions ?? {}, owner, selection)
        : undefined;

    if (expiresAt === null) throw invalidField('expires_at', 'cannot be null: fine-grained tokens must expire', 'invalid');
    if (expiresAt !== undefined) {
      const cap = capDays(owner);
      assertExpiryWithinCap(expiresAt, now, cap.days, cap.whose);
    } else if (!sameOwner && token.expiresAt) {
      const cap = capDays(owner);
      if (token.expiresAt.getTime() > latestExpiry(now, cap.days).getTime()) {
        throw invalidField('expires_at', `must be given: the token's expiry is later than the ${cap.days} days ${cap.whose} allows`, 'missing_field');
      }
    }

    const widensAccess =
      !sameOwner ||
      (permissions !== undefined && widensPermissions(token.permissions, permissions)) ||
      widensSelection(prevSelection, prevIds, selection, repositoryIds);
    const widens = widensAccess || extendsExpiry(token.expiresAt, expiresAt);

    // A denied request is asked again by a PATCH that says something about the access (owner,
    // selection, permissions, justification, expiry); a rename alone leaves the denial as it is.
    const asksAgain =
      token.status === 'denied' &&
      (ownerChange || selectionGiven || body.permissions !== undefined || body.justification !== undefined || expiresAt !== undefined);
    // Whether the org must (again) approve; a token that no longer needs approval becomes active.
    let status: TokenStatus | undefined;
    let askAgain = false;
    if (needsApproval(owner, role)) {
      ({ status, askAgain } = approvalAfterChange(token.status, { moved: !sameOwner, asksAgain, widens }));
    } else if (!sameOwner || token.status === 'pending' || token.status === 'denied') {
      status = 'active';
    }
    const ownerOrSelectionChanges = !sameOwner || selectionGiven || status !== undefined;
    const justification = body.justification ?? (askAgain ? token.justification : undefined);

    return {
      update: {
        permissions,
        expiresAt,
        justification,
        // Owner, selection and status move together in after().
      },
      widens,
      async after(updated: TokenRecord) {
        let result: TokenRecord | undefined = updated;
        if (ownerOrSelectionChanges) {
          if (!sameOwner && token.resourceOwnerType === 'Organization' && token.resourceOwnerId !== null) {
            await withdrawFromOrg(ctx, token, token.resourceOwnerId, user, ip);
          }
          result = await ctx.store.fineGrainedTokens.changeResourceOwner(token.id, {
            resourceOwnerType: owner.type,
            resourceOwnerId: owner.id,
            repositorySelection: selection,
            repositoryIds,
            status: status ?? updated.status,
            statusReason: status !== undefined ? null : updated.statusReason,
            updatedAt: now,
          });
        }
        if (result && owner.type === 'Organization' && (askAgain || (status === 'active' && (!sameOwner || token.status !== 'active')))) {
          await settleOrgAccess(ctx, result, owner, user, askAgain, result.justification, ip);
        }
        return result;
      },
    };
  },

  async regenerate(ctx, { principal, token, expiresAt, ip }) {
    const owner = token.resourceOwnerType && token.resourceOwnerId !== null ? await ownerById(ctx, token.resourceOwnerType, token.resourceOwnerId) : undefined;
    if (!owner) throw invalidField('resource_owner', 'no longer exists: the token cannot be regenerated');
    const now = ctx.clock.now();
    const cap = capDays(owner);
    if (expiresAt === null) throw invalidField('expires_at', 'cannot be null: fine-grained tokens must expire');
    if (expiresAt !== undefined) {
      assertExpiryWithinCap(expiresAt, now, cap.days, cap.whose);
    } else if (token.expiresAt && token.expiresAt.getTime() > latestExpiry(now, cap.days).getTime()) {
      throw invalidField('expires_at', `must be given: the token's expiry is later than the ${cap.days} days ${cap.whose} allows`, 'missing_field');
    }
    if (owner.type !== 'Organization') return { expiresAt };
    // A denied request is asked again by a new expiry, as by a PATCH that gives one (the owners
    // review the token as it now is); a new secret alone leaves the denial as it is.
    const asksAgain = token.status === 'denied' && expiresAt !== undefined;
    const widens = extendsExpiry(token.expiresAt, expiresAt);
    if (!asksAgain && !widens) return { expiresAt };
    const user = principal.user;
    let status: TokenStatus | undefined;
    let askAgain = false;
    if (needsApproval(owner, await activeRole(ctx, owner.id, user.id))) {
      ({ status, askAgain } = approvalAfterChange(token.status, { moved: false, asksAgain, widens }));
    } else if (asksAgain) {
      // No approval needed any more (the user became an owner, the policy changed): granted, as a PATCH would.
      status = 'active';
    } else {
      return { expiresAt };
    }
    return {
      expiresAt,
      async after(regenerated: TokenRecord) {
        const result = status ? await ctx.store.tokens.update(token.id, { status, statusReason: null, updatedAt: now }) : regenerated;
        if (result && askAgain) await openRequest(ctx, result, owner.org, user, result.justification, ip);
        else if (result && status === 'active') await grantAtOnce(ctx, result, owner.org, user, ip);
        return result;
      },
    };
  },
};
