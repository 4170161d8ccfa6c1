// The provider's storage, as interfaces. Routes and services talk only to `Store`; the SQLite
// implementation is in ./sqlite/ and a PostgreSQL one can be added beside it without touching
// routes. Every method is atomic on its own (no transactions span several calls), and async so
// a networked database fits.
import type { AccountTokenStore } from './account-tokens';
import type { AuditStore } from './audit';
import type { CredentialAuthorizationStore } from './credential-authorizations';
import type { DeployKeyStore } from './deploy-keys';
import type { FineGrainedTokenStore } from './fine-grained-tokens';
import type { MembershipStore } from './memberships';
import type { OrganizationStore } from './organizations';
import type { RateLimitStore } from './rate-limits';
import type { RepositoryStore } from './repositories';
import type { SignInFailureStore } from './sign-in-failures';
import type { TokenRequestStore } from './token-requests';
import type { TokenStore } from './tokens';
import type { TwoFactorStore } from './two-factor';
import type { UserStore } from './users';

export interface Store {
  readonly users: UserStore;
  readonly tokens: TokenStore;
  readonly twoFactor: TwoFactorStore;
  readonly signInFailures: SignInFailureStore;
  readonly audit: AuditStore;
  // Organizations, repositories and what fine-grained / account tokens need (issue 4).
  readonly organizations: OrganizationStore;
  readonly memberships: MembershipStore;
  readonly repositories: RepositoryStore;
  readonly deployKeys: DeployKeyStore;
  readonly fineGrainedTokens: FineGrainedTokenStore;
  readonly tokenRequests: TokenRequestStore;
  readonly credentialAuthorizations: CredentialAuthorizationStore;
  readonly accountTokens: AccountTokenStore;
  /** API rate-limit counters, shared by every process on the store. */
  readonly rateLimits: RateLimitStore;
  /**
   * Whether `err` (thrown by one of this store's methods) means the database was busy — another
   * writer held it for longer than the store waits — rather than a bug: the caller may try again.
   */
  isBusy(err: unknown): boolean;
  /**
   * The change signal for in-memory caches of stored data (auth/principal-cache.ts): a number that
   * stays the same only while nothing in the store has changed. It must move
   *  - at once (on the next call) after any write made through this store object, whatever the
   *    table, and
   *  - within one second after a commit made by any other connection or process sharing the data
   *    (SQLite: from the next event-loop turn; PostgreSQL: when its LISTEN connection hears the
   *    NOTIFY every writing transaction sends).
   * A token's last_used_at bookkeeping (TokenStore.touchLastUsed) and appending to the audit log
   * need not move it (no cache holds them). `undefined`
   * when the store cannot tell right now (inside an open transaction, a lost LISTEN connection):
   * callers must then neither use nor fill a cache. Synchronous and cheap: called on every request.
   */
  changeVersion(): number | undefined;
  close(): Promise<void>;
}

export type { AuditStore, AuditEventRecord, NewAuditEvent, AuditQuery } from './audit';
export type { RateLimitStore, RateLimitCount } from './rate-limits';
export type { SignInFailureStore, FailureState } from './sign-in-failures';
export type { TokenStore, TokenRecord, NewToken, TokenUpdate, TokenQuery, TokenStatus, RepositorySelection, ResourceOwnerType } from './tokens';
export type { TwoFactorStore, TwoFactorRecord } from './two-factor';
export type { UserStore, UserRecord, NewUser, UserUpdate } from './users';
export { UniqueViolation } from './errors';
