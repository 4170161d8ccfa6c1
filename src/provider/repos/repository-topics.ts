// GET/PUT /repos/{owner}/{repo}/topics (gh repo edit --add-topic/--remove-topic reads them first):
// Tessera has no topics, so a repository's are always none, and replacing them with none is the
// only change there is.
import type { RepositoryTopicsJson } from '../../shared/api-types';
import { validationFailedSimple } from '../http/errors';

export function repositoryTopics(): RepositoryTopicsJson {
  return { names: [] };
}

/** PUT's `names`: [] is accepted (nothing changes); topics are a 422 naming `names`. */
export function replaceRepositoryTopics(names: readonly string[]): RepositoryTopicsJson {
  // GitHub documents this endpoint's 422 with plain-string errors.
  if (names.length) throw validationFailedSimple('names', "can only be empty: Tessera doesn't keep repository topics");
  return repositoryTopics();
}
