// Accounts. Logins and emails are unique case-insensitively.

export interface UserRecord {
  id: number;
  login: string;
  email: string;
  name: string | null;
  /** `scrypt$N$r$p$salt$hash` (see auth/passwords.ts); parameters live with the hash. */
  passwordHash: string;
  siteAdmin: boolean;
  /** True once two-factor authentication is enabled (setup alone does not count). */
  twoFactorEnabled: boolean;
  profile: UserProfile;
  createdAt: Date;
  updatedAt: Date;
}

/** GitHub's public profile fields (null when unset). */
export interface UserProfile {
  bio: string | null;
  blog: string | null;
  company: string | null;
  location: string | null;
  twitterUsername: string | null;
  hireable: boolean | null;
}

export const EMPTY_USER_PROFILE: Readonly<UserProfile> = { bio: null, blog: null, company: null, location: null, twitterUsername: null, hireable: null };

/** The profile's columns, for both stores. */
export const USER_PROFILE_COLUMNS = [
  ['bio', 'bio'],
  ['blog', 'blog'],
  ['company', 'company'],
  ['location', 'location'],
  ['twitterUsername', 'twitter_username'],
  ['hireable', 'hireable'],
] as const satisfies readonly (readonly [keyof UserProfile, string])[];

export interface NewUser {
  login: string;
  email: string;
  name?: string | null;
  passwordHash: string;
  siteAdmin: boolean;
  createdAt: Date;
}

export interface UserUpdate {
  email?: string;
  name?: string | null;
  /** The profile fields given (null clears one). */
  profile?: Partial<UserProfile>;
  updatedAt: Date;
}

export interface UserStore {
  /** Inserts a user. Throws UniqueViolation (store/errors.ts) naming `login` or `email` when taken. */
  create(user: NewUser): Promise<UserRecord>;
  /** Inserts the user as site admin when no user exists yet, as a normal user otherwise (atomic). */
  createFirstIsAdmin(user: Omit<NewUser, 'siteAdmin'>): Promise<UserRecord>;
  /** Inserts the user as site admin only when no user exists yet; else inserts nothing and answers undefined (atomic). */
  createFirst(user: Omit<NewUser, 'siteAdmin'>): Promise<UserRecord | undefined>;
  byId(id: number): Promise<UserRecord | undefined>;
  /** The users of these ids that exist, in id order. */
  byIds(ids: readonly number[]): Promise<UserRecord[]>;
  /** Case-insensitive. */
  byLogin(login: string): Promise<UserRecord | undefined>;
  /** Case-insensitive. */
  byEmail(email: string): Promise<UserRecord | undefined>;
  count(): Promise<number>;
  /** Throws UniqueViolation naming `email` when taken. */
  update(id: number, update: UserUpdate): Promise<UserRecord | undefined>;
  /**
   * The same password hashed again (stronger parameters): stores `next` only while the stored hash
   * is still `previous`, and leaves updated_at alone. False when it was not (changed meanwhile, or
   * no such user).
   */
  replacePasswordHash(id: number, previous: string, next: string): Promise<boolean>;
}
