// POST /credentials/revoke {credentials: [...]} — GitHub's unauthenticated revocation of leaked
// tokens: at most 1000 per call, rate-limited per client address, answers 202 whatever the
// tokens were (it never tells whether one existed).
import type { FastifyInstance } from 'fastify';
import type { RevokeCredentialsRequest } from '../../shared/api-types';
import { parseToken, tokenDigest } from '../../shared/token-format';
import { AUDIT_ACTIONS } from '../audit/audit-log';
import { audit } from '../audit/audit';
import type { ProviderContext } from '../context';
import { HttpError } from '../http/errors';

export const MAX_CREDENTIALS_PER_CALL = 1000;
/** Calls an hour per client address. */
export const CREDENTIALS_REVOKE_LIMIT = 60;
export const CREDENTIAL_REVOKE_REASON = 'Revoked through the credentials revocation API (reported as leaked)';

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
      const digests = [...new Set(request.body.credentials.filter((c) => parseToken(c) !== undefined).map(tokenDigest))];
      const revoked = await ctx.store.tokens.revokeByDigests(digests, ctx.clock.now(), CREDENTIAL_REVOKE_REASON);
      for (const t of revoked) {
        const user = await ctx.store.users.byId(t.userId);
        await audit(ctx, { ip: request.ip }, AUDIT_ACTIONS.patCredentialRevoked, {
          user,
          tokenId: t.id,
          data: { token_name: t.note, kind: t.kind, token_last_eight: t.tokenLastEight, source: 'credentials_revoke_api' },
        });
      }
      reply.code(202);
      return {};
    },
  );
}
