// The scope grammar of Tessera sessions (docs/scope-grammar.md). Another extension asks for a
// session with `vscode.authentication.getSession('tessera', scopes)`; this file turns the scope
// list into the token to mint: a classic token with exactly those classic scopes, or one
// fine-grained token described by `fg:` scopes. Pure: no 'vscode', no I/O.
//
//   classic scope          repo | user | read:org | ...                (src/shared/classic-scopes.ts)
//   repository permission  fg:<owner>/<repo>[,<repo>...]:<permission>:<read|write>
//   all repositories       fg:<owner>/*:<permission>:<read|write>
//   owner permission       fg:<owner>:<permission>:<read|write>     (organization or account group)
//   expiry                 expires:<N>d | expires:<YYYY-MM-DD> | expires:never
import type { TokenJson } from '../../shared/api-types';
import { hasScope, isClassicScope } from '../../shared/classic-scopes';
import {
  FINE_GRAINED_PERMISSIONS,
  hasPermission,
  type PermissionGroup,
  type PermissionLevel,
  type PermissionSet,
} from '../../shared/fine-grained-permissions';

export class ScopeGrammarError extends Error {
  constructor(message: string, readonly scope?: string) {
    super(message);
    this.name = 'ScopeGrammarError';
  }
}

type Expiry = { readonly kind: 'days'; readonly days: number } | { readonly kind: 'date'; readonly date: string } | { readonly kind: 'never' };

interface ClassicRequest {
  readonly kind: 'classic';
  /** The classic scopes asked for, deduplicated, in the order given. */
  readonly scopes: readonly string[];
  readonly expiry?: Expiry;
}

interface FineGrainedRequest {
  readonly kind: 'fine_grained';
  readonly resourceOwner: string;
  readonly repositorySelection: 'none' | 'all' | 'subset';
  /** Repository names (without the owner), sorted; empty unless the selection is `subset`. */
  readonly repositories: readonly string[];
  readonly permissions: PermissionSet;
  readonly expiry: Expiry;
}

export type TokenRequest = ClassicRequest | FineGrainedRequest;

/** Fine-grained tokens must expire; this is the default when no `expires:` scope is given. */
export const DEFAULT_FINE_GRAINED_EXPIRY_DAYS = 30;
/** The provider's default ceiling (an org policy may lower it; the provider then answers 422). */
const MAX_EXPIRY_DAYS = 366;

const NAME = /^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,99})$/;
const LEVELS: readonly PermissionLevel[] = ['read', 'write'];

interface Atom {
  readonly text: string;
  readonly parsed:
    | { readonly t: 'classic'; readonly name: string }
    | { readonly t: 'expiry'; readonly expiry: Expiry }
    | { readonly t: 'repo'; readonly owner: string; readonly repo: string | '*'; readonly permission: string; readonly level: PermissionLevel }
    | { readonly t: 'owner'; readonly owner: string; readonly group: PermissionGroup; readonly permission: string; readonly level: PermissionLevel };
}

function permissionInGroup(scope: string, name: string, groups: readonly PermissionGroup[]) {
  const p = FINE_GRAINED_PERMISSIONS.find((x) => x.name === name);
  if (!p) {
    const known = FINE_GRAINED_PERMISSIONS.filter((x) => groups.includes(x.group)).map((x) => x.name).join(', ');
    throw new ScopeGrammarError(`'${scope}': unknown permission '${name}' (known: ${known})`, scope);
  }
  if (!groups.includes(p.group)) {
    const where = p.group === 'repository' ? 'a repository, as fg:<owner>/<repo>:' + name + ':<level>' : 'an owner, as fg:<owner>:' + name + ':<level>';
    const article = p.group === 'repository' ? 'a' : 'an';
    throw new ScopeGrammarError(`'${scope}': '${name}' is ${article} ${p.group} permission; ask for it on ${where}`, scope);
  }
  return p;
}

function parseLevel(scope: string, permission: { name: string; levels: readonly PermissionLevel[] }, level: string): PermissionLevel {
  if (!LEVELS.includes(level as PermissionLevel)) {
    throw new ScopeGrammarError(`'${scope}': the level must be 'read' or 'write', not '${level}'`, scope);
  }
  if (!permission.levels.includes(level as PermissionLevel)) {
    throw new ScopeGrammarError(`'${scope}': '${permission.name}' can only be ${permission.levels.join(' or ')}`, scope);
  }
  return level as PermissionLevel;
}

