// GitHub's user object (the fields Tessera has).
import type { UserJson } from '../../shared/api-types';
import { apiBase, ProviderContext } from '../context';
import type { UserRecord } from '../store/users';

export function userJson(ctx: ProviderContext, u: UserRecord): UserJson {
  return {
    login: u.login,
    id: u.id,
    type: 'User',
    site_admin: u.siteAdmin,
    name: u.name,
    email: u.email,
    two_factor_authentication: u.twoFactorEnabled,
    created_at: u.createdAt.toISOString(),
    updated_at: u.updatedAt.toISOString(),
    url: `${apiBase(ctx)}/users/${u.login}`,
  };
}

// The serialized object for records that cannot change: the principal cache hands out frozen user
// records (auth/principal-cache.ts) and replaces them — never edits them — when anything changes,
// so GET /user for a cached principal is one WeakMap look-up instead of building and serializing.
const serialized = new WeakMap<UserRecord, { origin: string; text: string }>();

/** `JSON.stringify(userJson(ctx, u))`, remembered per frozen record (and origin). */
export function userJsonText(ctx: ProviderContext, u: UserRecord): string {
  const hit = serialized.get(u); // only frozen records are ever remembered
  if (hit && hit.origin === ctx.origin) return hit.text;
  const text = JSON.stringify(userJson(ctx, u));
  if (Object.isFrozen(u)) serialized.set(u, { origin: ctx.origin, text });
  return text;
}

/** GitHub's login rules: alphanumerics and single hyphens, not at either end, at most 39. */
export const LOGIN_PATTERN = '^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$';
export const EMAIL_PATTERN = '^[^\\s@]+@[^\\s@]+\\.[^\\s@]+$';
