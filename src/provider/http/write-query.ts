// A REST write (POST, PUT, PATCH, DELETE under /api/v3) takes its input in the body only: a query
// parameter there is a 422 naming it ("is not a known querystring field"), as an unknown query
// parameter of a list is, rather than dropped without a word (`POST /user/repos?private=true`
// would otherwise make a public repository). Routes that declare query parameters keep their own
// schema.
import type { FastifyInstance } from 'fastify';

const NO_QUERY = { type: 'object', additionalProperties: false, properties: {} } as const;
const READS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);

export function installWriteQueryCheck(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/api/v3/')) return;
    if ([route.method].flat().every((m) => READS.has(m))) return;
    if (route.schema?.querystring) return;
    route.schema = { ...(route.schema ?? {}), querystring: NO_QUERY };
  });
}
