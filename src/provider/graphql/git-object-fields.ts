// A repository's default branch as a `Ref` and the commit it points at as a `Commit` (GitHub's
// `GitObject` interface), read from the real bare repository with `git cat-file` like REST's
// branches (repos/commit-info.ts). A Ref is only reached through its repository's branches, which
// were read under what REST's branches need (READ_REPOSITORY_CONTENTS, repository-fields.ts), so
// its commit needs nothing more.
import { CommitInfo, readCommit } from '../repos/commit-info';
import type { ListedRepository } from '../repos/repository-listing';
import { githubTime } from '../iso-time';
import type { GraphqlContext } from './graphql-context';

/** A Ref's source: the branch, its commit, the bare repository holding it and that repository. */
export interface RefSource {
  name: string;
  prefix: string;
  sha: string;
  gitDir: string;
  repository: ListedRepository;
}

type Resolver<S> = (source: S, args: Record<string, unknown>, g: GraphqlContext) => unknown;

/** The message as GitHub gives it: without the trailing newline git stores. */
const message = (c: CommitInfo) => c.message.replace(/\n+$/, '');

export const REF_FIELDS: Record<string, Resolver<RefSource>> = {
  name: (r) => r.name,
  prefix: (r) => r.prefix,
  // Read once per repository and commit however many aliases ask (g.commits).
  target: (r, _a, g) => {
    const key = `${r.repository.repository.id}:${r.sha}`;
    let commit = g.commits.get(key);
    if (!commit) {
      commit = readCommit(r.gitDir, r.sha);
      g.commits.set(key, commit);
    }
    return commit;
  },
};

export const COMMIT_FIELDS: Record<string, Resolver<CommitInfo>> = {
  oid: (c) => c.sha,
  abbreviatedOid: (c) => c.sha.slice(0, 7),
  committedDate: (c) => githubTime(c.committer.date),
  messageHeadline: (c) => message(c).split('\n')[0],
  message,
};

/** Every GitObject Tessera serves is a commit (a branch's target). */
export const resolveGitObjectType = () => 'Commit';
