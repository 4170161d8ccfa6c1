// GET /-/docs/errors — the page every JSON error's documentation_url points at (http/error-docs.ts).
import type { FastifyInstance } from 'fastify';
import { OPEN_TO_ANY_CALLER } from '../authz/requirement';
import type { ProviderContext } from '../context';
import { ERROR_DOCS_PATH, errorDocsPage } from '../http/error-docs';

export function registerErrorDocsRoutes(app: FastifyInstance, _ctx: ProviderContext): void {
  const page = errorDocsPage();
  app.get(ERROR_DOCS_PATH, { config: { auth: OPEN_TO_ANY_CALLER } }, async (_request, reply) => {
    reply.type('text/html; charset=utf-8');
    // The page is static: the provider's no-store does not apply to it.
    reply.header('cache-control', 'public, max-age=3600');
    return page;
  });
}
