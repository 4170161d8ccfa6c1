// Deploy keys: SSH public keys on one repository, recording the token that added them (deleting
// that token deletes them, by foreign-key cascade).

export interface DeployKeyRecord {
  id: number;
  repositoryId: number;
  title: string;
  /** `type base64` (the comment is not kept). */
  key: string;
  readOnly: boolean;
  addedBy: number | null;
  /** The token the key was added with (null: Basic authentication). */
  tokenId: number | null;
  createdAt: Date;
  lastUsedAt: Date | null;
}

export type NewDeployKey = Omit<DeployKeyRecord, 'id' | 'lastUsedAt'>;

export interface DeployKeyStore {
  /** Throws UniqueViolation('key') when the key is already in use (on any repository). */
  create(key: NewDeployKey): Promise<DeployKeyRecord>;
  byId(repositoryId: number, id: number): Promise<DeployKeyRecord | undefined>;
  /** Oldest first. */
  list(repositoryId: number, page: { limit: number; offset: number }): Promise<DeployKeyRecord[]>;
  count(repositoryId: number): Promise<number>;
  listByToken(tokenId: number): Promise<DeployKeyRecord[]>;
  delete(repositoryId: number, id: number): Promise<boolean>;
}
