// The approval queue's state changes, each with its audit event (GitHub's names): a request
// (`personal_access_token.request_created`), an owner's review (`.access_granted` /
// `.request_denied`), an automatic grant, and revocation (`.access_revoked`), which returns the
// token's resource owner to its user — who may request again — and a request withdrawn
// (`.request_cancelled`) when its token moves away or is revoked. A review and a revocation each
// commit as one transaction (the others run inside the caller's).
import { audit } from '../audit/audit';
import type { ProviderContext } from '../context';
import { invalidField } from '../http/errors';
import { ownerTransaction } from '../orgs/owner-transaction';
import type { OrganizationRecord } from '../store/organizations';
import type { TokenRequestRecord } from '../store/token-requests';
import type { TokenRecord } from '../store/tokens';
import type { UserRecord } from '../store/users';
import { exceedsLifetime } from '../policies/token-lifetime';
import { isFineGrainedFor } from '../tokens/resource-owner';
import { withTransaction } from '../transaction';

const APPROVAL_AUDIT_ACTIONS = {
  requestCreated: 'personal_access_token.request_created',
  requestCancelled: 'personal_access_token.request_cancelled',
  requestDenied: 'personal_access_token.request_denied',
  accessGranted: 'personal_access_token.access_granted',
  accessRevoked: 'personal_access_token.access_revoked',
} as const;

function orgRef(org: OrganizationRecord) {
  return { id: org.id, login: org.login };
}

function tokenData(token: TokenRecord): Record<string, unknown> {
  return {
    token_name: token.note,
    token_last_eight: token.tokenLastEight,
    repository_selection: token.repositorySelection,
    permissions: token.permissions ?? {},
  };
}

/** Queues a pending token for the org's owners (the token's status is already `pending`). */
export async function openRequest(
  ctx: ProviderContext,
  token: TokenRecord,
  org: OrganizationRecord,
  requester: UserRecord,
  justification: string | null,
  ip?: string,
): Promise<TokenRequestRecord> {
  const request = await ctx.store.tokenRequests.create({ orgId: org.id, tokenId: token.id, userId: requester.id, justification, createdAt: ctx.clock.now() });
  await audit(ctx, { user: requester, ip }, APPROVAL_AUDIT_ACTIONS.requestCreated, {
    org: orgRef(org),
    tokenId: token.id,
    data: { ...tokenData(token), request_id: request.id, justification },
  });
  return request;
}

/** A token that needs no approval (org owner, or no approval required) is granted at once. */
export async function grantAtOnce(ctx: ProviderContext, token: TokenRecord, org: OrganizationRecord, user: UserRecord, ip?: string): Promise<void> {
  await ctx.store.tokenRequests.cancelPending(token.id, ctx.clock.now());
  await ctx.store.tokenRequests.grant({ tokenId: token.id, orgId: org.id, grantedAt: ctx.clock.now(), grantedBy: null });
  await audit(ctx, { user, ip }, APPROVAL_AUDIT_ACTIONS.accessGranted, {
    org: orgRef(org),
    tokenId: token.id,
    data: { ...tokenData(token), automatic: true },
  });
}

/**
 * 422 naming `field` when a request's token outlives the org's fine-grained lifetime cap as it is
 * now (tightened since the request was made): approved, it would be refused at every use.
 */
async function assertWithinLifetimeCap(tx: ProviderContext, org: OrganizationRecord, ids: readonly number[], field: string): Promise<void> {
  const cap = (await tx.store.organizations.byId(org.id))?.policy.maxLifetimeFineGrainedDays ?? org.policy.maxLifetimeFineGrainedDays;
  const over: number[] = [];
  for (const id of ids) {
    const r = await tx.store.tokenRequests.byId(org.id, id);
    const token = r ? await tx.store.tokens.byId(r.tokenId) : undefined;
    if (token && (await exceedsLifetime(tx, token, cap))) over.push(id);
  }
  if (over.length) {
    throw invalidField(
      field,
      `contains requests whose token's lifetime exceeds the maximum of ${cap} days '${org.login}' allows for fine-grained tokens (deny them, or ask for a token with a shorter expiry): ${over.slice(0, 20).join(', ')}`,
    );
  }
}

/**
 * Approves or denies pending requests (1–100 ids), all or none: an id that is not a pending
 * request of this org is a 422 naming `field`, and so is approving a token that outlives the org's
 * lifetime cap. The reason reaches each requester on their token.
 * The reviewer must still be an owner when it commits (404 / 403 otherwise).
 */
