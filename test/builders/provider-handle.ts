// The provider a builder talks to: its API client and, when the test owns it, its movable clock.
// A TestProvider (provider tests, and UI/extension-host tests that start their own provider) is
// one; so is `{ api }` around a client of the extension's embedded provider, which runs on real time.
import type { ApiClient } from './api-client';

interface MovableClock {
  now(): Date;
  advance(ms: number): void;
}

export interface ProviderHandle {
  readonly api: ApiClient;
  /** The provider's clock when the test can move it; absent: the provider reads real time. */
  readonly clock?: MovableClock;
}
