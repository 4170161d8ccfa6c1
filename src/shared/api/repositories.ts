// Repositories: GET /user/repos, /orgs/{org}/repos, /repos/{owner}/{repo} and the repository lists
// of the approval queue, in the shape of GitHub's full-repository.
import type { OrgOwnerJson } from './organizations';
import type { SimpleUserJson } from './users';

/** The caller's access, present when the answer is about what the caller may do. */
interface RepositoryPermissionsJson {
  admin: boolean;
  maintain: boolean;
  push: boolean;
  triage: boolean;
  pull: boolean;
}

/** `internal`: an organization's repository labelled internal; access is a private one's. */
export type RepositoryVisibility = 'public' | 'private' | 'internal';

/** POST /user/repos, POST /orgs/{org}/repos, PATCH /repos/{owner}/{repo}: GitHub's settings Tessera stores. */
export interface RepositorySettingsRequest {
  description?: string | null;
  private?: boolean;
  visibility?: RepositoryVisibility;
  homepage?: string | null;
  has_issues?: boolean;
  has_projects?: boolean;
  has_wiki?: boolean;
  has_discussions?: boolean;
  has_downloads?: boolean;
  is_template?: boolean;
  /** GitHub's pull-request and fork settings: Tessera has neither, only their fixed values are accepted (FIXED_SETTINGS). */
  allow_merge_commit?: boolean;
  allow_squash_merge?: boolean;
  allow_rebase_merge?: boolean;
  allow_auto_merge?: boolean;
  delete_branch_on_merge?: boolean;
  allow_update_branch?: boolean;
  allow_forking?: boolean;
}

/** PATCH /repos/{owner}/{repo}: the settings, and `name` to rename it. */
export interface UpdateRepositoryRequest extends RepositorySettingsRequest {
  name?: string;
  /** Only the current default branch is accepted (Tessera doesn't change it). */
  default_branch?: string;
}

/** GET /repos/{owner}/{repo}/topics, and PUT's body: Tessera has no topics (`[]`, and only `[]` is accepted). */
export interface RepositoryTopicsJson {
  names: string[];
}

export interface CreateRepositoryRequest extends RepositorySettingsRequest {
  name: string;
  /** A first commit with a README.md on the default branch. */
  auto_init?: boolean;
  /** GitHub's templates (`gh repo create --gitignore / --license`): Tessera has none, a 422 saying so. */
  gitignore_template?: string;
  license_template?: string;
}

/** The API URLs GitHub gives every repository (`{…}` are RFC 6570 templates). */
export interface RepositoryUrlsJson {
  url: string;
  archive_url: string;
  assignees_url: string;
  blobs_url: string;
  branches_url: string;
  collaborators_url: string;
  comments_url: string;
  commits_url: string;
  compare_url: string;
  contents_url: string;
  contributors_url: string;
  deployments_url: string;
  downloads_url: string;
  events_url: string;
  forks_url: string;
  git_commits_url: string;
  git_refs_url: string;
  git_tags_url: string;
  hooks_url: string;
  issue_comment_url: string;
  issue_events_url: string;
  issues_url: string;
  keys_url: string;
  labels_url: string;
  languages_url: string;
  merges_url: string;
  milestones_url: string;
  notifications_url: string;
  pulls_url: string;
  releases_url: string;
  stargazers_url: string;
  statuses_url: string;
  subscribers_url: string;
  subscription_url: string;
  tags_url: string;
  teams_url: string;
  trees_url: string;
}

/** What GitHub counts and Tessera does not have (forks, stars, issues …): always 0. */
export interface RepositoryCountersJson {
  forks: number;
  forks_count: number;
  stargazers_count: number;
  watchers: number;
  watchers_count: number;
  open_issues: number;
  open_issues_count: number;
  network_count: number;
  subscribers_count: number;
  size: number;
}

export interface RepositoryJson extends RepositoryUrlsJson, RepositoryCountersJson {
  id: number;
  node_id: string;
  name: string;
  full_name: string;
  private: boolean;
  visibility: RepositoryVisibility;
  owner: SimpleUserJson | OrgOwnerJson;
  /** The owning organization, for an organization's repository. */
  organization?: OrgOwnerJson;
  html_url: string;
  description: string | null;
  fork: false;
  clone_url: string;
  git_url: string;
  ssh_url: string;
  svn_url: string;
  mirror_url: null;
  homepage: string | null;
  language: null;
  license: null;
  topics: string[];
  default_branch: string;
  has_issues: boolean;
  has_projects: boolean;
  has_wiki: boolean;
  has_pages: boolean;
  has_downloads: boolean;
  has_discussions: boolean;
  is_template: boolean;
  allow_forking: boolean;
  web_commit_signoff_required: boolean;
  archived: false;
  disabled: false;
  created_at: string;
  updated_at: string;
  /** The creation time until the first push. */
  pushed_at: string;
  permissions?: RepositoryPermissionsJson;
}

/** GitHub's `_links` of a content object. */
interface ContentLinksJson {
  self: string;
  git: string | null;
  html: string | null;
}

/** GET /repos/{owner}/{repo}/readme: GitHub's content-file object (`content` is base64, 60 characters a line). */
export interface ContentFileJson {
  type: 'file';
  /** `none` (and `content` empty) for a file over 1 MiB. */
  encoding: 'base64' | 'none';
  size: number;
  name: string;
  path: string;
  content: string;
  sha: string;
  url: string;
  git_url: string | null;
  html_url: string | null;
  /** Tessera serves no raw files: always null. */
  download_url: string | null;
  _links: ContentLinksJson;
}
