// Classic personal-access-token scopes: GitHub's names and hierarchy, plus Tessera's admin:token.
// Pure data + pure functions; used by the provider (authorization) and the extension (UI, sessions).

interface ClassicScope {
  readonly name: string;
  readonly description: string;
  /** The scope that contains this one (holding the parent grants this scope). */
  readonly parent?: string;
  /**
   * Whether some Tessera endpoint checks this scope. GitHub's other scopes (gist, workflow,
   * packages …) are accepted, stored and reported in `X-OAuth-Scopes`, but guard nothing here.
   */
  readonly guards: boolean;
}

const s = (name: string, description: string, guards: boolean, parent?: string): ClassicScope => ({ name, description, guards, ...(parent ? { parent } : {}) });

/** GitHub's classic scope catalog (in GitHub's order, with GitHub Enterprise Server's `site_admin`), plus Tessera's `admin:token`. */
export const CLASSIC_SCOPES: readonly ClassicScope[] = [
  s('repo', 'Full control of private repositories', true),
  s('repo:status', 'Access commit status', false, 'repo'),
  s('repo_deployment', 'Access deployment status', false, 'repo'),
  s('public_repo', 'Access public repositories', true, 'repo'),
  s('repo:invite', 'Access repository invitations', false, 'repo'),
  s('security_events', 'Read and write security events', false, 'repo'),
  s('workflow', 'Update GitHub Action workflows', false),
  s('write:packages', 'Upload packages to GitHub Package Registry', false),
  s('read:packages', 'Download packages from GitHub Package Registry', false, 'write:packages'),
  s('delete:packages', 'Delete packages from GitHub Package Registry', false),
  s('admin:org', 'Full control of orgs and teams', true),
  s('write:org', 'Read and write org and team membership', true, 'admin:org'),
  s('read:org', 'Read org and team membership', true, 'write:org'),
  s('manage_runners:org', 'Manage org runners and runner groups', false, 'admin:org'),
  s('admin:public_key', 'Full control of user public keys', true),
  s('write:public_key', 'Write user public keys', true, 'admin:public_key'),
  s('read:public_key', 'Read user public keys', true, 'write:public_key'),
  s('admin:repo_hook', 'Full control of repository hooks', false),
  s('write:repo_hook', 'Write repository hooks', false, 'admin:repo_hook'),
  s('read:repo_hook', 'Read repository hooks', false, 'write:repo_hook'),
  s('admin:org_hook', 'Full control of organization hooks', false),
  s('gist', 'Create gists', false),
  s('notifications', 'Access notifications', false),
  s('user', 'Update all user data', true),
  s('read:user', 'Read all user profile data', true, 'user'),
  s('user:email', 'Access user email addresses (read-only)', true, 'user'),
  s('user:follow', 'Follow and unfollow users', false, 'user'),
  s('delete_repo', 'Delete repositories', true),
  s('write:discussion', 'Read and write team discussions', false),
  s('read:discussion', 'Read team discussions', false, 'write:discussion'),
  s('admin:enterprise', 'Full control of enterprises', false),
  s('manage_runners:enterprise', 'Manage enterprise runners and runner groups', false, 'admin:enterprise'),
  s('manage_billing:enterprise', 'Read and write enterprise billing data', false, 'admin:enterprise'),
  s('read:enterprise', 'Read enterprise profile data', false, 'admin:enterprise'),
  s('audit_log', 'Full control of audit log', false),
  s('read:audit_log', 'Read access of audit log', false, 'audit_log'),
  s('codespace', 'Full control of codespaces', false),
  s('codespace:secrets', 'Ability to create, read, update, and delete codespace secrets', false, 'codespace'),
  s('copilot', 'Full control of GitHub Copilot settings and seat assignments', false),
  s('manage_billing:copilot', 'View and edit Copilot Business seat assignments', false, 'copilot'),
  s('project', 'Full control of projects', false),
  s('read:project', 'Read access of projects', false, 'project'),
  s('admin:gpg_key', 'Full control of public user GPG keys', true),
  s('write:gpg_key', 'Write public user GPG keys', true, 'admin:gpg_key'),
  s('read:gpg_key', 'Read public user GPG keys', true, 'write:gpg_key'),
  s('admin:ssh_signing_key', 'Full control of public user SSH signing keys', true),
  s('write:ssh_signing_key', 'Write public user SSH signing keys', true, 'admin:ssh_signing_key'),
  s('read:ssh_signing_key', 'Read public user SSH signing keys', true, 'write:ssh_signing_key'),
  s('site_admin', 'Site administration: create accounts when sign-up is closed (GitHub Enterprise Server)', true),
  s('admin:token', "Manage the user's personal access tokens (Tessera)", true),
];

const byName = new Map(CLASSIC_SCOPES.map((s) => [s.name, s]));

export function isClassicScope(name: string): boolean {
  return byName.has(name);
}

/** True when some Tessera endpoint checks the scope (false for GitHub scopes Tessera only stores). */
export function scopeGuards(name: string): boolean {
  return byName.get(name)?.guards ?? false;
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
