// Builds a provider context (context.ts) with its default parts: guards, password hasher, account
// tokens, principal cache, rate limits (the API's, GitHub's defaults unless given).
import { authenticateAccountToken } from './auth/account-token';
import { PrincipalCache } from './auth/principal-cache';
import { StoreVersionCache } from './store/store-version-cache';
import { boundedPasswordHasher, type PasswordHasher } from './auth/passwords';
import type { Guard } from './authz/guard';
import { defaultGuards } from './authz/guards';
import { ORGANIZATION_GUARDS } from './authz/organization-guards';
import { Clock, HOUR, MINUTE, systemClock } from './clock';
import type { ProviderContext, RateLimitSettings } from './context';
import { DEFAULT_RATE_LIMITS } from './http/api-rate-limit';
import { DEFAULT_MAX_PUSH_BYTES } from './git/push-limit';
import { RateLimiter } from './http/rate-limit';
import { RateLimitReservations } from './http/rate-limit-reservations';
import { LogSink, LogThreshold, redactingLogger } from './logger';
import { CREDENTIALS_CHECK_LIMIT } from './routes/credentials-check';
import { CREDENTIALS_REVOKE_LIMIT } from './routes/credentials-revoke';
import type { Store } from './store/store';
import { VERSION } from './version';

/** Entries each read cache keeps at most (accounts, memberships, repository counts): a team's active ones. */
const READ_CACHE_MAX_ENTRIES = 4096;

/** A context over `store` with the default guards; `log` is wrapped in the redactor. */
export function createProviderContext(
  store: Store,
  opts: {
    clock?: Clock;
    log?: LogSink;
    logLevel?: LogThreshold;
    signup?: 'open' | 'closed';
    guards?: Guard[];
    dataDir?: string;
    reposDir?: string;
    passwords?: PasswordHasher;
    rateLimit?: Partial<RateLimitSettings>;
    maxPushBytes?: number;
  } = {},
): ProviderContext {
  const clock = opts.clock ?? systemClock;
  return {
    store,
    clock,
    log: redactingLogger(opts.log, opts.logLevel),
    passwords: opts.passwords ?? boundedPasswordHasher(),
    settings: {
      signup: opts.signup ?? 'open',
      rateLimit: {
        authenticated: opts.rateLimit?.authenticated ?? DEFAULT_RATE_LIMITS.authenticated,
        anonymous: opts.rateLimit?.anonymous ?? DEFAULT_RATE_LIMITS.anonymous,
      },
      maxPushBytes: opts.maxPushBytes ?? DEFAULT_MAX_PUSH_BYTES,
    },
    dataDir: opts.dataDir ?? '',
    reposDir: opts.reposDir ?? '',
    guards: opts.guards ?? defaultGuards([...ORGANIZATION_GUARDS]),
    accountTokens: authenticateAccountToken,
    principalCache: new PrincipalCache(store),
    readCaches: {
      accounts: new StoreVersionCache(store, READ_CACHE_MAX_ENTRIES),
      repositories: new StoreVersionCache(store, READ_CACHE_MAX_ENTRIES),
      memberships: new StoreVersionCache(store, READ_CACHE_MAX_ENTRIES),
      repositoryCounts: new StoreVersionCache(store, READ_CACHE_MAX_ENTRIES),
    },
    rateLimits: {
      api: new RateLimitReservations(store.rateLimits),
      credentialsRevoke: new RateLimiter(store.rateLimits, clock, 'credentials-revoke', CREDENTIALS_REVOKE_LIMIT, HOUR),
      credentialsCheck: new RateLimiter(store.rateLimits, clock, 'credentials-check', CREDENTIALS_CHECK_LIMIT, HOUR),
      deviceCodes: new RateLimiter(store.rateLimits, clock, 'device-codes', 100, 15 * MINUTE),
    },
    origin: '',
    version: VERSION,
  };
}
