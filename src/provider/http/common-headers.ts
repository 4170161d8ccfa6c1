// Headers every answer of the provider carries: set by the authorization hook (authz/authorize.ts)
// and by the fast lane in front of Fastify (routes/user-fast-lane.ts), from this one list.
export const COMMON_HEADERS: readonly (readonly [name: string, value: string])[] = [
  ['cache-control', 'no-store'],
  ['x-content-type-options', 'nosniff'],
];
