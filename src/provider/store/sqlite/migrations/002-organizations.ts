// Organizations (with their token policy), memberships, repositories, deploy keys, fine-grained
// token selections and lifetimes, the approval queue and grants, SSO credential authorizations
// and account API tokens.
import type { Migration } from '../migrate';

export const m002Organizations: Migration = {
  version: 2,
  name: 'organizations, memberships, repositories, deploy keys, approvals, SSO, account tokens',
  up: `
CREATE TABLE organizations (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  login TEXT NOT NULL,
  name TEXT,
  description TEXT,
  created_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
  classic_tokens TEXT NOT NULL DEFAULT 'allowed' CHECK (classic_tokens IN ('allowed', 'restricted')),
  require_approval INTEGER NOT NULL DEFAULT 0,
  max_lifetime_classic INTEGER CHECK (max_lifetime_classic BETWEEN 1 AND 366),
  max_lifetime_fine_grained INTEGER NOT NULL DEFAULT 366 CHECK (max_lifetime_fine_grained BETWEEN 1 AND 366),
  sso_required INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX organizations_login ON organizations (lower(login));

-- Users and organizations share one login namespace (as on GitHub).
CREATE TRIGGER organizations_login_not_a_user BEFORE INSERT ON organizations
  WHEN EXISTS (SELECT 1 FROM users WHERE lower(login) = lower(NEW.login))
  BEGIN SELECT RAISE(ABORT, 'UNIQUE constraint failed: organizations.login'); END;
CREATE TRIGGER users_login_not_an_organization BEFORE INSERT ON users
  WHEN EXISTS (SELECT 1 FROM organizations WHERE lower(login) = lower(NEW.login))
  BEGIN SELECT RAISE(ABORT, 'UNIQUE constraint failed: users.login'); END;

CREATE TABLE org_memberships (
  org_id INTEGER NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  role TEXT NOT NULL CHECK (role IN ('owner', 'member')),
  state TEXT NOT NULL CHECK (state IN ('active', 'pending')),
  invited_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (org_id, user_id)
);
CREATE INDEX org_memberships_user ON org_memberships (user_id, state);

CREATE TABLE repositories (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  owner_type TEXT NOT NULL CHECK (owner_type IN ('User', 'Organization')),
  owner_id INTEGER NOT NULL,
  name TEXT NOT NULL,
  description TEXT,
  private INTEGER NOT NULL DEFAULT 0,
  default_branch TEXT NOT NULL DEFAULT 'main',
  created_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  pushed_at TEXT
);
CREATE UNIQUE INDEX repositories_owner_name ON repositories (owner_type, owner_id, lower(name));
CREATE INDEX repositories_private ON repositories (private);
CREATE TRIGGER users_delete_repositories AFTER DELETE ON users
  BEGIN DELETE FROM repositories WHERE owner_type = 'User' AND owner_id = OLD.id; END;
CREATE TRIGGER organizations_delete_repositories AFTER DELETE ON organizations
  BEGIN DELETE FROM repositories WHERE owner_type = 'Organization' AND owner_id = OLD.id; END;

CREATE TABLE deploy_keys (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  repository_id INTEGER NOT NULL REFERENCES repositories(id) ON DELETE CASCADE,
  title TEXT NOT NULL,
  key TEXT NOT NULL,
  read_only INTEGER NOT NULL DEFAULT 1,
  added_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
  token_id INTEGER REFERENCES tokens(id) ON DELETE CASCADE,
  created_at TEXT NOT NULL,
  last_used_at TEXT
);
CREATE UNIQUE INDEX deploy_keys_key ON deploy_keys (key);
CREATE INDEX deploy_keys_repository ON deploy_keys (repository_id, id);
CREATE INDEX deploy_keys_token ON deploy_keys (token_id);

CREATE TABLE token_repositories (
  token_id INTEGER NOT NULL REFERENCES tokens(id) ON DELETE CASCADE,
  repository_id INTEGER NOT NULL REFERENCES repositories(id) ON DELETE CASCADE,
  PRIMARY KEY (token_id, repository_id)
);
CREATE INDEX token_repositories_repository ON token_repositories (repository_id);

CREATE TABLE token_issuance (
  token_id INTEGER PRIMARY KEY REFERENCES tokens(id) ON DELETE CASCADE,
  issued_at TEXT NOT NULL
);

CREATE TABLE token_requests (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  org_id INTEGER NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  token_id INTEGER NOT NULL REFERENCES tokens(id) ON DELETE CASCADE,
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'denied', 'cancelled')),
  justification TEXT,
  review_reason TEXT,
  reviewer_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
  created_at TEXT NOT NULL,
  reviewed_at TEXT
);
CREATE INDEX token_requests_org ON token_requests (org_id, status, id);
CREATE INDEX token_requests_token ON token_requests (token_id, status);

CREATE TABLE token_grants (
  token_id INTEGER PRIMARY KEY REFERENCES tokens(id) ON DELETE CASCADE,
  org_id INTEGER NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  granted_at TEXT NOT NULL,
  granted_by INTEGER REFERENCES users(id) ON DELETE SET NULL
);
CREATE INDEX token_grants_org ON token_grants (org_id, token_id);

CREATE TABLE credential_authorizations (
  org_id INTEGER NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  token_id INTEGER NOT NULL REFERENCES tokens(id) ON DELETE CASCADE,
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  authorized_at TEXT NOT NULL,
  accessed_at TEXT,
  PRIMARY KEY (org_id, token_id)
);
CREATE INDEX credential_authorizations_token ON credential_authorizations (token_id);

CREATE TABLE account_tokens (
  token_id INTEGER PRIMARY KEY REFERENCES tokens(id) ON DELETE CASCADE,
  org_id INTEGER NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  active INTEGER NOT NULL DEFAULT 1,
  deactivated_at TEXT
);
CREATE INDEX account_tokens_org ON account_tokens (org_id);
`,
  postgres: `
CREATE TABLE organizations (
  id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  login TEXT NOT NULL,
  name TEXT,
  description TEXT,
  created_by BIGINT REFERENCES users(id) ON DELETE SET NULL,
  classic_tokens TEXT NOT NULL DEFAULT 'allowed' CHECK (classic_tokens IN ('allowed', 'restricted')),
  require_approval BOOLEAN NOT NULL DEFAULT FALSE,
  max_lifetime_classic INTEGER CHECK (max_lifetime_classic BETWEEN 1 AND 366),
  max_lifetime_fine_grained INTEGER NOT NULL DEFAULT 366 CHECK (max_lifetime_fine_grained BETWEEN 1 AND 366),
  sso_required BOOLEAN NOT NULL DEFAULT FALSE,
  created_at TIMESTAMPTZ NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX organizations_login ON organizations (lower(login));

-- Users and organizations share one login namespace (as on GitHub): every login is also a row of
-- account_logins, whose primary key refuses a second one whatever the isolation level or timing.
CREATE TABLE account_logins (login TEXT PRIMARY KEY);
CREATE FUNCTION tessera_claim_login() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  IF TG_OP = 'DELETE' THEN
    DELETE FROM account_logins WHERE login = lower(OLD.login);
    RETURN OLD;
  END IF;
  BEGIN
    INSERT INTO account_logins (login) VALUES (lower(NEW.login));
  EXCEPTION WHEN unique_violation THEN
    RAISE EXCEPTION 'login is taken' USING ERRCODE = 'unique_violation', CONSTRAINT = TG_TABLE_NAME || '_login';
  END;
  RETURN NEW;
END
$fn$;
INSERT INTO account_logins (login) SELECT lower(login) FROM users;
CREATE TRIGGER users_claim_login BEFORE INSERT OR DELETE ON users FOR EACH ROW EXECUTE FUNCTION tessera_claim_login();
CREATE TRIGGER organizations_claim_login BEFORE INSERT OR DELETE ON organizations FOR EACH ROW EXECUTE FUNCTION tessera_claim_login();

CREATE TABLE org_memberships (
  org_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  role TEXT NOT NULL CHECK (role IN ('owner', 'member')),
  state TEXT NOT NULL CHECK (state IN ('active', 'pending')),
  invited_by BIGINT REFERENCES users(id) ON DELETE SET NULL,
  created_at TIMESTAMPTZ NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (org_id, user_id)
);
CREATE INDEX org_memberships_user ON org_memberships (user_id, state);

CREATE TABLE repositories (
  id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  owner_type TEXT NOT NULL CHECK (owner_type IN ('User', 'Organization')),
  owner_id BIGINT NOT NULL,
  name TEXT NOT NULL,
  description TEXT,
  private BOOLEAN NOT NULL DEFAULT FALSE,
  default_branch TEXT NOT NULL DEFAULT 'main',
  created_by BIGINT REFERENCES users(id) ON DELETE SET NULL,
  created_at TIMESTAMPTZ NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL,
  pushed_at TIMESTAMPTZ
);
CREATE UNIQUE INDEX repositories_owner_name ON repositories (owner_type, owner_id, lower(name));
CREATE INDEX repositories_private ON repositories (private);
CREATE FUNCTION tessera_delete_owned_repositories() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  DELETE FROM repositories WHERE owner_type = TG_ARGV[0] AND owner_id = OLD.id;
  RETURN NULL;
END
$fn$;
CREATE TRIGGER users_delete_repositories AFTER DELETE ON users FOR EACH ROW EXECUTE FUNCTION tessera_delete_owned_repositories('User');
CREATE TRIGGER organizations_delete_repositories AFTER DELETE ON organizations FOR EACH ROW EXECUTE FUNCTION tessera_delete_owned_repositories('Organization');

CREATE TABLE deploy_keys (
  id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  repository_id BIGINT NOT NULL REFERENCES repositories(id) ON DELETE CASCADE,
  title TEXT NOT NULL,
  key TEXT NOT NULL,
  read_only BOOLEAN NOT NULL DEFAULT TRUE,
  added_by BIGINT REFERENCES users(id) ON DELETE SET NULL,
  token_id BIGINT REFERENCES tokens(id) ON DELETE CASCADE,
  created_at TIMESTAMPTZ NOT NULL,
  last_used_at TIMESTAMPTZ
);
CREATE UNIQUE INDEX deploy_keys_key ON deploy_keys (key);
CREATE INDEX deploy_keys_repository ON deploy_keys (repository_id, id);
CREATE INDEX deploy_keys_token ON deploy_keys (token_id);

CREATE TABLE token_repositories (
  token_id BIGINT NOT NULL REFERENCES tokens(id) ON DELETE CASCADE,
  repository_id BIGINT NOT NULL REFERENCES repositories(id) ON DELETE CASCADE,
  PRIMARY KEY (token_id, repository_id)
);
CREATE INDEX token_repositories_repository ON token_repositories (repository_id);

CREATE TABLE token_issuance (
  token_id BIGINT PRIMARY KEY REFERENCES tokens(id) ON DELETE CASCADE,
  issued_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE token_requests (
  id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  org_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  token_id BIGINT NOT NULL REFERENCES tokens(id) ON DELETE CASCADE,
  user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'denied', 'cancelled')),
  justification TEXT,
  review_reason TEXT,
  reviewer_id BIGINT REFERENCES users(id) ON DELETE SET NULL,
  created_at TIMESTAMPTZ NOT NULL,
  reviewed_at TIMESTAMPTZ
);
CREATE INDEX token_requests_org ON token_requests (org_id, status, id);
CREATE INDEX token_requests_token ON token_requests (token_id, status);

CREATE TABLE token_grants (
  token_id BIGINT PRIMARY KEY REFERENCES tokens(id) ON DELETE CASCADE,
  org_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  granted_at TIMESTAMPTZ NOT NULL,
  granted_by BIGINT REFERENCES users(id) ON DELETE SET NULL
);
CREATE INDEX token_grants_org ON token_grants (org_id, token_id);

CREATE TABLE credential_authorizations (
  org_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  token_id BIGINT NOT NULL REFERENCES tokens(id) ON DELETE CASCADE,
  user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  authorized_at TIMESTAMPTZ NOT NULL,
  accessed_at TIMESTAMPTZ,
  PRIMARY KEY (org_id, token_id)
);
CREATE INDEX credential_authorizations_token ON credential_authorizations (token_id);

CREATE TABLE account_tokens (
  token_id BIGINT PRIMARY KEY REFERENCES tokens(id) ON DELETE CASCADE,
  org_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  active BOOLEAN NOT NULL DEFAULT TRUE,
  deactivated_at TIMESTAMPTZ
);
CREATE INDEX account_tokens_org ON account_tokens (org_id);
`,
};
