// Classic personal-access-token scopes: GitHub's names and hierarchy, plus Tessera's admin:token.
// Pure data + pure functions; used by the provider (authorization) and the extension (UI, sessions).

export interface ClassicScope {
  readonly name: string;
  readonly description: string;
  /** The scope that contains this one (holding the parent grants this scope). */
  readonly parent?: string;
}

export const CLASSIC_SCOPES: readonly ClassicScope[] = [
  { name: 'repo', description: 'Full control of private repositories' },
  { name: 'repo:status', parent: 'repo', description: 'Access commit status' },
  { name: 'public_repo', parent: 'repo', description: 'Access public repositories' },
  { name: 'delete_repo', description: 'Delete repositories' },
  { name: 'admin:org', description: 'Full control of orgs and teams' },
  { name: 'write:org', parent: 'admin:org', description: 'Read and write org and team membership' },
  { name: 'read:org', parent: 'write:org', description: 'Read org and team membership' },
  { name: 'admin:public_key', description: 'Full control of user public keys' },
  { name: 'write:public_key', parent: 'admin:public_key', description: 'Write user public keys' },
  { name: 'read:public_key', parent: 'write:public_key', description: 'Read user public keys' },
  { name: 'user', description: 'Update all user data' },
  { name: 'read:user', parent: 'user', description: 'Read all user profile data' },
  { name: 'user:email', parent: 'user', description: 'Access user email addresses (read-only)' },
  { name: 'admin:token', description: "Manage the user's personal access tokens (Tessera)" },
];

const byName = new Map(CLASSIC_SCOPES.map((s) => [s.name, s]));

export function isClassicScope(name: string): boolean {
  return byName.has(name);
}

/** The scope and all its ancestors, nearest first. */
export function scopeAncestors(name: string): string[] {
  const out: string[] = [];
  let cur = byName.get(name)?.parent;
  while (cur) {
    out.push(cur);
    cur = byName.get(cur)?.parent;
  }
  return out;
}

/** Unknown scope names in a request (empty when all are known). */
export function unknownScopes(scopes: readonly string[]): string[] {
  return scopes.filter((s) => !byName.has(s));
}

/**
 * Normalizes a requested scope list the way GitHub does: duplicates removed, and a scope dropped
 * when one of its ancestors is also present (`user,user:email` → `user`). Sorted in catalog order.
 * Unknown names are dropped here; validate them first with `unknownScopes`.
 */
export function normalizeScopes(scopes: readonly string[]): string[] {
  const set = new Set(scopes.filter((s) => byName.has(s)));
  return CLASSIC_SCOPES.map((s) => s.name).filter((s) => set.has(s) && !scopeAncestors(s).some((a) => set.has(a)));
}

/** True when a token holding `granted` has `required` (directly or through an ancestor). */
export function hasScope(granted: readonly string[], required: string): boolean {
  return granted.includes(required) || scopeAncestors(required).some((a) => granted.includes(a));
}

/** All scopes a granted list implies (the list plus every descendant). */
export function expandScopes(granted: readonly string[]): string[] {
  return CLASSIC_SCOPES.map((s) => s.name).filter((s) => hasScope(granted, s));
}

/** True when `next` grants something `prev` did not (a widening needs sudo). */
export function widensScopes(prev: readonly string[], next: readonly string[]): boolean {
  const before = new Set(expandScopes(prev));
  return expandScopes(next).some((s) => !before.has(s));
}
