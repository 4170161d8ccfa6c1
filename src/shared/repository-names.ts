// What an owner login or a repository name may be, for a path on disk and a URL: checked by the
// provider (git/bare-repos.ts) and, as the person types, by the extension. Pure.

const NAME_CHARS = /^[A-Za-z0-9._-]+$/;
const MAX_NAME_LENGTH = 100;

/** Why `value` is not a valid owner or repository name, or undefined when it is. */
export function repositoryNameProblem(field: 'owner' | 'name', value: string): string | undefined {
  const what = field === 'owner' ? 'owner' : 'repository name';
  if (typeof value !== 'string' || value.length === 0) return `${what} must not be empty`;
  if (value.length > MAX_NAME_LENGTH) return `${what} must be at most ${MAX_NAME_LENGTH} characters`;
  if (!NAME_CHARS.test(value)) return `${what} may contain only letters, digits, '.', '-' and '_'`;
  if (value.includes('..')) return `${what} must not contain '..'`;
  if (value === '.') return `${what} must not be '.'`;
  if (value.startsWith('-')) return `${what} must not start with '-'`;
  if (/\.git$/i.test(value)) return `${what} must not end with '.git'`;
  // The root keeps its own bookkeeping in dot-folders (.trash); logins never start with '.'.
  if (field === 'owner' && value.startsWith('.')) return `${what} must not start with '.'`;
  return undefined;
}

