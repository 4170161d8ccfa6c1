// GitHub's repository object (the fields Tessera has), with the caller's `permissions`.
import type { RepositoryJson, RepositoryVisibility, TokenRepositoryJson } from '../../shared/api-types';
import { apiBase, ProviderContext } from '../context';
import { nodeId, orgAsOwnerJson, simpleUserJson } from '../orgs/account-json';
import type { RepositoryRecord } from '../store/repositories';
import type { AccountOwner } from './account-owner';
import type { RepositoryAccess } from './repository-access';

export function repositoryVisibility(r: RepositoryRecord): RepositoryVisibility {
  return r.settings.internal ? 'internal' : r.private ? 'private' : 'public';
}

export function repositoryJson(ctx: ProviderContext, r: RepositoryRecord, owner: AccountOwner, access?: RepositoryAccess | null): RepositoryJson {
  const fullName = `${owner.login}/${r.name}`;
  const url = `${apiBase(ctx)}/repos/${fullName}`;
  const out: RepositoryJson = {
    id: r.id,
    node_id: nodeId('Repository', r.id),
    name: r.name,
    full_name: fullName,
    private: r.private,
    visibility: repositoryVisibility(r),
    owner: owner.type === 'User' ? simpleUserJson(ctx, owner.user) : orgAsOwnerJson(ctx, owner.org),
    html_url: `${ctx.origin}/${fullName}`,
    description: r.description,
    homepage: r.settings.homepage,
    fork: false,
    url,
    keys_url: `${url}/keys{/key_id}`,
    branches_url: `${url}/branches{/branch}`,
    clone_url: `${ctx.origin}/${fullName}.git`,
    default_branch: r.defaultBranch,
    has_issues: r.settings.hasIssues,
    has_projects: r.settings.hasProjects,
    has_wiki: r.settings.hasWiki,
    has_discussions: r.settings.hasDiscussions,
    has_downloads: r.settings.hasDownloads,
    has_pages: false,
    is_template: r.settings.isTemplate,
    archived: false,
    disabled: false,
    created_at: r.createdAt.toISOString(),
    updated_at: r.updatedAt.toISOString(),
    pushed_at: r.pushedAt?.toISOString() ?? null,
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

/** The short form the extension's pickers read (id, name, full_name, private, owner.login). */
export function repositoryRefJson(r: RepositoryRecord, ownerLogin: string): TokenRepositoryJson {
  return { id: r.id, name: r.name, full_name: `${ownerLogin}/${r.name}`, private: r.private, owner: { login: ownerLogin } };
}
