// GitHub's user object (the fields Tessera has).
import type { UserJson, UserProfileJson } from '../../shared/api-types';
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
    ...userProfileJson(u),
    created_at: u.createdAt.toISOString(),
    updated_at: u.updatedAt.toISOString(),
    url: `${apiBase(ctx)}/users/${u.login}`,
  };
}

/** The profile fields GitHub's user objects carry (`blog` is '' when unset, as on GitHub). */
export function userProfileJson(u: UserRecord): UserProfileJson {
  const p = u.profile;
  return { bio: p.bio, blog: p.blog ?? '', company: p.company, location: p.location, twitter_username: p.twitterUsername, hireable: p.hireable };
}

export { LOGIN_PATTERN } from '../../shared/login-format';
export const EMAIL_PATTERN = '^[^\\s@]+@[^\\s@]+\\.[^\\s@]+$';
