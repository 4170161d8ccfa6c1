// The provider's storage, as interfaces. Services talk only to `Store`; the SQLite implementation
// is in ./sqlite/ and another backend can be added beside it without touching services. Every
// method is async (so a networked database fits) and atomic on its own; `transaction` makes
// several calls commit together. test/provider/store-contract/ is what a backend must pass.
import type { AccountTokenStore } from './account-tokens';
import type { AuditStore } from './audit';
import type { CredentialAuthorizationStore } from './credential-authorizations';
import type { DeployKeyStore } from './deploy-keys';
import type { DeviceCodeStore } from './device-codes';
import type { FineGrainedTokenStore } from './fine-grained-tokens';
import type { MembershipStore } from './memberships';
import type { AuthorizationCodeStore } from './oauth-authorization-codes';
import type { OAuthAppStore } from './oauth-apps';
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
  readonly oauthApps: OAuthAppStore;
  readonly deviceCodes: DeviceCodeStore;
  readonly authorizationCodes: AuthorizationCodeStore;
  /**
   * Runs `fn` in a transaction: every call made through `tx` commits together when `fn`'s promise
   * resolves, and none does when it rejects (the rejection is passed on). Transactions are
   * serializable: the outcome is as if they ran one after another, and calls on this store from
   * outside a transaction never see, join or interleave with an open one's writes. A backend may
   * run `fn` again after a conflict, so `fn` does only store work through `tx` (no disk, network
   * or other side effects) and never uses this store itself. `tx.transaction` nests (a savepoint:
   * rolled back alone when its `fn` rejects).
   */
  transaction<T>(fn: (tx: Store) => Promise<T>): Promise<T>;
  /**
   * Runs the periodic job `name` (`fn`) unless it is already running — here, or (PostgreSQL) at
   * any replica sharing the database, which holds its advisory lock meanwhile: then resolves to
   * undefined without running `fn`. On SQLite the exclusion is this process's; processes sharing a
   * data folder are serialized by the job's own transaction (one writer at a time).
   */
  runExclusive<T>(name: string, fn: () => Promise<T>): Promise<T | undefined>;
  /**
   * Runs `fn` holding repository `id`'s lock, across every process and replica sharing the
   * database: renaming or deleting a repository and creating its missing bare repository on disk
   * take it, so none of them acts on a record another one is changing. `fn` gets the store to use
   * meanwhile (it may open transactions on it, but must not use this store). PostgreSQL: a session
   * advisory lock on a connection of the store's lock pool, on which `fn`'s store runs all its
   * work, so that nothing commits once the server has ended that session (waits at most the
   * store's lock timeout, then throws a busy error; once the lock is lost, `fn`'s store throws
   * busy). SQLite: a write transaction (BEGIN IMMEDIATE) held for the whole of `fn`, so it
   * excludes every other writer of the file, not only this repository's — `fn` must be short.
   * When `fn` rejects, what it wrote through the given store may be rolled back (SQLite).
   * `exclusiveOfPushes` (a rename or delete: `fn` moves the bare repository) also waits, at most the
   * lock timeout, for the pushes under way (withPushLock) to end, and holds new ones back until
   * `fn` has ended; pushes still under way then: PushUnderWayError, `fn` not run.
   */
  withRepositoryLock<T>(id: number, fn: (store: Store) => Promise<T>, options?: { exclusiveOfPushes?: boolean }): Promise<T>;
  /**
   * Runs `fn` (a git push writing into repository `id`'s bare repository) holding the repository's
   * push lock shared: pushes run side by side, a rename or delete (withRepositoryLock with
   * `exclusiveOfPushes`) waits for them, and a push waits (at most the lock timeout, then busy) for
   * one under way. `fn` may take withRepositoryLock (never `exclusiveOfPushes`). PostgreSQL: a
   * shared session advisory lock on a connection of the store's push pool; should the server end
   * that session, the loss is logged and `lockLost` aborted (`fn` is to stop its push at once).
   * SQLite: lock files in the data folder, seen by every process sharing it, `lockLost` never
   * aborted (docs/store.md says when another process may still take such a lock over).
   */
  withPushLock<T>(id: number, fn: (lockLost: AbortSignal) => Promise<T>): Promise<T>;
  /**
   * Whether `err` (thrown by one of this store's methods) means the database was busy — another
   * writer held it for longer than the store waits — rather than a bug: the caller may try again.
   */
  isBusy(err: unknown): boolean;
  /**
   * Whether `err` (thrown by one of this store's methods) means a write referred to a row that is
   * not there — a foreign key found no parent, deleted meanwhile by another request or replica
   * after the caller read it — rather than a bug: what the caller acts on is gone (404). The write
   * did not happen (nor, once the error has left it, the rest of its transaction).
   */
  isMissingReference(err: unknown): boolean;
  /**
   * The change signal for in-memory caches of stored data (auth/principal-cache.ts): a number that
   * stays the same only while nothing in the store has changed. It must move
   *  - at once (on the next call) after any write made through this store object, whatever the
   *    table, and
   *  - within one second after a commit made by any other connection or process sharing the data
   *    (SQLite: from the next event-loop turn; PostgreSQL: when its LISTEN connection hears the
   *    NOTIFY every writing transaction sends).
   * A token's last_used_at bookkeeping (TokenStore.touchLastUsed), appending to the audit log and
   * the API rate-limit counters (RateLimitStore) must not move it (no cache holds them, and they
   * are written on nearly every request). `undefined`
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
