// GET /-/health — the extension tells a Tessera provider from another process on the port by
// `service === 'tessera'`.
import type { FastifyInstance } from 'fastify';
import type { HealthResponse } from '../../shared/api-types';
import type { ProviderContext } from '../context';

export function registerHealthRoutes(app: FastifyInstance, ctx: ProviderContext): void {
  // Anonymous, and open to any credentials a client sends along (a token of any kind or scope):
  // credentials that are sent are still checked, so bad ones answer 401.
  app.get('/-/health', { config: { auth: { anonymous: true, classicScopes: [], permission: 'none', accountToken: true } } }, async (): Promise<HealthResponse> => ({
    service: 'tessera',
    version: ctx.version,
    status: 'ok',
  }));
}
