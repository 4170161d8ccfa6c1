// After a push, as on GitHub: a repository whose default branch has no commit yet (Tessera's `main`)
// takes a branch the push made as its default — `master` when there is one, else the first by
// name — in its record and as the bare repository's HEAD. Without it, `gh repo create --source .
// --push` from a local `master` left a repository whose clones had nothing to check out ("remote
// HEAD refers to nonexistent ref") and whose `gh repo view` showed no default branch.
import type { ProviderContext } from '../context';
import { listBranches } from '../repos/branches';
import type { RepositoryRecord } from '../store/repositories';
import { setBareHead } from './bare-repos';

export async function adoptPushedDefaultBranch(ctx: ProviderContext, gitDir: string, repository: RepositoryRecord): Promise<void> {
  const names = (await listBranches(gitDir)).map((b) => b.name);
  if (!names.length || names.includes(repository.defaultBranch)) return;
  await ctx.store.withRepositoryLock(repository.id, async (store) => {
    const now = await store.repositories.byId(repository.id);
    const current = (await listBranches(gitDir)).map((b) => b.name).sort();
    // Renamed meanwhile: gitDir is no longer this record's.
    if (!now || now.name !== repository.name || !current.length || current.includes(now.defaultBranch)) return;
    const branch = current.includes('master') ? 'master' : current[0];
    await setBareHead(gitDir, branch);
    await store.repositories.update(now.id, { defaultBranch: branch, updatedAt: ctx.clock.now() });
  });
}
