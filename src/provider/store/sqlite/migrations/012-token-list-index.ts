// A user's tokens newest first, a page at a time: the (user_id, id) order walks one user's index
// entries (the kind filter read from the index too) instead of sorting all their tokens or
// scanning everyone's by id.
import type { Migration } from '../migrate';

const SQL = `CREATE INDEX tokens_user_id ON tokens (user_id, id, kind);`;

export const m012TokenListIndex: Migration = {
  version: 12,
  name: "index for a user's token list",
  up: SQL,
  postgres: SQL,
};
