// GitHub's public-user object (GET /users/{username}): a user's public profile, or an
// organization's in the same shape with `type: "Organization"` (one login namespace, as on GitHub).
// Emails of users are not public on Tessera: `email` is null. Both carry `user_view_type: "public"`,
// as GitHub's answers do (GET /user's own view may be "private": user-json.ts).
import type { PublicAccountJson } from '../../shared/api-types';
import type { ProviderContext } from '../context';
import { orgAsOwnerJson, organizationProfileJson, simpleUserJson } from '../orgs/account-json';
import type { AccountOwner } from '../repos/account-owner';
import { userProfileJson } from './user-json';
import { githubTime } from '../iso-time';

export function publicAccountJson(ctx: ProviderContext, account: AccountOwner, counts: { publicRepos: number }): PublicAccountJson {
  const common = { public_repos: counts.publicRepos, public_gists: 0, followers: 0, following: 0 };
  if (account.type === 'User') {
    const u = account.user;
    return {
      ...simpleUserJson(ctx, u),
      user_view_type: 'public',
      ...userProfileJson(u),
      email: null,
      ...common,
      created_at: githubTime(u.createdAt),
      updated_at: githubTime(u.updatedAt),
    };
  }
  const o = account.org;
  return {
    // Its URLs are a user's (under /users/{login}), as GitHub gives them.
    ...orgAsOwnerJson(ctx, o),
    user_view_type: 'public',
    name: o.name,
    ...organizationProfileJson(o),
    bio: o.description,
    hireable: null,
    ...common,
    created_at: githubTime(o.createdAt),
    updated_at: githubTime(o.updatedAt),
  };
}
