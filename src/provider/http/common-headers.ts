// Headers every answer of the provider carries, from this one list: set by the authorization hook
// for every routed request (authz/authorize.ts), by the Host check for the requests it refuses
// before that (http/served-hosts.ts), and on the raw 408 of the body deadline
// (http/connection-limits.ts).
import type { FastifyReply } from 'fastify';

export const COMMON_HEADERS: readonly (readonly [name: string, value: string])[] = [
  ['cache-control', 'no-store'],
  ['x-content-type-options', 'nosniff'],
];

export function setCommonHeaders(reply: FastifyReply): void {
  for (const [name, value] of COMMON_HEADERS) reply.header(name, value);
}
