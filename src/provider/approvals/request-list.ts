// The approval queue's list: which pending requests pass a filter, and the JSON of a page of them.
import type { TokenRequestJson } from '../../shared/api-types';
import type { ProviderContext } from '../context';
import type { OrganizationRecord } from '../store/organizations';
import type { TokenRequestRecord } from '../store/token-requests';
import type { TokenRecord } from '../store/tokens';
import type { UserRecord } from '../store/users';
import { GrantFilter, matchesGrantFilter } from './grant-filters';
import { tokenRequestJson } from './grant-json';

async function withTokensAndRequesters(
  ctx: ProviderContext,
  requests: readonly TokenRequestRecord[],
): Promise<{ r: TokenRequestRecord; token: TokenRecord; requester: UserRecord }[]> {
  const [tokens, requesters] = await Promise.all([
    ctx.store.tokens.byIds(requests.map((r) => r.tokenId)),
    ctx.store.users.byIds(requests.map((r) => r.userId)),
  ]);
  const tokenById = new Map(tokens.map((t) => [t.id, t]));
  const requesterById = new Map(requesters.map((u) => [u.id, u]));
  const out: { r: TokenRequestRecord; token: TokenRecord; requester: UserRecord }[] = [];
  for (const r of requests) {
    const token = tokenById.get(r.tokenId);
    const requester = requesterById.get(r.userId);
    if (token && requester) out.push({ r, token, requester });
  }
  return out;
}

/** The requests (in the given order) whose token and requester pass the filter. */
export async function matchingRequests(
  ctx: ProviderContext,
  filter: GrantFilter,
  org: OrganizationRecord,
  requests: readonly TokenRequestRecord[],
): Promise<TokenRequestRecord[]> {
  const out: TokenRequestRecord[] = [];
  for (const { r, token, requester } of await withTokensAndRequesters(ctx, requests)) {
    if (await matchesGrantFilter(ctx, filter, org, token, requester)) out.push(r);
  }
  return out;
}

/** GitHub's JSON of these requests, in order (one look-up of their tokens and one of their requesters). */
export async function requestsJson(ctx: ProviderContext, org: OrganizationRecord, requests: readonly TokenRequestRecord[]): Promise<TokenRequestJson[]> {
  return (await withTokensAndRequesters(ctx, requests)).map(({ r, token, requester }) => tokenRequestJson(ctx, org, r, token, requester));
}
