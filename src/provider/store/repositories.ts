// Repositories, owned by a user or an organization, public or private. The bare git repository on
// disk is made by git/bare-repos.ts; this is the record the API and authorization read.
import type { ResourceOwnerType } from './tokens';

export interface RepositoryRecord {
  id: number;
  ownerType: ResourceOwnerType;
  ownerId: number;
  name: string;
  description: string | null;
  private: boolean;
  defaultBranch: string;
  createdBy: number | null;
  createdAt: Date;
  updatedAt: Date;
  pushedAt: Date | null;
  settings: RepositorySettings;
}

/**
 * GitHub's documented repository settings Tessera stores and returns. `internal` labels a private
 * repository as GitHub's `internal` visibility (never set on a public one); access to it is a
 * private repository's.
 */
export interface RepositorySettings {
  homepage: string | null;
  hasIssues: boolean;
  hasProjects: boolean;
  hasWiki: boolean;
  hasDiscussions: boolean;
  hasDownloads: boolean;
  isTemplate: boolean;
  internal: boolean;
}

export const DEFAULT_REPOSITORY_SETTINGS: Readonly<RepositorySettings> = {
  homepage: null,
  hasIssues: true,
  hasProjects: true,
  hasWiki: true,
  hasDiscussions: false,
  hasDownloads: true,
  isTemplate: false,
  internal: false,
};

/** The settings' columns, for both stores. */
export const REPOSITORY_SETTING_COLUMNS = [
  ['homepage', 'homepage'],
  ['hasIssues', 'has_issues'],
  ['hasProjects', 'has_projects'],
  ['hasWiki', 'has_wiki'],
  ['hasDiscussions', 'has_discussions'],
  ['hasDownloads', 'has_downloads'],
  ['isTemplate', 'is_template'],
  ['internal', 'internal'],
] as const satisfies readonly (readonly [keyof RepositorySettings, string])[];

export interface RepositoryUpdate {
  /** A new name (a rename). Throws UniqueViolation('name') when the owner has another repository of that name. */
  name?: string;
  /**
   * With a rename: the name the caller saw (case-insensitive). The row changes only if it still
   * has that name, else `update` answers undefined as for a missing row (renamed meanwhile).
   */
  currentName?: string;
  description?: string | null;
  private?: boolean;
  /** The settings given (a public repository must not stay `internal`). */
  settings?: Partial<RepositorySettings>;
  /** A new default branch (the first branch pushed when the default branch has none: git/pushed-default-branch.ts). */
  defaultBranch?: string;
  updatedAt: Date;
}

export interface NewRepository {
  ownerType: ResourceOwnerType;
  ownerId: number;
  name: string;
  description?: string | null;
  private: boolean;
  /** Defaults: DEFAULT_REPOSITORY_SETTINGS. */
  settings?: Partial<RepositorySettings>;
  createdBy: number;
  createdAt: Date;
}

export interface RepositoryQuery {
  ownerType?: ResourceOwnerType;
  ownerId?: number;
  /** Only these ids. */
  ids?: number[];
  /** Only public (false) or private (true) ones. */
  private?: boolean;
  limit?: number;
  offset?: number;
}

export interface RepositoryCounts {
  public: number;
  private: number;
}

export interface RepositoryStore {
  /** Throws UniqueViolation('name') when the owner already has a repository of that name (case-insensitive). */
  create(repo: NewRepository): Promise<RepositoryRecord>;
  byId(id: number): Promise<RepositoryRecord | undefined>;
  byOwnerAndName(ownerType: ResourceOwnerType, ownerId: number, name: string): Promise<RepositoryRecord | undefined>;
  /** Ordered by name. */
  list(query: RepositoryQuery): Promise<RepositoryRecord[]>;
  /**
   * Repositories a user can see: their own, those of orgs where they are an active member, and
   * (when `includePublic`) every public one. Ordered by full name.
   */
  listVisibleTo(userId: number, opts: { includePublic: boolean }): Promise<RepositoryRecord[]>;
  /** How many repositories match (the whole list `list` pages through). */
  count(query: RepositoryQuery): Promise<number>;
  /** How many public and private repositories an account owns. */
  countByOwner(ownerType: ResourceOwnerType, ownerId: number): Promise<RepositoryCounts>;
  update(id: number, update: RepositoryUpdate): Promise<RepositoryRecord | undefined>;
  touchPushed(id: number, now: Date): Promise<void>;
  delete(id: number): Promise<boolean>;
}
