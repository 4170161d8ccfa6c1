// The sign-in attempts of a login that names no user were counted under the text typed
// (`login:<text>`), which kept a password typed into the login field, or a token sent as a Basic
// username, in the database. They are counted under a digest of it now (auth/lockout.ts): the
// counts kept under the text are dropped (at worst an unknown login's count starts over).
import type { Migration } from '../migrate';

const SQL = `DELETE FROM sign_in_attempts WHERE key LIKE 'login:%';
DELETE FROM sign_in_failures WHERE key LIKE 'login:%';`;

export const m015SignInLoginDigests: Migration = {
  version: 15,
  name: 'sign-in counts of unknown logins kept by digest',
  up: SQL,
  postgres: SQL,
};
