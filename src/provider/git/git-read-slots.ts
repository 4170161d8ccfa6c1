// The provider's one bound on the git commands it runs itself: everything but git http-backend —
// the reads (for-each-ref, cat-file, rev-parse, ls-tree) and the few writes of a repository's
// creation (init, config, the auto_init commit). One GraphQL query can ask for the branches and
// head commit of hundreds of repositories (aliases of search(first: 100)), and a burst of
// creations starts a git init each; without a bound each starts its git at once, a thousand
// processes. They queue here instead, across all requests. (Each command takes one slot and holds
// no other while it waits: no caller nests them.)
import { availableParallelism } from 'node:os';
import { Semaphore } from '../semaphore';

/** Two per core, at least 8: git reads wait on the disk as much as they compute. */
export function defaultGitReadConcurrency(): number {
  return Math.max(8, availableParallelism() * 2);
}

/** Every git command of this process but http-backend runs inside a slot of this semaphore. */
export const gitReadSlots = new Semaphore(defaultGitReadConcurrency());
