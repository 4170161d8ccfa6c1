// Repository objects: looked up by owner and name under the same requirement as
// GET /repos/{owner}/{repo}, and their fields from the same record REST serializes
// (repos/repository-json.ts). A source object is a ListedRepository: the record, its owner and
// the caller's own access. The fields read from the git repository (`isEmpty`, `defaultBranchRef`
// and through it the commit) all come through `branches`, the one place that reads them, under
// what REST's branches need (READ_REPOSITORY_CONTENTS): a token that reads the repository but not
// its contents learns from GraphQL what GET /repos/{owner}/{repo} tells it, and no more.
import { repositoryPath } from '../git/bare-repos';
import { nodeId } from '../orgs/account-json';
import { Branch, listBranches } from '../repos/branches';
import { repositoriesRoot } from '../repos/repositories-root';
import type { ListedRepository } from '../repos/repository-listing';
import { READ_REPOSITORY, READ_REPOSITORY_CONTENTS } from '../repos/repository-requirements';
import { repositoryAuthzResource, repositoryResolver, RepositoryResourceRecord } from '../repos/repository-resource';
import { notFoundError } from './errors';
import type { RefSource } from './git-object-fields';
import { authorizeObject, GraphqlContext } from './graphql-context';
import { githubTime } from '../iso-time';
import { pushedAtJson } from '../repos/repository-json';

/** The repository `owner/name` as the caller may see it; NOT_FOUND (GitHub's message) otherwise. */
export async function repositoryByName(g: GraphqlContext, owner: string, name: string): Promise<ListedRepository> {
  const message = `Could not resolve to a Repository with the name '${owner.slice(0, 100)}/${name.slice(0, 100)}'.`;
  const resource = await repositoryResolver({ params: () => ({ owner, repo: name }) })(g.request, g.ctx, g.principal);
  if (!resource) throw notFoundError(message);
  await authorizeObject(g, READ_REPOSITORY, resource, message);
  const rec = resource.record as RepositoryResourceRecord;
  return { repository: rec.repository, owner: rec.owner, access: rec.access };
}

const gitDir = (g: GraphqlContext, r: ListedRepository) => repositoryPath(repositoriesRoot(g.ctx), r.owner.login, r.repository.name);

/** The repository's contents under READ_REPOSITORY_CONTENTS (REST's branches), or the guard list's error. */
function authorizeContents(g: GraphqlContext, { repository, owner, access }: ListedRepository): Promise<void> {
  const fullName = `${owner.login}/${repository.name}`;
  const resource = repositoryAuthzResource({ repository, owner, fullName, access });
  return authorizeObject(g, READ_REPOSITORY_CONTENTS, resource, `Could not resolve to a Repository with the name '${fullName}'.`);
}

/** The repository's branches, authorized and read once per repository and request. */
function branches(g: GraphqlContext, r: ListedRepository): Promise<Branch[]> {
  let p = g.branches.get(r.repository.id);
  if (!p) {
    p = authorizeContents(g, r).then(() => listBranches(gitDir(g, r)));
    g.branches.set(r.repository.id, p);
  }
  return p;
}

const PERMISSION = { admin: 'ADMIN', write: 'WRITE', read: 'READ' } as const;

type Resolver = (r: ListedRepository, args: Record<string, unknown>, g: GraphqlContext) => unknown;

const fullName = (r: ListedRepository) => `${r.owner.login}/${r.repository.name}`;

export const REPOSITORY_FIELDS: Record<string, Resolver> = {
  id: (r) => nodeId('Repository', r.repository.id),
  databaseId: (r) => r.repository.id,
  name: (r) => r.repository.name,
  nameWithOwner: (r) => fullName(r),
  owner: (r) => r.owner,
  description: (r) => r.repository.description,
  url: (r, _a, g) => `${g.ctx.origin}/${fullName(r)}`,
  resourcePath: (r) => `/${fullName(r)}`,
  homepageUrl: (r) => r.repository.settings.homepage,
  mirrorUrl: () => null,
  createdAt: (r) => githubTime(r.repository.createdAt),
  updatedAt: (r) => githubTime(r.repository.updatedAt),
  pushedAt: (r) => pushedAtJson(r.repository),
  isPrivate: (r) => r.repository.private,
  visibility: (r) => (r.repository.settings.internal ? 'INTERNAL' : r.repository.private ? 'PRIVATE' : 'PUBLIC'),
  isArchived: () => false,
  isDisabled: () => false,
  isEmpty: async (r, _a, g) => (await branches(g, r)).length === 0,
  isFork: () => false,
  isInOrganization: (r) => r.owner.type === 'Organization',
  isLocked: () => false,
  isMirror: () => false,
  isTemplate: (r) => r.repository.settings.isTemplate,
  parent: () => null,
  templateRepository: () => null,
  // As on GitHub, null until the default branch exists (an empty repository); whether it does is
  // the repository's contents (REST's branches), not its metadata.
  defaultBranchRef: async (r, _a, g): Promise<RefSource | null> => {
    const branch = (await branches(g, r)).find((b) => b.name === r.repository.defaultBranch);
    return branch ? { name: branch.name, prefix: 'refs/heads/', sha: branch.sha, gitDir: gitDir(g, r), repository: r } : null;
  },
  // GitHub's settings as stored (REST's has_*); Tessera has no pull requests, forks or stars.
  hasIssuesEnabled: (r) => r.repository.settings.hasIssues,
  hasWikiEnabled: (r) => r.repository.settings.hasWiki,
  hasProjectsEnabled: (r) => r.repository.settings.hasProjects,
  hasDiscussionsEnabled: (r) => r.repository.settings.hasDiscussions,
  mergeCommitAllowed: () => true,
  squashMergeAllowed: () => false,
  rebaseMergeAllowed: () => false,
  deleteBranchOnMerge: () => false,
  forkCount: () => 0,
  stargazerCount: () => 0,
  viewerHasStarred: () => false,
  viewerPermission: (r) => (r.access ? PERMISSION[r.access] : null),
  viewerCanAdminister: (r) => r.access === 'admin',
};
