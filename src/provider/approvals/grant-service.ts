// The tokens an org has granted access to, as its owners see them: a page of the list (filtered by
// the store's query, each with its token and owner), one granted token by id, and revoking access
// for one or several (all the ids must be granted tokens of the org, or none is revoked; several
// are revoked in one transaction).
import { isFineGrainedFor } from '../tokens/resource-owner';
import type { TokenGrantJson } from '../../shared/api-types';
import type { Caller } from '../authz/caller';
import type { ProviderContext } from '../context';
import { invalidField, notFound } from '../http/errors';
import type { OrganizationRecord } from '../store/organizations';
import type { TokenGrantRecord } from '../store/token-requests';
import type { TokenRecord } from '../store/tokens';
import { ownerTransaction } from '../orgs/owner-transaction';
import { accountKey, ownersByIds } from '../repos/account-owner';
import { revokeAccess } from './approval-service';
import { filteredPage, type GrantFilter } from './grant-filters';
import { tokenGrantJson } from './grant-json';

/** An active fine-grained token whose resource owner is the org (what a grant of the org holds). */
function actsForOrg(token: TokenRecord, org: OrganizationRecord): boolean {
  return isFineGrainedFor(token, org.id) && token.status === 'active';
}

/** The org's granted token with this id (an active fine-grained token holding a grant). */
async function findGrantedToken(ctx: ProviderContext, org: OrganizationRecord, id: number): Promise<TokenRecord | undefined> {
  const grant = await ctx.store.tokenRequests.grantOf(id);
  const token = grant?.orgId === org.id ? await ctx.store.tokens.byId(id) : undefined;
  return token && actsForOrg(token, org) ? token : undefined;
}

/** The org's granted token with this id; 404 otherwise. */
export async function grantedToken(ctx: ProviderContext, org: OrganizationRecord, id: number): Promise<TokenRecord> {
  const token = await findGrantedToken(ctx, org, id);
  if (!token) throw notFound();
  return token;
}

/** A page of the org's grants in force that pass the filter, and how many pass it (filteredPage). */
export function grantsPage(ctx: ProviderContext, filter: GrantFilter, org: OrganizationRecord, page: { limit: number; offset: number }): Promise<{ rows: TokenGrantRecord[]; total: number }> {
  return filteredPage(ctx, filter, org, page, (q) => ctx.store.tokenRequests.grants(q), (q) => ctx.store.tokenRequests.grantCount(q));
}

/**
 * GitHub's JSON of these grants, in order: their tokens read for the columns the JSON shows
 * (tokens.summariesByIds), then their owners (ownersByIds, kept in memory while the store is unchanged).
 */
export async function grantsJson(ctx: ProviderContext, org: OrganizationRecord, grants: readonly TokenGrantRecord[]): Promise<TokenGrantJson[]> {
  const tokens = new Map((await ctx.store.tokens.summariesByIds(grants.map((g) => g.tokenId))).map((t) => [t.id, t]));
  const owners = await ownersByIds(ctx, [...tokens.values()].map((t) => ({ type: 'User', id: t.userId })));
  return grants.flatMap((g) => {
    const token = tokens.get(g.tokenId);
    const owner = token ? owners.get(accountKey('User', token.userId)) : undefined;
    return token && owner?.type === 'User' ? [tokenGrantJson(ctx, org, g, token, owner.user)] : [];
  });
}

function revokeReason(org: OrganizationRecord, reason: string | undefined): string {
  return `Access to the '${org.login}' organization was revoked by an owner${reason ? `: ${reason}` : ''}`;
}

/**
 * Revokes the org's access for each of these granted tokens, all or none, as one transaction: 422
 * naming the ids that are not, and a failure on one leaves every one of them granted.
 */
export async function revokeGrants(ctx: ProviderContext, caller: Caller, org: OrganizationRecord, ids: readonly number[], reason: string | undefined): Promise<void> {
  await ownerTransaction(ctx, org, caller.principal.user.id, async (tx) => {
    const tokens: TokenRecord[] = [];
    const missing: number[] = [];
    for (const id of new Set(ids)) {
      const t = await findGrantedToken(tx, org, id);
      if (t) tokens.push(t);
      else missing.push(id);
    }
    if (missing.length) throw invalidField('pat_ids', `contains ids that are not tokens with access to '${org.login}': ${missing.slice(0, 20).join(', ')}`);
    for (const t of tokens) await revokeAccess(tx, org, t, caller.principal.user, revokeReason(org, reason), caller.ip);
  });
}

/** Revokes the org's access for one granted token; 404 when it is not one. */
export async function revokeGrant(ctx: ProviderContext, caller: Caller, org: OrganizationRecord, id: number, reason: string | undefined): Promise<void> {
  await ownerTransaction(ctx, org, caller.principal.user.id, async (tx) => {
    const token = await grantedToken(tx, org, id);
    await revokeAccess(tx, org, token, caller.principal.user, revokeReason(org, reason), caller.ip);
  });
}