function checkName(scope: string, what: string, name: string): void {
  if (!NAME.test(name)) throw new ScopeGrammarError(`'${scope}': '${name}' is not a valid ${what} name`, scope);
}

function parseExpiry(scope: string, value: string, today: Date): Expiry {
  if (value === 'never') return { kind: 'never' };
  const days = /^(\d{1,4})d$/.exec(value);
  if (days) {
    const n = Number(days[1]);
    if (n < 1 || n > MAX_EXPIRY_DAYS) throw new ScopeGrammarError(`'${scope}': the expiry must be 1 to ${MAX_EXPIRY_DAYS} days`, scope);
    return { kind: 'days', days: n };
  }
  const date = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (date) {
    const d = new Date(Date.UTC(Number(date[1]), Number(date[2]) - 1, Number(date[3])));
    if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== value) {
      throw new ScopeGrammarError(`'${scope}': '${value}' is not a calendar date`, scope);
    }
    const todayUtc = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate());
    if (d.getTime() <= todayUtc) throw new ScopeGrammarError(`'${scope}': the expiry date must be in the future`, scope);
    if (d.getTime() - todayUtc > MAX_EXPIRY_DAYS * 86_400_000) {
      throw new ScopeGrammarError(`'${scope}': the expiry date is more than ${MAX_EXPIRY_DAYS} days away`, scope);
    }
    return { kind: 'date', date: value };
  }
  throw new ScopeGrammarError(`'${scope}': the expiry must be '<N>d', 'YYYY-MM-DD' or 'never'`, scope);
}

function parseAtom(scope: string, today: Date): Atom[] {
  if (typeof scope !== 'string' || scope.length === 0) throw new ScopeGrammarError('a scope must be a non-empty string');
  if (scope !== scope.trim() || /\s/.test(scope)) throw new ScopeGrammarError(`'${scope}': scopes contain no spaces`, scope);
  if (scope.startsWith('expires:')) return [{ text: scope, parsed: { t: 'expiry', expiry: parseExpiry(scope, scope.slice(8), today) } }];
  if (!scope.startsWith('fg:')) {
    if (!isClassicScope(scope)) {
      throw new ScopeGrammarError(
        `'${scope}' is not a classic scope; fine-grained scopes start with 'fg:' (see docs/scope-grammar.md)`,
        scope,
      );
    }
    return [{ text: scope, parsed: { t: 'classic', name: scope } }];
  }
  const parts = scope.slice(3).split(':');
  if (parts.length !== 3 || parts.some((p) => p.length === 0)) {
    throw new ScopeGrammarError(
      `'${scope}': a fine-grained scope is fg:<owner>/<repo>:<permission>:<read|write> or fg:<owner>:<permission>:<read|write>`,
      scope,
    );
  }
  const [target, permissionName, level] = parts as [string, string, string];
  const slash = target.indexOf('/');
  if (slash < 0) {
    checkName(scope, 'owner', target);
    const p = permissionInGroup(scope, permissionName, ['organization', 'account']);
    return [{ text: scope, parsed: { t: 'owner', owner: target, group: p.group, permission: p.name, level: parseLevel(scope, p, level) } }];
  }
  const owner = target.slice(0, slash);
  const repos = target.slice(slash + 1);
  checkName(scope, 'owner', owner);
  const p = permissionInGroup(scope, permissionName, ['repository']);
  const lvl = parseLevel(scope, p, level);
  if (repos === '*') return [{ text: scope, parsed: { t: 'repo', owner, repo: '*', permission: p.name, level: lvl } }];
  const names = repos.split(',');
  const out: Atom[] = [];
  for (const name of names) {
    if (name === '*') throw new ScopeGrammarError(`'${scope}': '*' (all repositories) cannot be listed with named repositories`, scope);
    checkName(scope, 'repository', name);
    out.push({ text: `fg:${owner}/${name}:${p.name}:${lvl}`, parsed: { t: 'repo', owner, repo: name, permission: p.name, level: lvl } });
  }
  return out;
}