export async function reviewRequests(
  ctx: ProviderContext,
  org: OrganizationRecord,
  ids: number[],
  action: 'approve' | 'deny',
  reason: string | null,
  reviewer: UserRecord,
  field: string,
  ip?: string,
): Promise<TokenRequestRecord[]> {
  return ownerTransaction(ctx, org, reviewer.id, async (tx) => {
    const unique = [...new Set(ids)];
    const missing: number[] = [];
    for (const id of unique) {
      const r = await tx.store.tokenRequests.byId(org.id, id);
      if (!r || r.status !== 'pending') missing.push(id);
    }
    if (missing.length) throw invalidField(field, `contains ids that are not pending requests of '${org.login}': ${missing.slice(0, 20).join(', ')}`);
    if (action === 'approve') await assertWithinLifetimeCap(tx, org, unique, field);
    const now = ctx.clock.now();
    const reviewed = await tx.store.tokenRequests.review(unique, org.id, { approve: action === 'approve', reason, reviewerId: reviewer.id, now });
    if (!reviewed) throw invalidField(field, 'changed while being reviewed: some requests are no longer pending', 'unprocessable');
    for (const r of reviewed) {
      const before = await tx.store.tokens.byId(r.tokenId);
      // Only a token still waiting changes state (never revive a revoked one).
      const token =
        before?.status === 'pending'
          ? await tx.store.tokens.update(r.tokenId, { status: action === 'approve' ? 'active' : 'denied', statusReason: reason, updatedAt: now })
          : before;
      const requester = await tx.store.users.byId(r.userId);
      await audit(tx, { user: reviewer, ip }, action === 'approve' ? APPROVAL_AUDIT_ACTIONS.accessGranted : APPROVAL_AUDIT_ACTIONS.requestDenied, {
        user: requester,
        org: orgRef(org),
        tokenId: r.tokenId,
        data: { ...(token ? tokenData(token) : {}), request_id: r.id, reason },
      });
    }
    return reviewed;
  });
}

/**
 * Takes the org's access away from the token: its resource owner goes back to its user (with no
 * repositories selected), its grant, pending requests and SSO authorization for the org go, and
 * `reason` is shown on the token. The user may request access again (PATCH resource_owner).
 */
export async function revokeAccess(
  ctx: ProviderContext,
  org: OrganizationRecord,
  seen: TokenRecord,
  actor: UserRecord | undefined,
  reason: string,
  ip?: string,
): Promise<TokenRecord | undefined> {
  return withTransaction(ctx, async (tx) => {
    // The token as it is now, not as the caller read it: revoked meanwhile, it stays revoked; moved
    // to another owner meanwhile, it is no longer this org's to take back.
    const token = await tx.store.tokens.byId(seen.id);
    if (!token || !isFineGrainedFor(token, org.id)) return token;
    const now = ctx.clock.now();
    const ended = token.status === 'revoked' || token.status === 'expired';
    const updated = await tx.store.fineGrainedTokens.changeResourceOwner(token.id, {
      resourceOwnerType: 'User',
      resourceOwnerId: token.userId,
      repositorySelection: 'none',
      repositoryIds: [],
      // The token goes on as the user's own; a revoked or expired one stays so.
      status: ended ? token.status : 'active',
      statusReason: ended ? token.statusReason : reason,
      updatedAt: now,
    });
    await tx.store.tokenRequests.revokeGrant(token.id);
    await tx.store.tokenRequests.cancelPending(token.id, now);
    await tx.store.credentialAuthorizations.remove(org.id, token.id);
    const user = await tx.store.users.byId(token.userId);
    await audit(tx, { user: actor, ip }, APPROVAL_AUDIT_ACTIONS.accessRevoked, {
      user,
      org: orgRef(org),
      tokenId: token.id,
      data: { ...tokenData(token), reason },
    });
    return updated;
  });
}

/**
 * The token's user moved it away from the org (PATCH resource_owner): its grant and SSO
 * authorization for the org go, and a pending request is withdrawn (`.request_cancelled`).
 */
export async function withdrawFromOrg(ctx: ProviderContext, token: TokenRecord, orgId: number, user: UserRecord, ip?: string): Promise<void> {
  await ctx.store.tokenRequests.revokeGrant(token.id);
  await ctx.store.credentialAuthorizations.remove(orgId, token.id);
  const cancelled = await ctx.store.tokenRequests.cancelPending(token.id, ctx.clock.now());
  const org = await ctx.store.organizations.byId(orgId);
  if (cancelled > 0 && org) {
    await audit(ctx, { user, ip }, APPROVAL_AUDIT_ACTIONS.requestCancelled, { org: orgRef(org), tokenId: token.id, data: tokenData(token) });
  }
}

/**
 * Tokens just revoked (reported leaked, unused for a year): a request of theirs still pending
 * leaves its org's queue (`.request_cancelled`), as no review could make the token work again.
 * `revoked` are the tokens as they were before revocation.
 */
export async function cancelRequestsOfRevoked(ctx: ProviderContext, revoked: readonly TokenRecord[], ip?: string): Promise<void> {
  for (const token of revoked) {
    if (token.kind !== 'fine_grained' || token.resourceOwnerType !== 'Organization' || token.resourceOwnerId === null) continue;
    const cancelled = await ctx.store.tokenRequests.cancelPending(token.id, ctx.clock.now());
    const org = cancelled > 0 ? await ctx.store.organizations.byId(token.resourceOwnerId) : undefined;
    if (!org) continue;
    const user = await ctx.store.users.byId(token.userId);
    await audit(ctx, { ip }, APPROVAL_AUDIT_ACTIONS.requestCancelled, { user, org: orgRef(org), tokenId: token.id, data: { ...tokenData(token), reason: 'token_revoked' } });
  }
}

/** The tokens of `userId` that hold (or wait for) access to the org. */
export async function orgTokensOf(ctx: ProviderContext, orgId: number, userId: number): Promise<TokenRecord[]> {
  return ctx.store.tokens.list({ userId, kind: 'fine_grained', resourceOwnerType: 'Organization', resourceOwnerId: orgId });
}
