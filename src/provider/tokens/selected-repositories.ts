// The repositories a fine-grained `subset` token selects, as short repository objects.
import type { ProviderContext } from '../context';
import { ownerById } from '../repos/account-owner';
import type { TokenRecord } from '../store/tokens';

export interface SelectedRepositoryJson {
  id: number;
  name: string;
  full_name: string;
  private: boolean;
  owner: { login: string };
}

export async function selectedRepositoriesJson(ctx: ProviderContext, t: TokenRecord): Promise<SelectedRepositoryJson[]> {
  const ids = await ctx.store.fineGrainedTokens.repositoryIds(t.id);
  if (!ids.length) return [];
  const repos = await ctx.store.repositories.list({ ids });
  const owners = new Map<string, string>();
  const out: SelectedRepositoryJson[] = [];
  for (const r of repos) {
    const key = `${r.ownerType}:${r.ownerId}`;
    if (!owners.has(key)) owners.set(key, (await ownerById(ctx, r.ownerType, r.ownerId))?.login ?? '');
    const login = owners.get(key)!;
    out.push({ id: r.id, name: r.name, full_name: `${login}/${r.name}`, private: r.private, owner: { login } });
  }
  return out;
}