/**
 * The canonical form of a scope list: comma lists split into one scope per repository, duplicates
 * removed, sorted. Two scope lists ask for the same token exactly when their canonical forms are
 * equal (sessions match on it: order and spelling of lists do not matter).
 */
export function canonicalScopes(scopes: readonly string[], today = new Date()): string[] {
  const set = new Set<string>();
  for (const s of scopes) for (const a of parseAtom(s, today)) set.add(a.text);
  return [...set].sort();
}

/** True when both lists ask for the same token (set semantics). Invalid lists match nothing. */
export function sameScopeSet(a: readonly string[], b: readonly string[]): boolean {
  try {
    const ca = canonicalScopes(a);
    const cb = canonicalScopes(b);
    return ca.length === cb.length && ca.every((s, i) => s === cb[i]);
  } catch {
    return false;
  }
}

/** Parses a scope list into the token to mint; throws ScopeGrammarError with a clear message. */
export function parseScopes(scopes: readonly string[], today = new Date()): TokenRequest {
  if (!Array.isArray(scopes)) throw new ScopeGrammarError('scopes must be a list of strings');
  const atoms = scopes.flatMap((s) => parseAtom(s, today));
  const expiries = atoms.filter((a) => a.parsed.t === 'expiry');
  if (new Set(expiries.map((a) => a.text)).size > 1) {
    throw new ScopeGrammarError(`only one expiry may be given (got ${[...new Set(expiries.map((a) => `'${a.text}'`))].join(', ')})`);
  }
  const expiry = expiries[0]?.parsed.t === 'expiry' ? expiries[0].parsed.expiry : undefined;
  const classic = atoms.filter((a) => a.parsed.t === 'classic');
  const fine = atoms.filter((a) => a.parsed.t === 'repo' || a.parsed.t === 'owner');

  if (classic.length && fine.length) {
    throw new ScopeGrammarError(
      `a session is one token: classic scopes (${classic[0]!.text}) and fine-grained scopes (${fine[0]!.text}) cannot be mixed`,
    );
  }
  if (!fine.length) {
    return { kind: 'classic', scopes: [...new Set(classic.map((a) => a.text))], ...(expiry ? { expiry } : {}) };
  }

  // One resource owner per fine-grained token.
  const owners = new Map<string, string>(); // lower-case → as first written
  for (const a of fine) {
    const o = (a.parsed as { owner: string }).owner;
    if (!owners.has(o.toLowerCase())) owners.set(o.toLowerCase(), o);
  }
  if (owners.size > 1) {
    throw new ScopeGrammarError(
      `a fine-grained token has one resource owner, but these scopes name ${[...owners.values()].map((o) => `'${o}'`).join(' and ')}; ask for one session per owner`,
    );
  }
  const resourceOwner = [...owners.values()][0]!;
  if (expiry?.kind === 'never') throw new ScopeGrammarError("'expires:never': fine-grained tokens must expire", 'expires:never');

  const permissions: Record<PermissionGroup, Record<string, PermissionLevel>> = { repository: {}, organization: {}, account: {} };
  const put = (group: PermissionGroup, name: string, level: PermissionLevel) => {
    const prev = permissions[group][name];
    permissions[group][name] = prev === 'write' || level === 'write' ? 'write' : 'read';
  };

  // Repository permissions apply to every selected repository (GitHub's model), so each named
  // repository must ask for the same permissions: otherwise the token would grant more than asked.
  const repoAtoms = fine.filter((a) => a.parsed.t === 'repo').map((a) => a.parsed as Extract<Atom['parsed'], { t: 'repo' }>);
  const all = repoAtoms.filter((a) => a.repo === '*');
  const named = repoAtoms.filter((a) => a.repo !== '*');
  if (all.length && named.length) {
    throw new ScopeGrammarError(
      `'fg:${resourceOwner}/*' (all repositories) and named repositories ('${named[0]!.repo}') cannot be mixed in one token`,
    );
  }
  let repositorySelection: FineGrainedRequest['repositorySelection'] = 'none';
  let repositories: string[] = [];
  if (all.length) {
    repositorySelection = 'all';
    for (const a of all) put('repository', a.permission, a.level);
  } else if (named.length) {
    repositorySelection = 'subset';
    const perRepo = new Map<string, Map<string, PermissionLevel>>();
    for (const a of named) {
      const key = a.repo.toLowerCase();
      const m = perRepo.get(key) ?? new Map<string, PermissionLevel>();
      const prev = m.get(a.permission);
      m.set(a.permission, prev === 'write' || a.level === 'write' ? 'write' : 'read');
      perRepo.set(key, m);
    }
    const describe = (m: Map<string, PermissionLevel>) =>
      [...m.entries()].filter(([p]) => p !== 'metadata').map(([p, l]) => `${p}:${l}`).sort().join(', ') || 'metadata:read';
    const [firstKey, firstPerms] = [...perRepo.entries()][0]!;
    for (const [key, m] of perRepo) {
      if (describe(m) !== describe(firstPerms)) {
        const name = (k: string) => named.find((a) => a.repo.toLowerCase() === k)!.repo;
        throw new ScopeGrammarError(
          `fine-grained permissions apply to every selected repository: '${resourceOwner}/${name(firstKey)}' asks for ${describe(firstPerms)} ` +
            `but '${resourceOwner}/${name(key)}' asks for ${describe(m)}; ask for the same permissions on each (fg:${resourceOwner}/a,b:<permission>:<level>)`,
        );
      }
    }
    for (const a of named) put('repository', a.permission, a.level);
    repositories = [...new Set(named.map((a) => a.repo))].sort();
  }
  for (const a of fine) {
    if (a.parsed.t === 'owner') put(a.parsed.group, a.parsed.permission, a.parsed.level);
  }
  const permissionSet: PermissionSet = {};
  for (const g of ['repository', 'organization', 'account'] as const) {
    if (Object.keys(permissions[g]).length) permissionSet[g] = permissions[g];
  }
  return {
    kind: 'fine_grained',
    resourceOwner,
    repositorySelection,
    repositories,
    permissions: permissionSet,
    expiry: expiry ?? { kind: 'days', days: DEFAULT_FINE_GRAINED_EXPIRY_DAYS },
  };
}

