// The provider's one bound on git commands that read its repositories (for-each-ref, cat-file,
// rev-parse, ls-tree: everything but git http-backend). One GraphQL query can ask for the branches
// and head commit of hundreds of repositories (aliases of search(first: 100)); without a bound each
// starts its git at once, a thousand processes. They queue here instead, across all requests.
import { availableParallelism } from 'node:os';
import { Semaphore } from '../semaphore';

/** Two per core, at least 8: git reads wait on the disk as much as they compute. */
export function defaultGitReadConcurrency(): number {
  return Math.max(8, availableParallelism() * 2);
}

/** Every git read command of this process runs inside a slot of this semaphore. */
export const gitReadSlots = new Semaphore(defaultGitReadConcurrency());
