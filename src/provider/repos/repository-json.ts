// GitHub's full-repository object, with the caller's `permissions`. What Tessera does not have
// (forks, stars, issues, a license, an SSH or git:// transport) is GitHub's empty value or URL.
import type { RepositoryCountersJson, RepositoryJson, RepositoryVisibility } from '../../shared/api-types';
import { apiBase, ProviderContext } from '../context';
import { nodeId, orgAsOwnerJson, simpleUserJson } from '../orgs/account-json';
import type { RepositoryRecord } from '../store/repositories';
import type { AccountOwner } from './account-owner';
import type { RepositoryAccess } from './repository-access';
import { repositoryUrlsJson } from './repository-urls';

const NO_COUNTERS: RepositoryCountersJson = {
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
};

export function repositoryVisibility(r: RepositoryRecord): RepositoryVisibility {
  return r.settings.internal ? 'internal' : r.private ? 'private' : 'public';
}

export function repositoryJson(ctx: ProviderContext, r: RepositoryRecord, owner: AccountOwner, access?: RepositoryAccess | null): RepositoryJson {
  const fullName = `${owner.login}/${r.name}`;
  const host = new URL(ctx.origin).host;
  const htmlUrl = `${ctx.origin}/${fullName}`;
  const ownerJson = owner.type === 'User' ? simpleUserJson(ctx, owner.user) : orgAsOwnerJson(ctx, owner.org);
  const out: RepositoryJson = {
    id: r.id,
    node_id: nodeId('Repository', r.id),
    name: r.name,
    full_name: fullName,
    private: r.private,
    visibility: repositoryVisibility(r),
    owner: ownerJson,
    ...(owner.type === 'Organization' ? { organization: orgAsOwnerJson(ctx, owner.org) } : {}),
    html_url: htmlUrl,
    description: r.description,
    fork: false,
    ...repositoryUrlsJson(`${apiBase(ctx)}/repos/${fullName}`),
    clone_url: `${htmlUrl}.git`,
    git_url: `git://${host}/${fullName}.git`,
    ssh_url: `git@${host.replace(/:\d+$/, '')}:${fullName}.git`,
    svn_url: htmlUrl,
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
    ...NO_COUNTERS,
    archived: false,
    disabled: false,
    created_at: r.createdAt.toISOString(),
    updated_at: r.updatedAt.toISOString(),
    pushed_at: (r.pushedAt ?? r.createdAt).toISOString(),
  };
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
