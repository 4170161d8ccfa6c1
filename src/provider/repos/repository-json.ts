// GitHub's full-repository object, with the caller's `permissions`. What Tessera does not have
// (forks, stars, issues, a license, an SSH or git:// transport) is GitHub's empty value or URL.
// One object literal, URLs included (no spreads in the middle): V8 builds and serializes an object
// of one fixed shape many times faster, and a list carries one per repository.
import type { RepositoryJson, RepositoryVisibility } from '../../shared/api-types';
import { apiBase, ProviderContext } from '../context';
import { nodeId, orgAsOwnerJson, simpleUserJson } from '../orgs/account-json';
import type { RepositoryRecord } from '../store/repositories';
import type { AccountOwner } from './account-owner';
import type { RepositoryAccess } from './repository-access';
import { githubTime } from '../iso-time';
import { DerivedStrings } from '../derived-strings';

export function repositoryVisibility(r: RepositoryRecord): RepositoryVisibility {
  return r.settings.internal ? 'internal' : r.private ? 'private' : 'public';
}

/**
 * GitHub's SSH remote form (`git@host:owner/name.git`, no port; `host` is the origin's, port included). Tessera serves git over HTTPS
 * only: the URL is there because GitHub's schemas require it, not to be used.
 */
export function sshUrlOf(host: string, fullName: string): string {
  return `git@${host.replace(/:\d+$/, '')}:${fullName}.git`;
}

/** A repository's URLs: made from the origin and its full name alone (derived-strings.ts). */
function repositoryUrls(ctx: ProviderContext, fullName: string) {
  const host = new URL(ctx.origin).host;
  const htmlUrl = `${ctx.origin}/${fullName}`;
  const url = `${apiBase(ctx)}/repos/${fullName}`;
  return {
    html_url: htmlUrl,
    url,
    archive_url: `${url}/{archive_format}{/ref}`,
    assignees_url: `${url}/assignees{/user}`,
    blobs_url: `${url}/git/blobs{/sha}`,
    branches_url: `${url}/branches{/branch}`,
    collaborators_url: `${url}/collaborators{/collaborator}`,
    comments_url: `${url}/comments{/number}`,
    commits_url: `${url}/commits{/sha}`,
    compare_url: `${url}/compare/{base}...{head}`,
    contents_url: `${url}/contents/{+path}`,
    contributors_url: `${url}/contributors`,
    deployments_url: `${url}/deployments`,
    downloads_url: `${url}/downloads`,
    events_url: `${url}/events`,
    forks_url: `${url}/forks`,
    git_commits_url: `${url}/git/commits{/sha}`,
    git_refs_url: `${url}/git/refs{/sha}`,
    git_tags_url: `${url}/git/tags{/sha}`,
    hooks_url: `${url}/hooks`,
    issue_comment_url: `${url}/issues/comments{/number}`,
    issue_events_url: `${url}/issues/events{/number}`,
    issues_url: `${url}/issues{/number}`,
    keys_url: `${url}/keys{/key_id}`,
    labels_url: `${url}/labels{/name}`,
    languages_url: `${url}/languages`,
    merges_url: `${url}/merges`,
    milestones_url: `${url}/milestones{/number}`,
    notifications_url: `${url}/notifications{?since,all,participating}`,
    pulls_url: `${url}/pulls{/number}`,
    releases_url: `${url}/releases{/id}`,
    stargazers_url: `${url}/stargazers`,
    statuses_url: `${url}/statuses/{sha}`,
    subscribers_url: `${url}/subscribers`,
    subscription_url: `${url}/subscription`,
    tags_url: `${url}/tags`,
    teams_url: `${url}/teams`,
    trees_url: `${url}/git/trees{/sha}`,
    clone_url: `${htmlUrl}.git`,
    git_url: `git://${host}/${fullName}.git`,
    ssh_url: sshUrlOf(host, fullName),
  };
}

// (~45 URLs, a few kB, per repository: at most 2,000 repositories' kept, the pages of many lists.)
const repositoryUrlsOf = new DerivedStrings<ReturnType<typeof repositoryUrls>>(2_000);

