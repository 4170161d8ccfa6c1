// Repository search (GraphQL `search(type: REPOSITORY, query: …)`, what `gh repo list --archived /
// --no-archived / --language / --topic / --visibility internal` sends): GitHub's query syntax over
// the repositories the caller's credentials may list — every public one and the private ones they
// reach, filtered like the repository lists (repository-listing.ts).
//
// Qualifiers: `user:LOGIN` (a user's or an organization's), `org:LOGIN`, `@me` for the caller;
// `is:public|private|internal`; `fork:true|false|only` and `archived:true|false` (Tessera has no
// forks and archives nothing); `language:`, `topic:`, `license:` match nothing (Tessera records
// none); `in:name|description` narrows the words; `sort:updated[-asc|-desc]` (other sorts keep
// the default order, by full name). Anything else is a word, matched case-insensitively in the
// name or description.
import type { Principal } from '../auth/principal';
import type { ProviderContext } from '../context';
import type { RepositoryRecord } from '../store/repositories';
import { ownerByLogin } from './account-owner';
import { listableRepositories, ListedRepository, ListingMemo, sortRepositories } from './repository-listing';

interface RepositoryQuery {
  /** `user:` / `org:` logins (any of them); `orgOnly` for `org:`. */
  owners: { login: string; orgOnly: boolean }[];
  visibilities: Set<string>;
  /** A qualifier no Tessera repository can meet (`archived:true`, `fork:only`, `language:…`, …). */
  impossible: boolean;
  words: string[];
  inFields: Set<string>;
  sort: { field: 'updated'; direction: 'asc' | 'desc' } | undefined;
}

const TOKEN = /(-?)([A-Za-z-]+):("[^"]*"|\S+)|"([^"]*)"|(\S+)/g;

export function parseRepositoryQuery(query: string, viewerLogin: string): RepositoryQuery {
  const q: RepositoryQuery = { owners: [], visibilities: new Set(), impossible: false, words: [], inFields: new Set(), sort: undefined };
  for (const m of query.matchAll(TOKEN)) {
    if (m[4] !== undefined || m[5] !== undefined) {
      q.words.push((m[4] ?? m[5]).toLowerCase());
      continue;
    }
    const negated = m[1] === '-';
    const key = m[2].toLowerCase();
    const value = m[3].replace(/^"|"$/g, '');
    const lower = value.toLowerCase();
    if (negated) {
      // Tessera records no languages or topics, so excluding one excludes nothing; other negations aren't supported.
      if (!['language', 'topic', 'license'].includes(key)) q.words.push(m[0].toLowerCase());
      continue;
    }
    if (key === 'user' || key === 'org') q.owners.push({ login: lower === '@me' ? viewerLogin : value, orgOnly: key === 'org' });
    else if (key === 'is') {
      if (['public', 'private', 'internal'].includes(lower)) q.visibilities.add(lower);
      else q.impossible = true;
    } else if (key === 'fork') q.impossible ||= lower === 'only';
    else if (key === 'archived') q.impossible ||= lower === 'true';
    else if (key === 'language' || key === 'topic' || key === 'license') q.impossible = true;
    else if (key === 'in') lower.split(',').forEach((f) => q.inFields.add(f));
    else if (key === 'sort') {
      const s = /^updated(?:-(asc|desc))?$/.exec(lower);
      if (s) q.sort = { field: 'updated', direction: s[1] === 'asc' ? 'asc' : 'desc' };
    } else q.words.push(m[0].toLowerCase());
  }
  return q;
}

function visibilityOf(r: RepositoryRecord): string {
  return r.settings.internal ? 'internal' : r.private ? 'private' : 'public';
}

function matches(q: RepositoryQuery, r: RepositoryRecord): boolean {
  if (q.visibilities.size && !q.visibilities.has(visibilityOf(r))) return false;
  const fields = q.inFields.size ? q.inFields : new Set(['name', 'description']);
  const text = [fields.has('name') ? r.name : '', fields.has('description') ? (r.description ?? '') : ''].join('\n').toLowerCase();
  return q.words.every((w) => text.includes(w));
}

/** The repositories `query` finds for `principal`, in the order it asks for. */
export async function searchRepositories(
  ctx: ProviderContext,
  principal: Principal,
  query: string,
  memo?: ListingMemo,
): Promise<{ items: ListedRepository[]; ssoSkipped: number[] }> {
  const q = parseRepositoryQuery(query, principal.user.login);
  if (q.impossible) return { items: [], ssoSkipped: [] };
  let candidates: RepositoryRecord[];
  if (q.owners.length) {
    candidates = [];
    const seen = new Set<string>();
    for (const { login, orgOnly } of q.owners) {
      const owner = await ownerByLogin(ctx, login);
      if (!owner || (orgOnly && owner.type !== 'Organization') || seen.has(`${owner.type}:${owner.id}`)) continue;
      seen.add(`${owner.type}:${owner.id}`);
      candidates.push(...(await ctx.store.repositories.list({ ownerType: owner.type, ownerId: owner.id })));
    }
  } else {
    candidates = await ctx.store.repositories.listVisibleTo(principal.user.id, { includePublic: true });
  }
  const { items, ssoSkipped } = await listableRepositories(ctx, principal, candidates.filter((r) => matches(q, r)), { publicForEveryone: true, memo });
  return { items: q.sort ? sortRepositories(items, q.sort.field, q.sort.direction) : sortRepositories(items, 'full_name', 'asc'), ssoSkipped };
}
