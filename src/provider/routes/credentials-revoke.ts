// POST /credentials/revoke {credentials: [...]} — GitHub's unauthenticated revocation of leaked
// tokens: at most 1000 per call, rate-limited per client address, answers 202 whatever the
// tokens were (it never tells whether one existed).
import type { FastifyInstance } from 'fastify';
import type { RevokeCredentialsRequest } from '../../shared/api-types';
import type { ProviderContext } from '../context';
import { credentialsBodySchema, perAddressLimit } from './credentials-body';
import { revokeLeakedCredentials } from '../tokens/leaked-credential-service';

const MAX_CREDENTIALS_PER_CALL = 1000;
/** Calls an hour per client address. */
export const CREDENTIALS_REVOKE_LIMIT = 60;

export function registerCredentialsRevokeRoutes(app: FastifyInstance, ctx: ProviderContext): void {
  app.post<{ Body: RevokeCredentialsRequest }>(
    '/api/v3/credentials/revoke',
    {
      config: { auth: { anonymous: true, classicScopes: [], permission: 'none' } },
      preValidation: perAddressLimit(ctx, 'credentialsRevoke', 'credential revocation'),
      schema: { body: credentialsBodySchema(MAX_CREDENTIALS_PER_CALL) },
    },
    async (request, reply) => {
      await revokeLeakedCredentials(ctx, request.ip, request.body.credentials);
      reply.code(202);
      return {};
    },
  );
}
