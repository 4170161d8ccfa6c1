// GET /-/health — the extension tells a Tessera provider from another process on the port by
// `service === 'tessera'`.
import type { FastifyInstance } from 'fastify';
import type { HealthResponse } from '../../shared/api-types';
import { OPEN_TO_ANY_CALLER } from '../authz/requirement';
import type { ProviderContext } from '../context';

export function registerHealthRoutes(app: FastifyInstance, ctx: ProviderContext): void {
  app.get('/-/health', { config: { auth: OPEN_TO_ANY_CALLER } }, async (): Promise<HealthResponse> => ({
    service: 'tessera',
    version: ctx.version,
    status: 'ok',
  }));
}
