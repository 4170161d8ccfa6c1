// The SQLite implementation of Store (node:sqlite, one connection per provider process).
import type { DatabaseSync } from 'node:sqlite';
import type { Store } from '../store';
import { SqliteAccountTokenStore } from './account-tokens';
import { SqliteAuditStore } from './audit';
import { SqliteChangeVersion } from './change-version';
import { SqliteCredentialAuthorizationStore } from './credential-authorizations';
import { SqliteDeployKeyStore } from './deploy-keys';
import { SqliteFineGrainedTokenStore } from './fine-grained-tokens';
import { SqliteMembershipStore } from './memberships';
import { SqliteOrganizationStore } from './organizations';
import { SqliteRepositoryStore } from './repositories';
import { keyFileSource, type DataKeySource, unlockDataKey } from '../../secrets/data-key';
import type { SecretBox } from '../../secrets/secret-box';
import { openDatabase } from './database';
import { SqliteRateLimitStore } from './rate-limits';
import { isSqliteBusy } from './rows';
import { SqliteSignInFailureStore } from './sign-in-failures';
import { SqliteTokenRequestStore } from './token-requests';
import { SqliteTokenStore } from './tokens';
import { holdsSealedTwoFactorSecrets, SqliteTwoFactorStore } from './two-factor';
import { SqliteUserStore } from './users';

export class SqliteStore implements Store {
  readonly users: SqliteUserStore;
  readonly tokens: SqliteTokenStore;
  readonly twoFactor: SqliteTwoFactorStore;
  readonly signInFailures: SqliteSignInFailureStore;
  readonly audit: SqliteAuditStore;
  readonly organizations: SqliteOrganizationStore;
  readonly memberships: SqliteMembershipStore;
  readonly repositories: SqliteRepositoryStore;
  readonly deployKeys: SqliteDeployKeyStore;
  readonly fineGrainedTokens: SqliteFineGrainedTokenStore;
  readonly tokenRequests: SqliteTokenRequestStore;
  readonly credentialAuthorizations: SqliteCredentialAuthorizationStore;
  readonly accountTokens: SqliteAccountTokenStore;
  private readonly changes: SqliteChangeVersion;
  readonly rateLimits: SqliteRateLimitStore;
  private closed = false;

  /**
   * Use `openSqliteStore`. `db` is exposed for implementations that extend the store; `box`
   * holds the data key the database's secrets are encrypted with.
   */
  constructor(
    readonly db: DatabaseSync,
    box: SecretBox,
  ) {
    this.changes = new SqliteChangeVersion(db);
    this.users = new SqliteUserStore(db);
    this.tokens = new SqliteTokenStore(db, this.changes);
    this.twoFactor = new SqliteTwoFactorStore(db, box);
    this.signInFailures = new SqliteSignInFailureStore(db);
    this.audit = new SqliteAuditStore(db, this.changes);
    this.organizations = new SqliteOrganizationStore(db);
    this.memberships = new SqliteMembershipStore(db);
    this.repositories = new SqliteRepositoryStore(db);
    this.deployKeys = new SqliteDeployKeyStore(db);
    this.fineGrainedTokens = new SqliteFineGrainedTokenStore(db, (id) => this.tokens.byId(id));
    this.tokenRequests = new SqliteTokenRequestStore(db);
    this.credentialAuthorizations = new SqliteCredentialAuthorizationStore(db);
    this.accountTokens = new SqliteAccountTokenStore(db);
    this.rateLimits = new SqliteRateLimitStore(db, this.changes);
  }

  isBusy(err: unknown): boolean {
    return isSqliteBusy(err);
  }

  changeVersion(): number | undefined {
    return this.changes.current();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.db.close();
  }
}

/**
 * Opens (creating and migrating as needed) `${dataDir}/tessera.db`, unlocks its secrets with the
 * data key from `dataKey` (default: the key file in `dataDir`) and encrypts any stored in clear.
 */
export async function openSqliteStore(dataDir: string, dataKey: DataKeySource = keyFileSource(dataDir)): Promise<SqliteStore> {
  const db = openDatabase(dataDir);
  try {
    const box = await unlockDataKey(db, dataKey, { dataDir, holdsSealedSecrets: () => holdsSealedTwoFactorSecrets(db) });
    const store = new SqliteStore(db, box);
    store.twoFactor.sealPlaintextSecrets();
    return store;
  } catch (err) {
    db.close();
    throw err;
  }
}
