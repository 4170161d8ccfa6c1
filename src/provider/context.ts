// Everything a route, hook or service needs, built once per running provider (no module-level
// state, so several providers can run in one process). Types only (and apiBase): the wiring that
// builds a context is create-context.ts, so modules the context's parts import can import this.
import type { AccountTokenAuthenticator } from './auth/account-token';
import type { PrincipalCache } from './auth/principal-cache';
import type { AccountOwner } from './repos/account-owner';
import type { MembershipRecord } from './store/memberships';
import type { RepositoryCounts, RepositoryRecord } from './store/repositories';
import type { StoreVersionCache } from './store/store-version-cache';
import type { PasswordHasher } from './auth/passwords';
import type { Guard } from './authz/guard';
import type { Clock } from './clock';
import type { RateLimiter } from './http/rate-limit';
import type { RateLimitReservations } from './http/rate-limit-reservations';
import type { Logger } from './logger';
import type { Store } from './store/store';

/** API requests an hour (http/api-rate-limit.ts). */
export interface RateLimitSettings {
  /** For each authenticated user (or account API token). GitHub: 5,000. */
  authenticated: number;
  /** For each client address without credentials. GitHub: 60. */
  anonymous: number;
}

interface ProviderSettings {
  signup: 'open' | 'closed';
  rateLimit: RateLimitSettings;
  /** The largest pack one push may send, in bytes (git's receive.maxInputSize). GitHub: 2 GiB. */
  maxPushBytes: number;
}

export interface ProviderContext {
  readonly store: Store;
  readonly clock: Clock;
  readonly log: Logger;
  /** Every password hash and verification goes through this (a bounded number at once). */
  readonly passwords: PasswordHasher;
  readonly settings: ProviderSettings;
  /** The provider's data folder (absolute; '' when the context has none, e.g. in some tests). */
  readonly dataDir: string;
  /** Where the bare repositories are kept (absolute; '' = `repositories` in the data folder). */
  readonly reposDir: string;
  /** The authorization guards every request passes, in order (see authz/guards.ts). */
  readonly guards: Guard[];
  /** Method 4 (Basic `{email}/token:{tsa_...}`); see auth/account-token.ts. */
  accountTokens: AccountTokenAuthenticator;
  /** Token look-ups by digest, kept while the store has not changed (auth/principal-cache.ts). */
  readonly principalCache: PrincipalCache;
  /** Accounts by login or id, their repository counts, repositories by name and org memberships, kept while the store has not changed (repos/account-owner.ts, repos/repository-counts.ts, repos/repository-by-name.ts, orgs/org-roles.ts). */
  readonly readCaches: {
    readonly accounts: StoreVersionCache<AccountOwner>;
    readonly repositories: StoreVersionCache<RepositoryRecord>;
    readonly memberships: StoreVersionCache<MembershipRecord>;
    readonly repositoryCounts: StoreVersionCache<RepositoryCounts>;
  };
  readonly rateLimits: {
    /** The API rate limit's counts, reserved from the store in blocks (http/rate-limit-reservations.ts). */
    readonly api: RateLimitReservations;
    readonly credentialsRevoke: RateLimiter;
    /** POST /credentials/check, per client address. */
    readonly credentialsCheck: RateLimiter;
    /** POST /login/device/code, per client address (anyone may ask for device codes). */
    readonly deviceCodes: RateLimiter;
  };
  /** Origin the provider listens on (set once listening), e.g. `https://127.0.0.1:41234`. */
  origin: string;
  readonly version: string;
}

export function apiBase(ctx: ProviderContext): string {
  return `${ctx.origin}/api/v3`;
}
