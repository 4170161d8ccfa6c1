// A deploy key as GitHub's API shows it.
import { apiBase, ProviderContext } from '../context';
import type { DeployKeyRecord } from '../store/deploy-keys';
import type { RepositoryResourceRecord } from './repository-resource';
import { githubTime, githubTimeOrNull } from '../iso-time';

export function deployKeyUrl(ctx: ProviderContext, rec: RepositoryResourceRecord, id: number): string {
  return `${apiBase(ctx)}/repos/${rec.fullName}/keys/${id}`;
}

export async function deployKeyJson(ctx: ProviderContext, rec: RepositoryResourceRecord, k: DeployKeyRecord): Promise<Record<string, unknown>> {
  const addedBy = k.addedBy !== null ? ((await ctx.store.users.byId(k.addedBy))?.login ?? null) : null;
  return {
    id: k.id,
    key: k.key,
    url: deployKeyUrl(ctx, rec, k.id),
    title: k.title,
    verified: true,
    created_at: githubTime(k.createdAt),
    read_only: k.readOnly,
    added_by: addedBy,
    last_used: githubTimeOrNull(k.lastUsedAt),
    enabled: true,
    token_id: k.tokenId,
  };
}
