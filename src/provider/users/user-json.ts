// The signed-in user as GET/PATCH /user and POST /users answer: GitHub's private-user
// (`user_view_type: "private"`) to credentials that may read the private profile, its public-user
// (`"public"`, without the private fields) otherwise — users/own-profile-access.ts decides.
// What Tessera does not have (followers, gists, disk usage) is GitHub's empty value.
import type { UserJson, UserProfileJson } from '../../shared/api-types';
import type { ProviderContext } from '../context';
import { simpleUserJson } from '../orgs/account-json';
import { repositoryCountsOf } from '../repos/repository-counts';
import type { RepositoryCounts } from '../store/repositories';
import type { UserRecord } from '../store/users';
import { githubTime } from '../iso-time';
import type { OwnProfileView } from './own-profile-access';

/** Everything: the answer to the account's own sign-up. */
export const FULL_VIEW: OwnProfileView = { email: true, privateProfile: true };

/** `view.email` false: `email` is null; `view.privateProfile` false: the private-user fields are left out. */
export function userJson(ctx: ProviderContext, u: UserRecord, repos: RepositoryCounts, view: OwnProfileView): UserJson {
  const user: UserJson = {
    ...simpleUserJson(ctx, u),
    user_view_type: view.privateProfile ? 'private' : 'public',
    ...userProfileJson(u),
    email: view.email ? u.email : null,
    public_repos: repos.public,
    public_gists: 0,
    followers: 0,
    following: 0,
    created_at: githubTime(u.createdAt),
    updated_at: githubTime(u.updatedAt),
  };
  if (!view.privateProfile) return user;
  return {
    ...user,
    private_gists: 0,
    total_private_repos: repos.private,
    owned_private_repos: repos.private,
    disk_usage: 0,
    collaborators: 0,
    two_factor_authentication: u.twoFactorEnabled,
  };
}

/** userJson with the user's repository counts read from the store. */
export async function userWithCountsJson(ctx: ProviderContext, u: UserRecord, view: OwnProfileView): Promise<UserJson> {
  return userJson(ctx, u, await repositoryCountsOf(ctx, 'User', u.id), view);
}

/** The profile fields GitHub's user objects carry (`blog` is '' when unset, as on GitHub). */
export function userProfileJson(u: UserRecord): UserProfileJson {
  const p = u.profile;
  return { bio: p.bio, blog: p.blog ?? '', company: p.company, location: p.location, twitter_username: p.twitterUsername, hireable: p.hireable };
}

export { LOGIN_PATTERN } from '../../shared/login-format';
export const EMAIL_PATTERN = '^[^\\s@]+@[^\\s@]+\\.[^\\s@]+$';
