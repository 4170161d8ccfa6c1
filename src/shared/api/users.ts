// Users: POST /users (sign-up), GET/PATCH /user, and the short user object GitHub calls simple-user.

export interface CreateUserRequest {
  login: string;
  email: string;
  password: string;
  name?: string | null;
}

export interface UpdateUserRequest {
  name?: string | null;
  email?: string;
  bio?: string | null;
  blog?: string | null;
  company?: string | null;
  location?: string | null;
  twitter_username?: string | null;
  hireable?: boolean | null;
}

/** GitHub's profile fields (`blog` is '' when unset, as on GitHub). */
export interface UserProfileJson {
  bio: string | null;
  blog: string;
  company: string | null;
  location: string | null;
  twitter_username: string | null;
  hireable: boolean | null;
}

/** The counters and times every full account object carries (private-user and public-user). */
export interface AccountCountsJson {
  public_repos: number;
  public_gists: number;
  followers: number;
  following: number;
  created_at: string;
  updated_at: string;
}

/**
 * The signed-in user: GET /user, PATCH /user, POST /users. GitHub's private-user
 * (`user_view_type: 'private'`) when the credentials may read the private profile (password,
 * classic `read:user` or `user`, fine-grained `profile: read`); its public-user (`'public'`) otherwise,
 * without the private-user fields — so an absent `two_factor_authentication` is "not shown", never "off".
 */
export interface UserJson extends SimpleUserJson, UserProfileJson, AccountCountsJson {
  user_view_type: 'private' | 'public';
  /** null when the credentials may not read email addresses (classic `user:email`, fine-grained `email_addresses: read`). */
  email: string | null;
  private_gists?: number;
  total_private_repos?: number;
  owned_private_repos?: number;
  disk_usage?: number;
  collaborators?: number;
  two_factor_authentication?: boolean;
}

/** The URLs GitHub gives every account in the places it puts a simple-user. */
export interface AccountUrlsJson {
  avatar_url: string;
  gravatar_id: string;
  url: string;
  html_url: string;
  followers_url: string;
  following_url: string;
  gists_url: string;
  starred_url: string;
  subscriptions_url: string;
  organizations_url: string;
  repos_url: string;
  events_url: string;
  received_events_url: string;
}

/** A user where GitHub puts a simple-user: a repository's owner, a requester, a member. */
export interface SimpleUserJson extends AccountUrlsJson {
  login: string;
  id: number;
  node_id: string;
  type: 'User';
  site_admin: boolean;
  name: string | null;
}

/**
 * GET /users/{username}: GitHub's public-user — a user's public profile, or an organization's in
 * the same shape with `type: 'Organization'` (one login namespace). Emails of users are not public.
 */
export interface PublicAccountJson extends Omit<SimpleUserJson, 'type'>, UserProfileJson, AccountCountsJson {
  type: 'User' | 'Organization';
  /** GitHub's public view, for users and organizations alike (GET /user's private view is `userJson`'s). */
  user_view_type: 'public';
  email: string | null;
}
