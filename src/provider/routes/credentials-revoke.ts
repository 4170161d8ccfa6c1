// POST /credentials/revoke {credentials: [...]} — GitHub's unauthenticated revocation of leaked
// tokens: at most 1000 per call, rate-limited per client address, answers 202 whatever the
// tokens were (it never tells whether one existed).
import type { FastifyInstance } from 'fastify';
import type { RevokeCredentialsRequest } from '../../shared/api-types';
import type { ProviderContext } from '../context';
import { HttpError } from '../http/errors';
import { revokeLeakedCredentials } from '../tokens/leaked-credential-service';

const MAX_CREDENTIALS_PER_CALL = 1000;
/** Calls an hour per client address. */
export const CREDENTIALS_REVOKE_LIMIT = 60;

export function registerCredentialsRevokeRoutes(app: FastifyInstance, ctx: ProviderContext): void {
  app.post<{ Body: RevokeCredentialsRequest }>(
    '/api/v3/credentials/revoke',
    {
      config: { auth: { anonymous: true, classicScopes: [], permission: 'none' } },
      preValidation: async (request, reply) => {
        const wait = await ctx.rateLimits.credentialsRevoke.hit(`ip:${request.ip}`);
        if (wait > 0) {
          reply.header('Retry-After', String(wait));
          throw new HttpError(429, `Rate limit exceeded for credential revocation: try again in ${wait} seconds`);
        }
      },
      schema: {
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['credentials'],
          properties: {
            credentials: { type: 'array', minItems: 1, maxItems: MAX_CREDENTIALS_PER_CALL, items: { type: 'string', maxLength: 255 } },
          },
        },
      },
    },
    async (request, reply) => {
      await revokeLeakedCredentials(ctx, request.ip, request.body.credentials);
      reply.code(202);
      return {};
    },
  );
}
