// A rate-limit count can be reserved a block at a time (store/rate-limits.ts hit's `units`):
// `granted` is how many units the row's last hit gave out within the limit, returned with it.
import type { Migration } from '../migrate';

const SQL = `ALTER TABLE rate_limits ADD COLUMN granted INTEGER NOT NULL DEFAULT 0;`;

export const m014RateLimitBlocks: Migration = {
  version: 14,
  name: 'rate-limit counts reserved in blocks',
  up: SQL,
  postgres: SQL,
};
