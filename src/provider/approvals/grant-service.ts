// The tokens an org has granted access to, as its owners see them: the list (filtered, each with
// its token and owner), one granted token by id, and revoking access for one or several (all the
// ids must be granted tokens of the org, or none is revoked).
import { isFineGrainedFor } from '../tokens/resource-owner';
import type { TokenGrantJson } from '../../shared/api-types';
import type { Caller } from '../authz/caller';
import type { ProviderContext } from '../context';
import { invalidField, notFound } from '../http/errors';
import type { OrganizationRecord } from '../store/organizations';
import type { TokenRecord } from '../store/tokens';
import { revokeAccess } from './approval-service';
import { GrantFilter, matchesGrantFilter } from './grant-filters';
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

/** The org's grants that match the filter, in the filter's order. */
export async function listGrants(ctx: ProviderContext, org: OrganizationRecord, filter: GrantFilter): Promise<TokenGrantJson[]> {
  const grants = await ctx.store.tokenRequests.grants(org.id);
  if (!filter.descending) grants.reverse();
  // The org's grants: their tokens and owners, read for all of them at once.
  const tokens = new Map((await ctx.store.tokens.byIds(grants.map((g) => g.tokenId))).map((t) => [t.id, t]));
  const owners = new Map((await ctx.store.users.byIds([...tokens.values()].map((t) => t.userId))).map((u) => [u.id, u]));
  const out: TokenGrantJson[] = [];
  for (const g of grants) {
    const found = tokens.get(g.tokenId);
    const token = found && actsForOrg(found, org) ? found : undefined;
    const owner = token ? owners.get(token.userId) : undefined;
    if (!token || !owner || !(await matchesGrantFilter(ctx, filter, org, token, owner))) continue;
    out.push(tokenGrantJson(ctx, org, g, token, owner));
  }
  return out;
}

function revokeReason(org: OrganizationRecord, reason: string | undefined): string {
  return `Access to the '${org.login}' organization was revoked by an owner${reason ? `: ${reason}` : ''}`;
}

/** Revokes the org's access for each of these granted tokens; 422 naming the ids that are not. */
export async function revokeGrants(ctx: ProviderContext, caller: Caller, org: OrganizationRecord, ids: readonly number[], reason: string | undefined): Promise<void> {
  const tokens: TokenRecord[] = [];
  const missing: number[] = [];
  for (const id of new Set(ids)) {
    const t = await findGrantedToken(ctx, org, id);
    if (t) tokens.push(t);
    else missing.push(id);
  }
  if (missing.length) throw invalidField('pat_ids', `contains ids that are not tokens with access to '${org.login}': ${missing.slice(0, 20).join(', ')}`);
  for (const t of tokens) await revokeAccess(ctx, org, t, caller.principal.user, revokeReason(org, reason), caller.ip);
}

/** Revokes the org's access for one granted token; 404 when it is not one. */
export async function revokeGrant(ctx: ProviderContext, caller: Caller, org: OrganizationRecord, id: number, reason: string | undefined): Promise<void> {
  const token = await grantedToken(ctx, org, id);
  await revokeAccess(ctx, org, token, caller.principal.user, revokeReason(org, reason), caller.ip);
}
