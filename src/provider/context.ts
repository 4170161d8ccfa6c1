// Everything a route, hook or service needs, built once per running provider (no module-level
// state, so several providers can run in one process).
import { AccountTokenAuthenticator, authenticateAccountToken } from './auth/account-token';
import { PrincipalCache } from './auth/principal-cache';
import { boundedPasswordHasher, type PasswordHasher } from './auth/passwords';
import type { Guard } from './authz/guard';
import { defaultGuards } from './authz/guards';
import { ORGANIZATION_GUARDS } from './authz/organization-guards';
import { Clock, HOUR, systemClock } from './clock';
import { DEFAULT_RATE_LIMITS, RateLimitSettings } from './http/api-rate-limit';
import { RateLimiter } from './http/rate-limit';
import { Logger, redactingLogger } from './logger';
import type { Store } from './store/store';
import { VERSION } from './version';

export interface ProviderSettings {
  signup: 'open' | 'closed';
  /** API requests an hour (http/api-rate-limit.ts). */
  rateLimit: RateLimitSettings;
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
  /** The authorization guards every request passes, in order (see authz/guards.ts). */
  readonly guards: Guard[];
  /** Method 4 (Basic `{email}/token:{tsa_...}`); see auth/account-token.ts. */
  accountTokens: AccountTokenAuthenticator;
  /** Token look-ups by digest, kept while the store has not changed (auth/principal-cache.ts). */
  readonly principalCache: PrincipalCache;
  readonly rateLimits: {
    readonly credentialsRevoke: RateLimiter;
  };
  /** Origin the provider listens on (set once listening), e.g. `https://127.0.0.1:41234`. */
  origin: string;
  readonly version: string;
}

export function apiBase(ctx: ProviderContext): string {
  return `${ctx.origin}/api/v3`;
}

/** A context over `store` with the default guards; `log` is wrapped in the redactor. */
export function createProviderContext(
  store: Store,
  opts: {
    clock?: Clock;
    log?: Logger;
    signup?: 'open' | 'closed';
    guards?: Guard[];
    dataDir?: string;
    passwords?: PasswordHasher;
    rateLimit?: Partial<RateLimitSettings>;
  } = {},
): ProviderContext {
  const clock = opts.clock ?? systemClock;
  return {
    store,
    clock,
    log: redactingLogger(opts.log),
    passwords: opts.passwords ?? boundedPasswordHasher(),
    settings: {
      signup: opts.signup ?? 'open',
      rateLimit: {
        authenticated: opts.rateLimit?.authenticated ?? DEFAULT_RATE_LIMITS.authenticated,
        anonymous: opts.rateLimit?.anonymous ?? DEFAULT_RATE_LIMITS.anonymous,
      },
    },
    dataDir: opts.dataDir ?? '',
    guards: opts.guards ?? defaultGuards([...ORGANIZATION_GUARDS]),
    accountTokens: authenticateAccountToken,
    principalCache: new PrincipalCache(store),
    rateLimits: { credentialsRevoke: new RateLimiter(clock, 60, HOUR) },
    origin: '',
    version: VERSION,
  };
}
