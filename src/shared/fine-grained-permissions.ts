// The fine-grained permission catalog, as data. Every permission listed here is enforced by at
// least one provider endpoint (a test proves it); none is decorative.

export type PermissionLevel = 'read' | 'write';
export type PermissionGroup = 'repository' | 'organization' | 'account';

interface FineGrainedPermission {
  readonly group: PermissionGroup;
  readonly name: string;
  readonly title: string;
  readonly description: string;
  /** Levels a token may request. `metadata` is read-only. */
  readonly levels: readonly PermissionLevel[];
}

export const FINE_GRAINED_PERMISSIONS: readonly FineGrainedPermission[] = [
  { group: 'repository', name: 'metadata', title: 'Metadata', levels: ['read'],
    description: 'Search repositories, list collaborators, read repository metadata (always granted).' },
  { group: 'repository', name: 'contents', title: 'Contents', levels: ['read', 'write'],
    description: 'Repository contents: git fetch (read) and git push (write).' },
  { group: 'repository', name: 'administration', title: 'Administration', levels: ['read', 'write'],
    description: 'Repository settings and deploy keys.' },
  { group: 'organization', name: 'members', title: 'Members', levels: ['read', 'write'],
    description: 'Organization members and invitations.' },
  { group: 'organization', name: 'organization_personal_access_token_requests', title: 'Personal access token requests',
    levels: ['read', 'write'], description: 'View and approve or deny fine-grained token requests for the organization.' },
  { group: 'organization', name: 'organization_personal_access_tokens', title: 'Personal access tokens',
    levels: ['read', 'write'], description: 'View and revoke fine-grained tokens granted access to the organization.' },
  { group: 'organization', name: 'organization_administration', title: 'Administration',
    levels: ['read', 'write'], description: 'Organization settings and token policies.' },
  { group: 'account', name: 'email_addresses', title: 'Email addresses', levels: ['read', 'write'],
    description: "The user's email addresses." },
  { group: 'account', name: 'profile', title: 'Profile', levels: ['read', 'write'],
    description: "The user's profile: its private fields in GET /user (two-factor state, private repository counts); write changes it (name, email shown)." },
  { group: 'account', name: 'git_ssh_keys', title: 'Git SSH keys', levels: ['read', 'write'],
    description: "The user's SSH keys (none on Tessera: git goes over HTTPS)." },
  { group: 'account', name: 'gpg_keys', title: 'GPG keys', levels: ['read', 'write'],
    description: "The user's GPG keys (none on Tessera: it verifies no commit signatures)." },
  { group: 'account', name: 'ssh_signing_keys', title: 'SSH signing keys', levels: ['read', 'write'],
    description: "The user's SSH signing keys (none on Tessera: it verifies no commit signatures)." },
];

export const PERMISSION_GROUPS: readonly PermissionGroup[] = ['repository', 'organization', 'account'];

export type PermissionSet = Partial<Record<PermissionGroup, Record<string, PermissionLevel>>>;

export function findPermission(group: string, name: string): FineGrainedPermission | undefined {
  return FINE_GRAINED_PERMISSIONS.find((p) => p.group === group && p.name === name);
}

/** `write` implies `read`. */
export function levelSatisfies(granted: PermissionLevel | undefined, required: PermissionLevel): boolean {
  if (!granted) return false;
  return granted === 'write' || required === 'read';
}

/** True when the set grants `group.name` at `level`. `repository.metadata: read` is always granted. */
export function hasPermission(set: PermissionSet, group: PermissionGroup, name: string, level: PermissionLevel): boolean {
  if (group === 'repository' && name === 'metadata' && level === 'read') return true;
  return levelSatisfies(set[group]?.[name], level);
}

/**
 * Validation problems of a requested permission set, each naming the field
 * (e.g. `permissions.repository.contents`). Empty when valid.
 */
export function permissionSetErrors(set: unknown): { field: string; message: string }[] {
  const errors: { field: string; message: string }[] = [];
  if (set === null || typeof set !== 'object' || Array.isArray(set)) {
    return [{ field: 'permissions', message: 'must be an object with repository, organization and/or account' }];
  }
  for (const [group, perms] of Object.entries(set as Record<string, unknown>)) {
    if (!PERMISSION_GROUPS.includes(group as PermissionGroup)) {
      errors.push({ field: `permissions.${group}`, message: `unknown permission group '${group}'` });
      continue;
    }
    if (perms === null || typeof perms !== 'object' || Array.isArray(perms)) {
      errors.push({ field: `permissions.${group}`, message: 'must be an object of permission: level' });
      continue;
    }
    for (const [name, level] of Object.entries(perms as Record<string, unknown>)) {
      const p = findPermission(group, name);
      if (!p) errors.push({ field: `permissions.${group}.${name}`, message: `'${name}' is not a ${group} permission` });
      else if (level !== 'read' && level !== 'write') errors.push({ field: `permissions.${group}.${name}`, message: "must be 'read' or 'write'" });
      else if (!p.levels.includes(level)) errors.push({ field: `permissions.${group}.${name}`, message: `'${name}' can only be ${p.levels.join(' or ')}` });
    }
  }
  return errors;
}
