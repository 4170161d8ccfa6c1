// The names of the entries the provider makes in its data folder, in one leaf module (no imports):
// the code that makes them and the check of what a data folder may hold (secrets/foreign-entries.ts).

/** The SQLite database (with its -wal and -shm beside it). */
export const DATABASE_FILE = 'tessera.db';
/** The data key (secrets/data-key.ts). */
export const DATA_KEY_FILE = 'secret.key';
/** The local CA and the server certificate (tls/local-ca.ts). */
export const TLS_FOLDER = 'tls';
/** The bare repositories, without --repos (git/bare-repos.ts). */
export const REPOSITORIES_FOLDER = 'repositories';
/** The SQLite store's push locks, one file per holder (store/sqlite/push-locks.ts). */
export const PUSH_LOCKS_FOLDER = 'push-locks';
