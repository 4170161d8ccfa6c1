// The tokens git could use on a provider: every token secret this window holds for the accounts of
// that origin (session tokens and tokens the user minted), joined with the provider's current view
// of each token (status, expiry, scopes, owner, repositories, permissions) from
// GET /user/personal-access-tokens — so a revoked, denied or expired token, or a secret the token no
// longer has (regenerated elsewhere: its last eight characters differ), is never offered. The
// list goes to core.noteTokenList too: sessions whose token died are dropped.
import type { RepositoryJson, TokenJson } from '../../shared/api-types';
import { lastEight } from '../../shared/token-format';
import { accountApi, allPages, originApi } from '../api/provider-api';
import { usableTokenSecrets } from '../accounts/account-secrets';
import type { CoreServices } from '../core-services';
import { TesseraError } from '../services';
import type { CandidateRepository, RepoTarget, TokenCandidate } from './credential-selection';

const MAX_PAGES = 20;

function candidateRepositories(t: TokenJson): CandidateRepository[] {
  return (t.repositories ?? []).map((r) => ({ id: r.id, name: r.name, fullName: r.full_name }));
}

export function toCandidate(accountId: string, secret: string, t: TokenJson): TokenCandidate {
  const owner = t.resource_owner;
  return {
    accountId,
    tokenId: t.id,
    secret,
    name: t.name,
    kind: t.kind === 'fine_grained' ? 'fine_grained' : 'classic',
    ...(t.scopes ? { scopes: t.scopes } : {}),
    ...(owner ? { resourceOwner: owner } : {}),
    ...(t.repository_selection ? { repositorySelection: t.repository_selection } : {}),
    repositories: candidateRepositories(t),
    ...(t.permissions ? { permissions: t.permissions } : {}),
    ...(t.status ? { status: t.status } : {}),
    expiresAt: t.expires_at ?? null,
  };
}

function listTokens(core: CoreServices, accountId: string): Promise<TokenJson[]> {
  const api = accountApi(core, accountId);
  return allPages((page) => api.listTokens(page), MAX_PAGES);
}

/**
 * Candidates of every account signed in to `origin` (an account whose listing is refused is
 * skipped); rejects with the transport error when the provider cannot be reached.
 */
export async function gatherCandidates(core: CoreServices, origin: string): Promise<TokenCandidate[]> {
  await core.store.ensureLoaded();
  const out: TokenCandidate[] = [];
  for (const secrets of core.store.allCached()) {
    if (secrets.account.providerOrigin !== origin) continue;
    const accountId = `${secrets.account.providerOrigin}#${secrets.account.userId}`;
    const known = usableTokenSecrets(secrets);
    if (!known.size) continue;
    let tokens: TokenJson[];
    try {
      tokens = await listTokens(core, accountId);
    } catch (err) {
      // The provider itself cannot be reached: no account of it can answer, and "no token fits"
      // (with its offer to create one) would be wrong. Say so; git gets nothing from Tessera.
      if (err instanceof TesseraError && (err.kind === 'provider-down' || err.kind === 'network')) throw err;
      core.log.warn(`git credentials: the tokens of ${secrets.account.login} could not be listed (${err instanceof Error ? err.message : String(err)})`);
      continue;
    }
    core.noteTokenList(accountId, tokens);
    for (const t of tokens) {
      const secret = known.get(t.id);
      // A token regenerated elsewhere keeps its id: the secret kept here no longer works.
      if (!secret || lastEight(secret) !== t.token_last_eight) continue;
      let token = t;
      if (t.kind === 'fine_grained' && t.repository_selection === 'subset' && !t.repositories) {
        token = await accountApi(core, accountId).token(t.id).catch(() => t);
      }
      out.push(toCandidate(accountId, secret, token));
    }
  }
  return out;
}

/**
 * The repository's id and visibility, read with the account's own token or, for a private
 * repository that token cannot see, with a candidate that selects it. Unknown fields stay unknown.
 */
export async function describeTarget(core: CoreServices, origin: string, owner: string, repo: string, candidates: readonly TokenCandidate[]): Promise<RepoTarget> {
  const tryWith = async (token: string): Promise<RepositoryJson | undefined> => {
    try {
      return await originApi(core.client, origin, { auth: { kind: 'token', token } }).repository(owner, repo);
    } catch (err) {
      if (err instanceof TesseraError && (err.kind === 'not-found' || err.kind === 'forbidden' || err.kind === 'signed-out')) return undefined;
      throw err;
    }
  };
  const tokens = [
    ...core.store.allCached().filter((s) => s.account.providerOrigin === origin).map((s) => s.admin.token),
    ...candidates.filter((c) => c.resourceOwner?.toLowerCase() === owner.toLowerCase() || c.kind === 'classic').map((c) => c.secret),
  ];
  for (const token of tokens.slice(0, 8)) {
    // A provider that cannot be reached says nothing about the repository: that is said, not
    // taken for "it does not exist" (with its offers to create it, or a token for it).
    const r = await tryWith(token).catch((err: unknown) => {
      if (err instanceof TesseraError && (err.kind === 'provider-down' || err.kind === 'network')) throw err;
      return undefined;
    });
    if (r) return { owner, repo, repoId: r.id, isPublic: r.private === false };
  }
  return { owner, repo };
}
