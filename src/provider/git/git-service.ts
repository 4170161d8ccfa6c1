// Recognizes git's smart-HTTP requests (the only ones the provider serves) and says whether a
// request reads (fetch, clone) or writes (push), so authorization can decide before git runs.

export type GitService = 'upload-pack' | 'receive-pack';

export interface GitSmartHttpRequest {
  service: GitService;
  /** `advertisement`: GET info/refs?service=…; `rpc`: POST git-upload-pack / git-receive-pack. */
  phase: 'advertisement' | 'rpc';
  /** What the request needs on the repository: upload-pack reads, receive-pack writes. */
  access: 'read' | 'write';
}

export type GitSmartHttpParseResult =
  | ({ ok: true } & GitSmartHttpRequest)
  | { ok: false; status: 400 | 403 | 404 | 405; message: string };

const SERVICES: Record<string, GitService> = {
  'git-upload-pack': 'upload-pack',
  'git-receive-pack': 'receive-pack',
};

/**
 * @param method  the HTTP method
 * @param subPath the path after `{owner}/{repo}.git`, e.g. `/info/refs` or `/git-upload-pack`
 * @param query   the query string (with or without a leading `?`) or its parsed form
 */
export function parseGitSmartHttpRequest(
  method: string,
  subPath: string,
  query: string | URLSearchParams,
): GitSmartHttpParseResult {
  const params = typeof query === 'string' ? new URLSearchParams(query.startsWith('?') ? query.slice(1) : query) : query;
  const m = method.toUpperCase();
  if (subPath === '/info/refs') {
    if (m !== 'GET' && m !== 'HEAD') return { ok: false, status: 405, message: `${method} is not allowed on info/refs` };
    const names = params.getAll('service');
    if (names.length === 0) {
      return { ok: false, status: 403, message: 'only git smart HTTP is supported: info/refs needs ?service=git-upload-pack or git-receive-pack' };
    }
    // Given twice, a reader taking the first value and one taking the last would disagree.
    if (names.length > 1) return { ok: false, status: 400, message: 'the service parameter must be given once' };
    const service = Object.hasOwn(SERVICES, names[0]) ? SERVICES[names[0]] : undefined;
    if (!service) return { ok: false, status: 400, message: `unknown git service '${names[0].slice(0, 40)}'` };
    return { ok: true, service, phase: 'advertisement', access: service === 'upload-pack' ? 'read' : 'write' };
  }
  const rpc = /^\/(git-upload-pack|git-receive-pack)$/.exec(subPath);
  if (rpc) {
    if (m !== 'POST') return { ok: false, status: 405, message: `${method} is not allowed on ${rpc[1]}` };
    const service = SERVICES[rpc[1]];
    return { ok: true, service, phase: 'rpc', access: service === 'upload-pack' ? 'read' : 'write' };
  }
  return { ok: false, status: 404, message: 'not a git smart HTTP endpoint' };
}

/**
 * The query string `git http-backend` gets: made from the one validated service, never the
 * client's own (whose other or repeated parameters git might read differently).
 */
export function backendQueryString(request: GitSmartHttpRequest): string {
  return request.phase === 'advertisement' ? `service=git-${request.service}` : '';
}

interface GitRepositoryPath {
  owner: string;
  /** The repository name without `.git`. */
  repo: string;
  /** The rest of the path, starting with `/` (`/info/refs`, `/git-upload-pack`, …). */
  subPath: string;
}

/**
 * Splits a request path `/{owner}/{repo}.git/{rest}` (the `.git` suffix is optional, as on
 * GitHub). Returns undefined when the path has no owner/repo/rest shape; names are validated
 * separately (bare-repos' validateOwnerName / validateRepositoryName).
 */
export function parseGitRepositoryPath(pathname: string): GitRepositoryPath | undefined {
  const match = /^\/([^/]+)\/([^/]+?)(?:\.git)?(\/(?:info\/refs|git-upload-pack|git-receive-pack))$/.exec(pathname);
  if (!match) return undefined;
  let owner: string;
  let repo: string;
  try {
    owner = decodeURIComponent(match[1]);
    repo = decodeURIComponent(match[2]);
  } catch {
    return undefined;
  }
  if (owner.includes('/') || repo.includes('/')) return undefined;
  return { owner, repo, subPath: match[3] };
}
