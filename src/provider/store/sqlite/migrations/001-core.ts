// Accounts, two-factor, tokens (all kinds — the columns fine-grained and account tokens need are
// here from the start), sign-in failures, audit log.
import type { Migration } from '../migrate';

export const m001Core: Migration = {
  version: 1,
  name: 'core: users, two-factor, tokens, sign-in failures, audit',
  up: `
CREATE TABLE users (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  login TEXT NOT NULL,
  email TEXT NOT NULL,
  name TEXT,
  password_hash TEXT NOT NULL,
  site_admin INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX users_login ON users (lower(login));
CREATE UNIQUE INDEX users_email ON users (lower(email));

CREATE TABLE two_factor (
  user_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
  secret TEXT NOT NULL,
  enabled INTEGER NOT NULL DEFAULT 0,
  last_time_step INTEGER,
  created_at TEXT NOT NULL,
  enabled_at TEXT
);

CREATE TABLE recovery_codes (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  code_digest TEXT NOT NULL,
  used_at TEXT
);
CREATE INDEX recovery_codes_user ON recovery_codes (user_id, code_digest);

CREATE TABLE tokens (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  kind TEXT NOT NULL CHECK (kind IN ('classic', 'fine_grained', 'account')),
  note TEXT NOT NULL,
  description TEXT,
  note_url TEXT,
  client_id TEXT,
  fingerprint TEXT,
  scopes TEXT NOT NULL DEFAULT '[]',
  resource_owner_type TEXT CHECK (resource_owner_type IN ('User', 'Organization')),
  resource_owner_id INTEGER,
  repository_selection TEXT CHECK (repository_selection IN ('none', 'all', 'subset')),
  permissions TEXT,
  status TEXT NOT NULL CHECK (status IN ('active', 'pending', 'denied', 'expired', 'revoked')),
  justification TEXT,
  status_reason TEXT,
  expires_at TEXT,
  sudo_until TEXT,
  last_used_at TEXT,
  token_last_eight TEXT NOT NULL,
  hashed_token TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX tokens_user ON tokens (user_id, kind);
CREATE INDEX tokens_owner ON tokens (resource_owner_type, resource_owner_id);
CREATE INDEX tokens_client ON tokens (user_id, client_id, fingerprint);

CREATE TABLE sign_in_failures (
  key TEXT PRIMARY KEY,
  count INTEGER NOT NULL,
  window_start TEXT NOT NULL,
  locked_until TEXT
);

CREATE TABLE audit_events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  action TEXT NOT NULL,
  created_at TEXT NOT NULL,
  actor_id INTEGER,
  actor_login TEXT,
  user_id INTEGER,
  user_login TEXT,
  org_id INTEGER,
  org_login TEXT,
  token_id INTEGER,
  actor_ip TEXT,
  data TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_events_actor ON audit_events (actor_id, id);
CREATE INDEX audit_events_user ON audit_events (user_id, id);
CREATE INDEX audit_events_org ON audit_events (org_id, id);
`,
};
