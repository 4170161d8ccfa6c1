// API rate-limit counters (store/rate-limits.ts): one row per key, its window and its count.
import type { Migration } from '../migrate';

export const m005RateLimits: Migration = {
  version: 5,
  name: 'rate limits',
  up: `
CREATE TABLE rate_limits (
  key TEXT PRIMARY KEY,
  window_start INTEGER NOT NULL,
  used INTEGER NOT NULL
);
`,
};
