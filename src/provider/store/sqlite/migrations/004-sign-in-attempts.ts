// Sign-in attempts in flight: an attempt is reserved here before its secret is checked, so the
// failures already counted plus the attempts still being checked never pass the lockout threshold.
// Locks are per account now: the per-address rows go.
import type { Migration } from '../migrate';

export const m004SignInAttempts: Migration = {
  version: 4,
  name: 'sign-in attempt reservations; no per-address lock',
  up: `
CREATE TABLE sign_in_attempts (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  key TEXT NOT NULL,
  reserved_at TEXT NOT NULL
);
CREATE INDEX sign_in_attempts_key ON sign_in_attempts (key, reserved_at);
DELETE FROM sign_in_failures WHERE key LIKE 'ip:%';
`,
};
