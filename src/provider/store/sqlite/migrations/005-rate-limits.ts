// API rate-limit counters (store/rate-limits.ts): one row per key, its window and its count.
import type { Migration } from '../migrate';

export const m005RateLimits: Migration = {
  version: 5,
  name: 'API rate-limit counters',
  up: `
CREATE TABLE rate_limits (
  key TEXT PRIMARY KEY,
  window_start TEXT NOT NULL,
  used INTEGER NOT NULL
);
CREATE INDEX rate_limits_window ON rate_limits (window_start);
`,
  postgres: `
CREATE TABLE rate_limits (
  key TEXT PRIMARY KEY,
  window_start TIMESTAMPTZ NOT NULL,
  used INTEGER NOT NULL
);
CREATE INDEX rate_limits_window ON rate_limits (window_start);
`,
};
