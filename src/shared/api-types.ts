// Request and response bodies of the provider's HTTP API (GitHub's field names, snake_case): the
// one definition, typed into the provider's serializers and read by the extension's API client.
export * from './api/errors';
export * from './api/health';
export * from './api/events';
export * from './api/users';
export * from './api/two-factor';
export * from './api/sudo';
export * from './api/tokens';
export * from './api/authorizations';
export * from './api/organizations';
export * from './api/repositories';
export * from './api/token-policy';
export * from './api/approvals';
export * from './api/audit';
export * from './api/discovery';
export * from './api/oauth';
