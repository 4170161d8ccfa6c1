// Where this provider keeps its bare repositories (git/bare-repos.ts decides the layout).
import type { ProviderContext } from '../context';
import { defaultRepositoriesRoot } from '../git/bare-repos';

export function repositoriesRoot(ctx: ProviderContext): string {
  if (ctx.reposDir) return ctx.reposDir;
  if (!ctx.dataDir) throw new Error('this provider context has no data folder for repositories');
  return defaultRepositoriesRoot(ctx.dataDir);
}
