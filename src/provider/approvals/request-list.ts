// The approval queue's list: a page of the pending requests that pass a filter, and its JSON.
import type { TokenRequestJson } from '../../shared/api-types';
import type { ProviderContext } from '../context';
import { accountKey, ownersByIds } from '../repos/account-owner';
import type { OrganizationRecord } from '../store/organizations';
import type { TokenRequestRecord } from '../store/token-requests';
import type { TokenSummary } from '../store/tokens';
import type { UserRecord } from '../store/users';
import { filteredPage, type GrantFilter } from './grant-filters';
import { tokenRequestJson } from './grant-json';

async function withTokensAndRequesters(
  ctx: ProviderContext,
  requests: readonly TokenRequestRecord[],
): Promise<{ r: TokenRequestRecord; token: TokenSummary; requester: UserRecord }[]> {
  const [tokens, requesters] = await Promise.all([
    ctx.store.tokens.summariesByIds(requests.map((r) => r.tokenId)),
    ownersByIds(ctx, requests.map((r) => ({ type: 'User', id: r.userId }))),
  ]);
  const tokenById = new Map(tokens.map((t) => [t.id, t]));
  const out: { r: TokenRequestRecord; token: TokenSummary; requester: UserRecord }[] = [];
  for (const r of requests) {
    const token = tokenById.get(r.tokenId);
    const requester = requesters.get(accountKey('User', r.userId));
    if (token && requester?.type === 'User') out.push({ r, token, requester: requester.user });
  }
  return out;
}

/** A page of the org's pending requests that pass the filter, and how many pass it (filteredPage). */
export function pendingRequestsPage(ctx: ProviderContext, filter: GrantFilter, org: OrganizationRecord, page: { limit: number; offset: number }): Promise<{ rows: TokenRequestRecord[]; total: number }> {
  return filteredPage(ctx, filter, org, page, (q) => ctx.store.tokenRequests.list({ ...q, status: 'pending' }), (q) => ctx.store.tokenRequests.count({ ...q, status: 'pending' }));
}

/** GitHub's JSON of these requests, in order (one look-up of their tokens and one of their requesters). */
export async function requestsJson(ctx: ProviderContext, org: OrganizationRecord, requests: readonly TokenRequestRecord[]): Promise<TokenRequestJson[]> {
  return (await withTokensAndRequesters(ctx, requests)).map(({ r, token, requester }) => tokenRequestJson(ctx, org, r, token, requester));
}
