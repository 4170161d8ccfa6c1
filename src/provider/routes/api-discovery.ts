// The API's discovery endpoints: GET /api/v3/ (the root document clients such as gh read first),
// GET /meta (which GHES version this is, and that passwords can be verified) and GET /rate_limit
// (where the caller stands, without counting as a request).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ApiRootJson, MetaJson, RateLimitJson, RateLimitOverviewJson } from '../../shared/api-types';
import { OPEN_TO_ANY_CALLER as OPEN } from '../authz/requirement';
import { apiBase, ProviderContext } from '../context';
import { peekRateLimit, rateLimitStatus, RateLimitState } from '../http/api-rate-limit';
import { GHES_API_VERSION } from '../http/ghes-version';

const API = '/api/v3';

function apiRootJson(base: string): ApiRootJson {
  return {
    current_user_url: `${base}/user`,
    current_user_authorizations_html_url: `${base}/settings/connections/applications{/client_id}`,
    authorizations_url: `${base}/authorizations`,
    code_search_url: `${base}/search/code?q={query}{&page,per_page,sort,order}`,
    commit_search_url: `${base}/search/commits?q={query}{&page,per_page,sort,order}`,
    emails_url: `${base}/user/emails`,
    emojis_url: `${base}/emojis`,
    events_url: `${base}/events`,
    feeds_url: `${base}/feeds`,
    followers_url: `${base}/user/followers`,
    following_url: `${base}/user/following{/target}`,
    gists_url: `${base}/gists{/gist_id}`,
    hub_url: `${base}/hub`,
    issue_search_url: `${base}/search/issues?q={query}{&page,per_page,sort,order}`,
    issues_url: `${base}/issues`,
    keys_url: `${base}/user/keys`,
    label_search_url: `${base}/search/labels?q={query}&repository_id={repository_id}{&page,per_page}`,
    notifications_url: `${base}/notifications`,
    organization_url: `${base}/orgs/{org}`,
    organization_repositories_url: `${base}/orgs/{org}/repos{?type,page,per_page,sort}`,
    organization_teams_url: `${base}/orgs/{org}/teams`,
    public_gists_url: `${base}/gists/public`,
    rate_limit_url: `${base}/rate_limit`,
    repository_url: `${base}/repos/{owner}/{repo}`,
    repository_search_url: `${base}/search/repositories?q={query}{&page,per_page,sort,order}`,
    current_user_repositories_url: `${base}/user/repos{?type,page,per_page,sort}`,
    starred_url: `${base}/user/starred{/owner}{/repo}`,
    starred_gists_url: `${base}/gists/starred`,
    topic_search_url: `${base}/search/topics?q={query}{&page,per_page}`,
    user_url: `${base}/users/{user}`,
    user_organizations_url: `${base}/user/orgs`,
    user_repositories_url: `${base}/users/{user}/repos{?type,page,per_page,sort}`,
    user_search_url: `${base}/search/users?q={query}{&page,per_page,sort,order}`,
  };
}

function metaJson(): MetaJson {
  return {
    verifiable_password_authentication: true,
    installed_version: GHES_API_VERSION,
    hooks: [],
    web: [],
    api: [],
    git: [],
    packages: [],
    pages: [],
    importer: [],
    actions: [],
    dependabot: [],
  };
}

function rateJson(s: RateLimitState, resource: string): RateLimitJson {
  return { limit: s.limit, remaining: s.remaining, reset: Math.ceil(s.reset.getTime() / 1000), used: s.used, resource };
}

export function registerApiDiscoveryRoutes(app: FastifyInstance, ctx: ProviderContext): void {
  // `/api/v3` and `/api/v3/` (the router ignores a trailing slash).
  app.get(API, { config: { auth: OPEN } }, async (): Promise<ApiRootJson> => apiRootJson(apiBase(ctx)));

  app.get(`${API}/meta`, { config: { auth: OPEN } }, async (): Promise<MetaJson> => metaJson());

  // REST requests count in `core`, GraphQL queries in `graphql`; Tessera has no search endpoints,
  // so `search` reports the REST bucket.
  app.get(`${API}/rate_limit`, { config: { auth: OPEN } }, async (request: FastifyRequest): Promise<RateLimitOverviewJson> => {
    const state = await rateLimitStatus(ctx, request);
    const core = rateJson(state, 'core');
    const graphql = rateJson(await peekRateLimit(ctx, request, 'graphql'), 'graphql');
    return { resources: { core, search: rateJson(state, 'search'), graphql }, rate: core };
  });
}
