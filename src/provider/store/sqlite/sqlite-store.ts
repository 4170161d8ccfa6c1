// The SQLite implementation of Store (node:sqlite, one connection per provider process).
import type { DatabaseSync } from 'node:sqlite';
import type { Store } from '../store';
import { SqliteAuditStore } from './audit';
import { openDatabase } from './database';
import { SqliteSignInFailureStore } from './sign-in-failures';
import { SqliteTokenStore } from './tokens';
import { SqliteTwoFactorStore } from './two-factor';
import { SqliteUserStore } from './users';

export class SqliteStore implements Store {
  readonly users: SqliteUserStore;
  readonly tokens: SqliteTokenStore;
  readonly twoFactor: SqliteTwoFactorStore;
  readonly signInFailures: SqliteSignInFailureStore;
  readonly audit: SqliteAuditStore;
  private closed = false;

  /** Use `openSqliteStore`. `db` is exposed for implementations that extend the store. */
  constructor(readonly db: DatabaseSync) {
    this.users = new SqliteUserStore(db);
    this.tokens = new SqliteTokenStore(db);
    this.twoFactor = new SqliteTwoFactorStore(db);
    this.signInFailures = new SqliteSignInFailureStore(db);
    this.audit = new SqliteAuditStore(db);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.db.close();
  }
}

/** Opens (creating and migrating as needed) `${dataDir}/tessera.db`. */
export function openSqliteStore(dataDir: string): SqliteStore {
  return new SqliteStore(openDatabase(dataDir));
}
