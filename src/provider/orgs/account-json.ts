// GitHub's simple-user and organization-simple objects (the fields Tessera has), as owners of
// repositories, requesters in the approval queue and members of organizations.
import type { OrganizationJson, OrganizationProfileJson, OrganizationSimpleJson, OrgOwnerJson } from '../../shared/api-types';
import type { SimpleUserJson } from '../../shared/api-types';
import { apiBase, ProviderContext } from '../context';
import type { OrganizationRecord } from '../store/organizations';
import type { UserRecord } from '../store/users';

/** GitHub-style node id (`base64("User:1")`), as REST `node_id` and GraphQL `id`. */
export function nodeId(prefix: string, id: number): string {
  return Buffer.from(`${prefix}:${id}`, 'utf8').toString('base64');
}

export function simpleUserJson(ctx: ProviderContext, u: UserRecord): SimpleUserJson {
  const url = `${apiBase(ctx)}/users/${u.login}`;
  return {
    login: u.login,
    id: u.id,
    node_id: nodeId('User', u.id),
    avatar_url: '',
    gravatar_id: '',
    url,
    html_url: `${ctx.origin}/${u.login}`,
    followers_url: `${url}/followers`,
    following_url: `${url}/following{/other_user}`,
    gists_url: `${url}/gists{/gist_id}`,
    starred_url: `${url}/starred{/owner}{/repo}`,
    subscriptions_url: `${url}/subscriptions`,
    organizations_url: `${url}/orgs`,
    repos_url: `${url}/repos`,
    events_url: `${url}/events{/privacy}`,
    received_events_url: `${url}/received_events`,
    type: 'User',
    site_admin: u.siteAdmin,
    name: u.name,
  };
}

/** An org in the places GitHub puts a simple-user (a repository's owner). */
export function orgAsOwnerJson(ctx: ProviderContext, o: OrganizationRecord): OrgOwnerJson {
  const url = `${apiBase(ctx)}/orgs/${o.login}`;
  return {
    login: o.login,
    id: o.id,
    node_id: nodeId('Organization', o.id),
    avatar_url: '',
    gravatar_id: '',
    url,
    html_url: `${ctx.origin}/${o.login}`,
    repos_url: `${url}/repos`,
    type: 'Organization',
    site_admin: false,
  };
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
    avatar_url: '',
    description: o.description,
  };
}

/** The organization profile fields GitHub's organization objects carry (`blog` '' when unset). */
export function organizationProfileJson(o: OrganizationRecord): OrganizationProfileJson {
  const p = o.profile;
  return { company: p.company, blog: p.blog ?? '', location: p.location, email: p.email, twitter_username: p.twitterUsername };
}

/** GitHub's organization-full (the fields Tessera has); `billing_email` for owners only (`opts.owner`). */
export function organizationJson(
  ctx: ProviderContext,
  o: OrganizationRecord,
  counts?: { publicRepos: number; privateRepos?: number },
  opts: { owner?: boolean } = {},
): OrganizationJson {
  return {
    ...organizationSimpleJson(ctx, o),
    name: o.name,
    ...organizationProfileJson(o),
    ...(opts.owner ? { billing_email: o.profile.billingEmail } : {}),
    html_url: `${ctx.origin}/${o.login}`,
    type: 'Organization',
    ...(counts ? { public_repos: counts.publicRepos } : {}),
    ...(counts?.privateRepos !== undefined ? { total_private_repos: counts.privateRepos, owned_private_repos: counts.privateRepos } : {}),
    created_at: o.createdAt.toISOString(),
    updated_at: o.updatedAt.toISOString(),
  };
}
