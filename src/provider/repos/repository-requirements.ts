// What reading and creating a repository require: declared once, used by the REST routes
// (routes/repositories.ts) and by GraphQL, which checks each repository it returns against the
// same requirement through the same guard list.
import type { AuthRequirement } from '../authz/requirement';
import { PRIVATE_REPOSITORY_SCOPES } from '../authz/token-access';
import { organizationResolver, selfResource } from '../orgs/org-resource';
import { repositoryClassicScopes, repositoryPermission, repositoryResource } from './repository-resource';

const ADMINISTRATION_WRITE = { group: 'repository', name: 'administration', level: 'write' } as const;

/** GET /repos/{owner}/{repo}. */
export const READ_REPOSITORY: AuthRequirement = {
  anonymous: true,
  // Tessera: admin:token (token management) may read a private repository's metadata, to make
  // tokens for it.
  classicScopes: (_r, res) => (res?.isPublic ? [] : PRIVATE_REPOSITORY_SCOPES),
  permission: repositoryPermission('metadata', 'read'),
  accountToken: true,
  resource: repositoryResource,
};

/**
 * What a repository's files need (GET /repos/{owner}/{repo}/branches, …/readme): `repo` and
 * `contents: read` for a private one, nothing for a public one.
 */
export const READ_REPOSITORY_CONTENTS: AuthRequirement = {
  anonymous: true,
  classicScopes: repositoryClassicScopes('read'),
  permission: repositoryPermission('contents', 'read'),
  accountToken: true,
  resource: repositoryResource,
};

/** PATCH /repos/{owner}/{repo}, PUT …/topics: `repo` (`public_repo` for a public one) and `administration: write`. */
export const ADMINISTER_REPOSITORY: AuthRequirement = {
  classicScopes: repositoryClassicScopes('admin'),
  permission: repositoryPermission('administration', 'write'),
  accountToken: true,
  resource: repositoryResource,
};

/** POST /user/repos. */
export const CREATE_USER_REPOSITORY: AuthRequirement = {
  classicScopes: ['repo', 'public_repo'],
  permission: ADMINISTRATION_WRITE,
  resource: selfResource,
};

/** POST /orgs/{org}/repos. */
export const CREATE_ORG_REPOSITORY: AuthRequirement = {
  classicScopes: ['repo', 'public_repo'],
  permission: ADMINISTRATION_WRITE,
  accountToken: true,
  resource: organizationResolver('member'),
};

/** GET /orgs/{org}/repos. */
export const LIST_ORG_REPOSITORIES: AuthRequirement = {
  anonymous: true,
  classicScopes: [],
  permission: { group: 'repository', name: 'metadata', level: 'read' },
  accountToken: true,
  resource: organizationResolver(null),
};
