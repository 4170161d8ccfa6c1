// The provider's routes sorted by how ghes-schema.test.ts checks them: those only GitHub Enterprise
// Cloud documents, those that never succeed on Tessera, those that answer without credentials, and
// Tessera's own (GitHub has no such REST route).

/** Routes GHES 3.19 does not document and GitHub Enterprise Cloud does: validated against GHEC's description. */
export const GHEC_ONLY = new Set([
  'POST /credentials/revoke',
  'GET /orgs/{org}/credential-authorizations',
  'DELETE /orgs/{org}/credential-authorizations/{credential_id}',
  'GET /orgs/{org}/invitations',
]);

/** Routes GitHub documents that never succeed on Tessera: adding a user's SSH key (git is HTTPS only), GPG key or SSH signing key (no signatures are verified). */
export const NEVER_SUCCEED = new Set(['POST /user/keys', 'POST /user/gpg_keys', 'POST /user/ssh_signing_keys']);

/** Routes GitHub documents that answer callers without credentials (public profiles, public repositories, discovery). */
export const ANONYMOUS = new Set([
  'GET /',
  'GET /meta',
  'GET /rate_limit',
  'GET /users/{username}',
  'GET /users/{username}/repos',
  'POST /credentials/revoke',
  'GET /orgs/{org}',
  'GET /orgs/{org}/repos',
  'GET /repos/{owner}/{repo}',
  'GET /repos/{owner}/{repo}/topics',
  'GET /repos/{owner}/{repo}/branches',
  'GET /repos/{owner}/{repo}/branches/{branch}',
  'GET /repos/{owner}/{repo}/readme',
]);

/** Routes GitHub's REST API does not have: Tessera's own. */
export const TESSERA_ONLY = new Set([
  // Outside the REST API: health, the error documentation, the change stream, avatars, GraphQL, git over HTTPS.
  'GET /-/health',
  'GET /-/events',
  'GET /-/docs/errors',
  'GET /avatars/u/{id}',
  'GET /avatars/o/{id}',
  'POST /api/graphql',
  'GET /{owner}/{repo}/info/refs',
  'POST /{owner}/{repo}/git-upload-pack',
  'POST /{owner}/{repo}/git-receive-pack',
  // OAuth's device and web flows: GitHub serves them on its web host (/login/…), outside the REST
  // API; and Tessera's own management of OAuth apps and device authorizations.
  'POST /login/device/code',
  'POST /login/oauth/access_token',
  'GET /login/device',
  'POST /login/device',
  'POST /login/device/confirm',
  'GET /login/oauth/authorize',
  'POST /login/oauth/authorize',
  'POST /login/oauth/authorize/confirm',
  'GET /user/oauth-apps',
  'POST /user/oauth-apps',
  'DELETE /user/oauth-apps/{client_id}',
  // Checking tokens without using them (a client whose sign-in ended, holding tokens it cannot list).
  'POST /credentials/check',
  'POST /user/device-authorizations/lookup',
  'POST /user/device-authorizations',
  'POST /user/device-authorizations/deny',
  'GET /user/device-authorizations/{id}',
  // Sign-up and organizations created by users (GHES has only the site-admin /admin/* forms).
  'POST /users',
  'POST /user/orgs',
  // Two-factor set-up, sudo, the user's audit log.
  'GET /user/two-factor',
  'POST /user/two-factor/setup',
  'POST /user/two-factor/enable',
  'POST /user/two-factor/recovery-codes',
  'POST /user/two-factor/disable',
  'POST /user/sudo',
  'GET /user/audit-log',
  // Managing one's own classic and fine-grained tokens.
  'GET /user/personal-access-tokens',
  'POST /user/personal-access-tokens',
  'GET /user/personal-access-tokens/{id}',
  'PATCH /user/personal-access-tokens/{id}',
  'POST /user/personal-access-tokens/{id}/expire',
  'POST /user/personal-access-tokens/{id}/regenerate',
  'DELETE /user/personal-access-tokens/{id}',
  // Authorizing one's own token for an organization's SSO (GitHub does this in its web UI).
  'POST /orgs/{org}/credential-authorizations',
  // An organization's token policy and its account tokens.
  'GET /orgs/{org}/personal-access-token-policy',
  'PATCH /orgs/{org}/personal-access-token-policy',
  'GET /orgs/{org}/account-tokens',
  'POST /orgs/{org}/account-tokens',
  'GET /orgs/{org}/account-tokens/{id}',
  'PATCH /orgs/{org}/account-tokens/{id}',
  'DELETE /orgs/{org}/account-tokens/{id}',
]);
