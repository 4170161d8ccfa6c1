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
}

export interface NewRepository {
  ownerType: ResourceOwnerType;
  ownerId: number;
  name: string;
  description?: string | null;
  private: boolean;
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
  update(id: number, update: { description?: string | null; private?: boolean; updatedAt: Date }): Promise<RepositoryRecord | undefined>;
  touchPushed(id: number, now: Date): Promise<void>;
  delete(id: number): Promise<boolean>;
}
