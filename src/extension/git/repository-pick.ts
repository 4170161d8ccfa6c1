// How "Clone Repository…" describes a repository in its picker: visibility, and the signed-in
// account that lists it (whose token clones it) with its provider's host. Pure (no vscode).
import type { RepositoryJson } from '../../shared/api-types';

export function repositoryPickDescription(r: Pick<RepositoryJson, 'private'>, account: { login: string; providerOrigin: string }): string {
  let host = account.providerOrigin;
  try {
    host = new URL(account.providerOrigin).host;
  } catch {
    // keep the origin as given
  }
  return `${r.private ? 'private' : 'public'} · from ${account.login} on ${host}`;
}
