// Wire types of the API's discovery endpoints: GET /api/v3/ (the root document), GET /meta and
// GET /rate_limit, in GitHub Enterprise Server's shapes.

/** GET /api/v3/: URL templates of the API's main resources (GitHub's `root` schema). */
export interface ApiRootJson {
  current_user_url: string;
  current_user_authorizations_html_url: string;
  authorizations_url: string;
  code_search_url: string;
  commit_search_url: string;
  emails_url: string;
  emojis_url: string;
  events_url: string;
  feeds_url: string;
  followers_url: string;
  following_url: string;
  gists_url: string;
  hub_url: string;
  issue_search_url: string;
  issues_url: string;
  keys_url: string;
  label_search_url: string;
  notifications_url: string;
  organization_url: string;
  organization_repositories_url: string;
  organization_teams_url: string;
  public_gists_url: string;
  rate_limit_url: string;
  repository_url: string;
  repository_search_url: string;
  current_user_repositories_url: string;
  starred_url: string;
  starred_gists_url: string;
  topic_search_url: string;
  user_url: string;
  user_organizations_url: string;
  user_repositories_url: string;
  user_search_url: string;
}

/** GET /meta (GHES's `api-overview`). The address lists are empty: Tessera publishes none. */
export interface MetaJson {
  verifiable_password_authentication: boolean;
  installed_version: string;
  ssh_key_fingerprints?: Record<string, string>;
  hooks: string[];
  web: string[];
  api: string[];
  git: string[];
  packages: string[];
  pages: string[];
  importer: string[];
  actions: string[];
  dependabot: string[];
}

export interface RateLimitJson {
  limit: number;
  remaining: number;
  /** Epoch seconds when the count starts over. */
  reset: number;
  used: number;
  resource: string;
}

/** GET /rate_limit (`rate-limit-overview`). */
export interface RateLimitOverviewJson {
  resources: { core: RateLimitJson; search: RateLimitJson; graphql: RateLimitJson };
  /** The same as resources.core (kept by GitHub for old clients). */
  rate: RateLimitJson;
}
