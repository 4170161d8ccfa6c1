// Query.rateLimit: the caller's `graphql` bucket, as the X-RateLimit-* headers of the same answer
// give it (the query was counted before it was read, http/api-rate-limit.ts; a dry run's count was
// given back, dry-run.ts). A query costs one point on Tessera whatever its size; `nodeCount` is what
// the node limit counted for it.
import { peekRateLimit, type RateLimitState } from '../http/api-rate-limit';
import { githubTime } from '../iso-time';
import type { GraphqlContext } from './graphql-context';

const QUERY_COST = 1;

export async function rateLimitField(g: GraphqlContext): Promise<Record<string, unknown>> {
  const state: RateLimitState = g.request.rateLimit?.state ?? (await peekRateLimit(g.ctx, g.request, 'graphql'));
  return {
    cost: QUERY_COST,
    limit: state.limit,
    nodeCount: g.nodeCount,
    remaining: state.remaining,
    resetAt: githubTime(state.reset),
    used: state.used,
  };
}
