// Which token git should use for a repository and an operation. Pure; unit-tested.
//
// Rules (docs/architecture.md, git over HTTPS): fetch needs `contents: read` (or a public repository), push
// needs `contents: write`; a classic token needs `repo` (`public_repo` is enough for a public
// repository). Preference, best first:
//   1. fine-grained tokens of the repository's owner that select this repository by name
//      (narrowest), then those selecting all of the owner's repositories;
//   2. classic tokens: `public_repo` for a public repository before `repo`, fewer scopes first;
//   3. for a fetch of a public repository, any other active token (every token reads public repos).
// Within a rank: for fetch a read-only token before a write token (least privilege); then the
// token that expires last, then the newest.
//
// git's credential request does not say whether it is for a fetch or a push. vscode.git therefore
// asks with operation 'unknown' and gets a token that can push when there is one: a read-only
// token would make the push fail with 403, which git does not retry with other credentials (it
// only asks again after a 401), while a push-capable token also fetches. See selectForUnknown.
import { hasScope } from '../../shared/classic-scopes';
import { levelSatisfies, type PermissionLevel, type PermissionSet } from '../../shared/fine-grained-permissions';

export type GitOperation = 'fetch' | 'push';

export interface CandidateRepository {
  readonly id?: number;
  readonly name?: string;
  /** `owner/name` */
  readonly fullName?: string;
}

export interface TokenCandidate {
  readonly accountId: string;
  readonly tokenId: number;
  readonly secret: string;
  readonly name?: string;
  readonly kind: 'classic' | 'fine_grained';
  readonly scopes?: readonly string[];
  readonly resourceOwner?: string;
  readonly repositorySelection?: 'none' | 'all' | 'subset';
  readonly repositories?: readonly CandidateRepository[];
  readonly permissions?: PermissionSet;
  readonly status?: string;
  readonly expiresAt?: string | null;
}

export interface RepoTarget {
  readonly owner: string;
  readonly repo: string;
  readonly repoId?: number;
  /** true / false when known; undefined = unknown (treated as private). */
  readonly isPublic?: boolean;
}

const eq = (a: string | undefined, b: string | undefined) => !!a && !!b && a.toLowerCase() === b.toLowerCase();

function isUsable(c: TokenCandidate, now: Date): boolean {
  if (c.status && c.status !== 'active') return false;
  if (c.expiresAt && Date.parse(c.expiresAt) <= now.getTime()) return false;
  return true;
}

function selectsRepository(c: TokenCandidate, t: RepoTarget): 'subset' | 'all' | undefined {
  if (!eq(c.resourceOwner, t.owner)) return undefined;
  if (c.repositorySelection === 'all') return 'all';
  if (c.repositorySelection !== 'subset') return undefined;
  const hit = (c.repositories ?? []).some(
    (r) => (t.repoId !== undefined && r.id === t.repoId) || eq(r.name, t.repo) || eq(r.fullName, `${t.owner}/${t.repo}`),
  );
  return hit ? 'subset' : undefined;
}

function contentsLevel(c: TokenCandidate): PermissionLevel | undefined {
  return c.permissions?.repository?.contents;
}

/** Rank of a candidate for the operation (lower is better); undefined when it cannot do it. */
function rankCandidate(c: TokenCandidate, t: RepoTarget, op: GitOperation, now: Date): number | undefined {
  if (!isUsable(c, now)) return undefined;
  const need: PermissionLevel = op === 'push' ? 'write' : 'read';
  if (c.kind === 'fine_grained') {
    const sel = selectsRepository(c, t);
    const level = contentsLevel(c);
    if (sel && levelSatisfies(level, need)) {
      const base = sel === 'subset' ? 0 : 10;
      return base + (op === 'fetch' && level === 'write' ? 1 : 0);
    }
  } else {
    const scopes = c.scopes ?? [];
    if (t.isPublic === true && hasScope(scopes, 'public_repo')) {
      return 20 + (scopes.includes('repo') ? 2 : 0) + Math.min(scopes.length, 9) / 10;
    }
    if (hasScope(scopes, 'repo')) return 23 + Math.min(scopes.length, 9) / 10;
  }
  if (op === 'fetch' && t.isPublic === true) return 40;
  return undefined;
}

/** The best token for the operation on the repository, or undefined. */
export function selectCredential(candidates: readonly TokenCandidate[], target: RepoTarget, op: GitOperation, now = new Date()): TokenCandidate | undefined {
  let best: { c: TokenCandidate; rank: number } | undefined;
  for (const c of candidates) {
    const rank = rankCandidate(c, target, op, now);
    if (rank === undefined) continue;
    if (!best || rank < best.rank || (rank === best.rank && laterFirst(c, best.c) < 0)) best = { c, rank };
  }
  return best?.c;
}

/** Ties: the token that expires last (no expiry = last of all), then the newest. */
function laterFirst(a: TokenCandidate, b: TokenCandidate): number {
  const ea = a.expiresAt ? Date.parse(a.expiresAt) : Number.POSITIVE_INFINITY;
  const eb = b.expiresAt ? Date.parse(b.expiresAt) : Number.POSITIVE_INFINITY;
  if (ea !== eb) return eb - ea > 0 ? 1 : -1;
  return b.tokenId - a.tokenId;
}

/**
 * For a credential request that does not say fetch or push (vscode.git's askpass): a token that
 * can push when one exists, else one that can fetch.
 */
export function selectForUnknownOperation(
  candidates: readonly TokenCandidate[],
  target: RepoTarget,
  now = new Date(),
): { candidate: TokenCandidate; operation: GitOperation } | undefined {
  const push = selectCredential(candidates, target, 'push', now);
  if (push) return { candidate: push, operation: 'push' };
  const fetch = selectCredential(candidates, target, 'fetch', now);
  return fetch ? { candidate: fetch, operation: 'fetch' } : undefined;
}

/** Without the repository path (credential.useHttpPath unset): the broadest classic `repo` token. */
export function selectWithoutPath(candidates: readonly TokenCandidate[], now = new Date()): TokenCandidate | undefined {
  return candidates
    .filter((c) => isUsable(c, now) && c.kind === 'classic' && hasScope(c.scopes ?? [], 'repo'))
    .sort(laterFirst)[0];
}
