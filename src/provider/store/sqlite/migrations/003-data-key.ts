// Which data key the database's encrypted secrets belong to (its id, never the key: the key is
// kept outside the database, see secrets/data-key.ts).
import type { Migration } from '../migrate';

export const m003DataKey: Migration = {
  version: 3,
  name: 'data key id',
  up: `
CREATE TABLE data_key (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  key_id TEXT NOT NULL,
  created_at TEXT NOT NULL
);
`,
  postgres: `
CREATE TABLE data_key (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  key_id TEXT NOT NULL,
  created_at TIMESTAMPTZ NOT NULL
);
`,
};
