// Repositories: GET /user/repos, /orgs/{org}/repos, /repos/{owner}/{repo} and the repository lists
// of the approval queue.
import type { OrgOwnerJson } from './organizations';
import type { SimpleUserJson } from './users';

/** The caller's access, present when the answer is about what the caller may do. */
export interface RepositoryPermissionsJson {
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
}

export interface CreateRepositoryRequest extends RepositorySettingsRequest {
  name: string;
  /** A first commit with a README.md on the default branch. */
  auto_init?: boolean;
}

export interface RepositoryJson {
  id: number;
  node_id: string;
  name: string;
  full_name: string;
  private: boolean;
  visibility: RepositoryVisibility;
  owner: SimpleUserJson | OrgOwnerJson;
  html_url: string;
  description: string | null;
  homepage: string | null;
  fork: false;
  url: string;
  keys_url: string;
  branches_url: string;
  clone_url: string;
  default_branch: string;
  has_issues: boolean;
  has_projects: boolean;
  has_wiki: boolean;
  has_discussions: boolean;
  has_downloads: boolean;
  has_pages: false;
  is_template: boolean;
  archived: false;
  disabled: false;
  created_at: string;
  updated_at: string;
  pushed_at: string | null;
  permissions?: RepositoryPermissionsJson;
}
