// A repository's default branch as a `Ref` and the commit it points at as a `Commit` (GitHub's
// `GitObject` interface), read from the real bare repository with `git cat-file` like REST's
// branches (repos/commit-info.ts). A Ref is only reached through a repository already authorized.
import { CommitInfo, readCommit } from '../repos/commit-info';
import { isoTime } from '../iso-time';

/** A Ref's source: the branch, its commit and the bare repository holding it. */
export interface RefSource {
  name: string;
  prefix: string;
  sha: string;
  gitDir: string;
}

type Resolver<S> = (source: S) => unknown;

/** The message as GitHub gives it: without the trailing newline git stores. */
const message = (c: CommitInfo) => c.message.replace(/\n+$/, '');

export const REF_FIELDS: Record<string, Resolver<RefSource>> = {
  name: (r) => r.name,
  prefix: (r) => r.prefix,
  target: (r) => readCommit(r.gitDir, r.sha),
};

export const COMMIT_FIELDS: Record<string, Resolver<CommitInfo>> = {
  oid: (c) => c.sha,
  abbreviatedOid: (c) => c.sha.slice(0, 7),
  committedDate: (c) => isoTime(c.committer.date),
  messageHeadline: (c) => message(c).split('\n')[0],
  message,
};

/** Every GitObject Tessera serves is a commit (a branch's target). */
export const resolveGitObjectType = () => 'Commit';
