// `auto_init: true` on repository creation: the first commit, a README.md with the repository's
// name (and description) on its default branch, authored by the creating user.
import type { ProviderContext } from '../context';
import { writeInitialCommit } from '../git/initial-commit';
import type { RepositoryRecord } from '../store/repositories';
import type { UserRecord } from '../store/users';

/** The README commit's sha, or undefined when a push got to the branch first (it stays, without a README). */
export async function writeReadmeCommit(ctx: ProviderContext, gitDir: string, repo: RepositoryRecord, user: UserRecord): Promise<string | undefined> {
  const readme = `# ${repo.name}\n${repo.description ? `\n${repo.description}\n` : ''}`;
  const sha = await writeInitialCommit(gitDir, {
    branch: repo.defaultBranch,
    readme,
    message: 'Initial commit\n',
    author: { name: user.name ?? user.login, email: user.email },
    when: ctx.clock.now(),
  });
  if (sha) await ctx.store.repositories.touchPushed(repo.id, ctx.clock.now());
  return sha;
}
