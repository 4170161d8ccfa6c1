// Everything a route, hook or service needs, built once per running provider (no module-level
// state, so several providers can run in one process).
import type { Guard } from './authz/guard';
import type { Clock } from './clock';
import type { Logger } from './logger';
import type { Store } from './store/store';
import type { RateLimiter } from './http/rate-limit';
import type { AccountTokenAuthenticator } from './auth/account-token';

export interface ProviderSettings {
  signup: 'open' | 'closed';
}

export interface ProviderContext {
  readonly store: Store;
  readonly clock: Clock;
  readonly log: Logger;
  readonly settings: ProviderSettings;
  /** The authorization guards every request passes, in order (see authz/guards.ts). */
  readonly guards: Guard[];
  /** Method 4 (Basic `{email}/token:{tsa_...}`); see auth/account-token.ts. */
  accountTokens: AccountTokenAuthenticator;
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
