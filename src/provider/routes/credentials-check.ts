// POST /credentials/check {credentials: [...]} — whether tokens work, without using them: a client
// that holds tokens it cannot list (its sign-in ended) learns which are dead, and their
// last_used_at stays. Anonymous like /credentials/revoke (the secrets are the proof), at most 100
// per call, rate-limited per client address by a limit of its own (not the API's anonymous one,
// which a client with many ended sessions would spend on checks); it tells nothing a holder could
// not learn by calling the API with the token, and nothing about strings that are not working
// tokens. Tessera's own.
import type { FastifyInstance } from 'fastify';
import type { CheckCredentialsRequest, CheckCredentialsResponse } from '../../shared/api-types';
import { tokenWorks } from '../auth/token-auth';
import type { ProviderContext } from '../context';
import { credentialsBodySchema, perAddressLimit } from './credentials-body';

const MAX_CREDENTIALS_PER_CALL = 100;
/** Calls an hour per client address. */
export const CREDENTIALS_CHECK_LIMIT = 60;

export function registerCredentialsCheckRoutes(app: FastifyInstance, ctx: ProviderContext): void {
  app.post<{ Body: CheckCredentialsRequest }>(
    '/api/v3/credentials/check',
    {
      config: { auth: { anonymous: true, classicScopes: [], permission: 'none' }, ownRateLimit: true },
      preValidation: perAddressLimit(ctx, 'credentialsCheck', 'credential checks'),
      schema: { body: credentialsBodySchema(MAX_CREDENTIALS_PER_CALL) },
    },
    async (request): Promise<CheckCredentialsResponse> => {
      const credentials: CheckCredentialsResponse['credentials'] = [];
      // Account API tokens (tsa_) are no tokens of this API: never reported as working.
      for (const c of request.body.credentials) credentials.push({ active: !c.startsWith('tsa_') && (await tokenWorks(ctx, c)) });
      return { credentials };
    },
  );
}
