// GitHub's simple-user, organization-simple and organization-full objects, as owners of
// repositories, requesters in the approval queue and members of organizations. Every account's
// `avatar_url` is its generated avatar (avatars/identicon.ts).
import type { OrganizationJson, OrganizationProfileJson, OrganizationSimpleJson, OrgOwnerJson } from '../../shared/api-types';
import type { SimpleUserJson } from '../../shared/api-types';
import { avatarUrl } from '../avatars/identicon';
import { apiBase, ProviderContext } from '../context';
import { repositoryCountsOf } from '../repos/repository-counts';
import type { RepositoryCounts } from '../store/repositories';
import type { OrganizationReader } from './organization-reader';
import type { OrganizationRecord } from '../store/organizations';
import type { UserRecord } from '../store/users';
import { githubTime } from '../iso-time';
import { DerivedStrings } from '../derived-strings';

/** GitHub-style node id (`base64("User:1")`), as REST `node_id` and GraphQL `id`. */
export function nodeId(prefix: string, id: number): string {
  const text = `${prefix}:${id}`;
  return nodeIds.get(text, () => Buffer.from(text, 'utf8').toString('base64'));
}

const nodeIds = new DerivedStrings<string>();

/**
 * An account where GitHub puts a simple-user: users and organizations alike live under
 * /users/{login}. One object literal (no spreads in the middle): V8 builds and serializes an object
 * of one fixed shape many times faster, and lists carry one of these per item.
 */
function accountJson<T extends 'User' | 'Organization'>(ctx: ProviderContext, type: T, id: number, login: string, siteAdmin: boolean) {
  const u = accountUrlsOf.get(`${ctx.origin} ${type} ${id} ${login}`, () => accountUrls(ctx, type, id, login));
  return {
    login,
    id,
    node_id: u.node_id,
    avatar_url: u.avatar_url,
    gravatar_id: '',
    url: u.url,
    html_url: u.html_url,
    followers_url: u.followers_url,
    following_url: u.following_url,
    gists_url: u.gists_url,
    starred_url: u.starred_url,
    subscriptions_url: u.subscriptions_url,
    organizations_url: u.organizations_url,
    repos_url: u.repos_url,
    events_url: u.events_url,
    received_events_url: u.received_events_url,
    type,
    site_admin: siteAdmin,
  };
}

/** An account's node id and URLs: made from the origin, its type, id and login alone (derived-strings.ts). */
function accountUrls(ctx: ProviderContext, type: 'User' | 'Organization', id: number, login: string) {
  const url = `${apiBase(ctx)}/users/${login}`;
  return {
    node_id: nodeId(type, id),
    avatar_url: avatarUrl(ctx, type === 'User' ? 'u' : 'o', id),
    url,
    html_url: `${ctx.origin}/${login}`,
    followers_url: `${url}/followers`,
    following_url: `${url}/following{/other_user}`,
    gists_url: `${url}/gists{/gist_id}`,
    starred_url: `${url}/starred{/owner}{/repo}`,
    subscriptions_url: `${url}/subscriptions`,
    organizations_url: `${url}/orgs`,
    repos_url: `${url}/repos`,
    events_url: `${url}/events{/privacy}`,
    received_events_url: `${url}/received_events`,
  };
}

const accountUrlsOf = new DerivedStrings<ReturnType<typeof accountUrls>>(2_000);

export function simpleUserJson(ctx: ProviderContext, u: UserRecord): SimpleUserJson {
  // (A spread first is a copy of the literal's shape, as fast as the literal.)
  return { ...accountJson(ctx, 'User', u.id, u.login, u.siteAdmin), name: u.name };
}

/** An org in the places GitHub puts a simple-user (a repository's owner). */
export function orgAsOwnerJson(ctx: ProviderContext, o: OrganizationRecord): OrgOwnerJson {
  return accountJson(ctx, 'Organization', o.id, o.login, false) as OrgOwnerJson;
}

export function organizationSimpleJson(ctx: ProviderContext, o: OrganizationRecord): OrganizationSimpleJson {
  const url = `${apiBase(ctx)}/orgs/${o.login}`;
  return {
    login: o.login,
    id: o.id,
    node_id: nodeId('Organization', o.id),
    url,
    repos_url: `${url}/repos`,
    events_url: `${url}/events`,
    hooks_url: `${url}/hooks`,
    issues_url: `${url}/issues`,
    members_url: `${url}/members{/member}`,
    public_members_url: `${url}/public_members{/member}`,
    avatar_url: avatarUrl(ctx, 'o', o.id),
    description: o.description,
  };
}

/** The organization profile fields GitHub's organization objects carry (`blog` '' when unset). */
export function organizationProfileJson(o: OrganizationRecord): OrganizationProfileJson {
  const p = o.profile;
  return { company: p.company, blog: p.blog ?? '', location: p.location, email: p.email, twitter_username: p.twitterUsername };
}

/** The profile fields of organization-full, each only when set (its schema has null for twitter_username only). */
function organizationFullProfileJson(o: OrganizationRecord): Partial<OrganizationProfileJson> {
  const { twitter_username, ...rest } = organizationProfileJson(o);
  return { ...Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== null && v !== '')), twitter_username };
}


/** GitHub's organization-full. `name` is the login when the organization has none (GitHub's schema has no null name). */
export function organizationJson(ctx: ProviderContext, o: OrganizationRecord, counts: RepositoryCounts, reader: OrganizationReader): OrganizationJson {
  return {
    ...organizationSimpleJson(ctx, o),
    name: o.name ?? o.login,
    ...organizationFullProfileJson(o),
    ...(reader.owner ? { billing_email: o.profile.billingEmail } : {}),
    html_url: `${ctx.origin}/${o.login}`,
    type: 'Organization',
    has_organization_projects: false,
    has_repository_projects: false,
    public_repos: counts.public,
    public_gists: 0,
    followers: 0,
    following: 0,
    ...(reader.member ? { total_private_repos: counts.private, owned_private_repos: counts.private } : {}),
    created_at: githubTime(o.createdAt),
    updated_at: githubTime(o.updatedAt),
    archived_at: null,
  };
}

/** organizationJson with the repository counts read from the store. */
export async function organizationWithCountsJson(ctx: ProviderContext, o: OrganizationRecord, reader: OrganizationReader): Promise<OrganizationJson> {
  return organizationJson(ctx, o, await repositoryCountsOf(ctx, 'Organization', o.id), reader);
}
