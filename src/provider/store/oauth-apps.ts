// OAuth apps: the built-in one for GitHub CLI (no owner) and those users register. A registered
// app's client secret is kept only as its SHA-256 digest.

export interface OAuthAppRecord {
  id: number;
  clientId: string;
  name: string;
  url: string;
  callbackUrl: string | null;
  /** The user who registered it; null for a built-in app. */
  ownerId: number | null;
  clientSecretDigest: string | null;
  createdAt: Date;
}

export type NewOAuthApp = Omit<OAuthAppRecord, 'id'>;

export interface OAuthAppStore {
  /** Throws UniqueViolation('client_id') when the client id is taken. */
  create(app: NewOAuthApp): Promise<OAuthAppRecord>;
  byId(id: number): Promise<OAuthAppRecord | undefined>;
  byClientId(clientId: string): Promise<OAuthAppRecord | undefined>;
  /** The apps of these client ids that exist, in id order. */
  byClientIds(clientIds: readonly string[]): Promise<OAuthAppRecord[]>;
  /** The built-in apps and those `userId` registered, in id order. */
  listVisibleTo(userId: number): Promise<OAuthAppRecord[]>;
  /** Deletes the app and its device codes (its tokens stay, as the user's tokens). */
  delete(id: number): Promise<boolean>;
}