/** The `expires_at` value (ISO 8601, end of day UTC for dates) for an expiry; null for none. */
export function expiresAt(expiry: Expiry | undefined, now = new Date()): string | null {
  if (!expiry || expiry.kind === 'never') return null;
  if (expiry.kind === 'days') return new Date(now.getTime() + expiry.days * 86_400_000).toISOString();
  return `${expiry.date}T23:59:59.000Z`;
}

/** A short token name for a session: `vscode: repo user` (the provider truncates nothing). */
export function sessionTokenName(scopes: readonly string[]): string {
  const text = scopes.length ? scopes.join(' ') : '(no scopes)';
  const name = `vscode: ${text}`;
  return name.length <= 100 ? name : `${name.slice(0, 99)}…`;
}

type GrantingToken = Pick<TokenJson, 'kind' | 'scopes' | 'permissions' | 'resource_owner' | 'repository_selection' | 'repositories'>;

/**
 * True when `token`, as the provider shows it now, still grants everything a session's scope list
 * asks for: a token narrowed on the provider (PATCH of its scopes, permissions, owner or
 * repositories) no longer answers that list. A list that no longer parses is not judged (true).
 */
export function tokenGrantsScopes(scopes: readonly string[], token: GrantingToken): boolean {
  let request: TokenRequest;
  try {
    request = parseScopes(scopes.filter((s) => !s.startsWith('expires:')));
  } catch {
    return true;
  }
  if (request.kind === 'classic') return token.kind === 'classic' && request.scopes.every((s) => hasScope(token.scopes ?? [], s));
  if (token.kind !== 'fine_grained' || token.resource_owner?.toLowerCase() !== request.resourceOwner.toLowerCase()) return false;
  const selection = token.repository_selection ?? 'none';
  const selected = new Set((token.repositories ?? []).map((r) => r.name.toLowerCase()));
  if (request.repositorySelection === 'all' && selection !== 'all') return false;
  if (request.repositorySelection === 'subset' && selection !== 'all' && !request.repositories.every((r) => selection === 'subset' && selected.has(r.toLowerCase()))) return false;
  const granted = token.permissions ?? {};
  return (['repository', 'organization', 'account'] as const).every((g) =>
    Object.entries(request.permissions[g] ?? {}).every(([name, level]) => hasPermission(granted, g, name, level)),
  );
}
