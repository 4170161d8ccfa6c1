// The GitHub Enterprise Server API version the provider speaks: sent as X-GitHub-Enterprise-Version
// on every answer and as `installed_version` in GET /meta (clients pick features by it).
export const GHES_API_VERSION = '3.19.0';