export function repositoryJson(ctx: ProviderContext, r: RepositoryRecord, owner: AccountOwner, access?: RepositoryAccess | null): RepositoryJson {
  const fullName = `${owner.login}/${r.name}`;
  const u = repositoryUrlsOf.get(`${ctx.origin} ${fullName}`, () => repositoryUrls(ctx, fullName));
  const ownerJson = owner.type === 'User' ? simpleUserJson(ctx, owner.user) : orgAsOwnerJson(ctx, owner.org);
  const out: RepositoryJson = {
    id: r.id,
    node_id: nodeId('Repository', r.id),
    name: r.name,
    full_name: fullName,
    private: r.private,
    visibility: repositoryVisibility(r),
    owner: ownerJson,
    html_url: u.html_url,
    description: r.description,
    fork: false,
    url: u.url,
    archive_url: u.archive_url,
    assignees_url: u.assignees_url,
    blobs_url: u.blobs_url,
    branches_url: u.branches_url,
    collaborators_url: u.collaborators_url,
    comments_url: u.comments_url,
    commits_url: u.commits_url,
    compare_url: u.compare_url,
    contents_url: u.contents_url,
    contributors_url: u.contributors_url,
    deployments_url: u.deployments_url,
    downloads_url: u.downloads_url,
    events_url: u.events_url,
    forks_url: u.forks_url,
    git_commits_url: u.git_commits_url,
    git_refs_url: u.git_refs_url,
    git_tags_url: u.git_tags_url,
    hooks_url: u.hooks_url,
    issue_comment_url: u.issue_comment_url,
    issue_events_url: u.issue_events_url,
    issues_url: u.issues_url,
    keys_url: u.keys_url,
    labels_url: u.labels_url,
    languages_url: u.languages_url,
    merges_url: u.merges_url,
    milestones_url: u.milestones_url,
    notifications_url: u.notifications_url,
    pulls_url: u.pulls_url,
    releases_url: u.releases_url,
    stargazers_url: u.stargazers_url,
    statuses_url: u.statuses_url,
    subscribers_url: u.subscribers_url,
    subscription_url: u.subscription_url,
    tags_url: u.tags_url,
    teams_url: u.teams_url,
    trees_url: u.trees_url,
    clone_url: u.clone_url,
    git_url: u.git_url,
    ssh_url: u.ssh_url,
    svn_url: u.html_url,
    mirror_url: null,
    homepage: r.settings.homepage,
    language: null,
    license: null,
    topics: [],
    default_branch: r.defaultBranch,
    has_issues: r.settings.hasIssues,
    has_projects: r.settings.hasProjects,
    has_wiki: r.settings.hasWiki,
    has_pages: false,
    has_downloads: r.settings.hasDownloads,
    has_discussions: r.settings.hasDiscussions,
    is_template: r.settings.isTemplate,
    allow_forking: false,
    web_commit_signoff_required: false,
    forks: 0,
    forks_count: 0,
    stargazers_count: 0,
    watchers: 0,
    watchers_count: 0,
    open_issues: 0,
    open_issues_count: 0,
    network_count: 0,
    subscribers_count: 0,
    size: 0,
    archived: false,
    disabled: false,
    created_at: githubTime(r.createdAt),
    updated_at: githubTime(r.updatedAt),
    pushed_at: pushedAtJson(r),
  };
  // Added after the literal, which keeps one shape (no spreads: lists carry one of these per item).
  if (owner.type === 'Organization') out.organization = orgAsOwnerJson(ctx, owner.org);
  if (access !== undefined) {
    out.permissions = {
    admin: access === 'admin',
    maintain: access === 'admin',
    push: access === 'admin' || access === 'write',
    triage: access === 'admin' || access === 'write',
    pull: access !== null,
    };
  }
  return out;
}

/**
 * When the last push was, to the second as GitHub writes it. Clients (and Tessera's Repositories
 * view) read pushed_at equal to created_at as "never pushed", as on GitHub; a push within the second
 * the repository was made therefore reads one second later, so the two differ exactly when
 * something was pushed. GraphQL's `pushedAt` is the same text.
 */
export function pushedAtJson(r: RepositoryRecord): string {
  if (!r.pushedAt) return githubTime(r.createdAt);
  const createdSecond = Math.floor(r.createdAt.getTime() / 1000);
  return githubTime(new Date(Math.max(r.pushedAt.getTime(), (createdSecond + 1) * 1000)));
}
