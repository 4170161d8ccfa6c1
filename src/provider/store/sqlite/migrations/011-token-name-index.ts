// The name check made when a token is created or renamed (a live token of the user with this kind
// and name) reads one index entry instead of every token of the user's kind.
import type { Migration } from '../migrate';

const SQL = `CREATE INDEX tokens_user_kind_note ON tokens (user_id, kind, note);`;

export const m011TokenNameIndex: Migration = {
  version: 11,
  name: "index for a token's name check",
  up: SQL,
  postgres: SQL,
};
