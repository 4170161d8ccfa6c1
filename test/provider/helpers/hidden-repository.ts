// A repository a token may not know of must answer every route as a missing one does: the routes,
// and each one's answer on the repository beside its answer on a name that does not exist.
import type { ApiClient, ApiResponse } from '../../builders/api-client';

/** Reads and writes of one repository (a write a token may not make must not tell it exists either). */
export function repositoryRoutes(repo: string) {
  return [
    ['GET', `/repos/${repo}`],
    ['GET', `/repos/${repo}/branches`],
    ['GET', `/repos/${repo}/branches/main`],
    ['GET', `/repos/${repo}/readme`],
    ['GET', `/repos/${repo}/keys`],
    ['PATCH', `/repos/${repo}`, { description: 'x' }],
    ['PUT', `/repos/${repo}/topics`, { names: ['x'] }],
    ['DELETE', `/repos/${repo}`],
  ] as const;
}

/** Each of repositoryRoutes' answers to `token` on `repo`, beside the same call's on `missing`. */
export async function answersBesideMissing(
  api: ApiClient,
  token: string,
  repo: string,
  missing: string,
): Promise<{ what: string; res: ApiResponse; absent: ApiResponse }[]> {
  const absentRoutes = repositoryRoutes(missing);
  const out = [];
  for (const [i, [method, path, body]] of repositoryRoutes(repo).entries()) {
    const res = await api.call(method, path, { token, ...(body ? { body } : {}) });
    const absent = await api.call(method, absentRoutes[i]![1], { token, ...(body ? { body } : {}) });
    out.push({ what: `${method} ${path}`, res, absent });
  }
  return out;
}
