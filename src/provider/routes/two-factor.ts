// Two-factor: setup (secret + otpauth:// URI; sudo), enable (sudo; a current code → ten single-use
// recovery codes), new recovery codes (sudo), disable (sudo), status.
import type { FastifyInstance } from 'fastify';
import type {
  TwoFactorEnableRequest,
  TwoFactorEnableResponse,
  TwoFactorRecoveryCodesResponse,
  TwoFactorSetupResponse,
} from '../../shared/api-types';
import { otpauthUri } from '../auth/totp';
import { beginTwoFactorSetup, disableTwoFactor, enableTwoFactor, regenerateRecoveryCodes, twoFactorStatus } from '../auth/two-factor-service';
import { principalOf } from '../authz/authorize';
import { callerOf } from '../authz/caller';
import type { AuthRequirement } from '../authz/requirement';
import type { ProviderContext } from '../context';

const API = '/api/v3';
const USER_SCOPE: AuthRequirement = { classicScopes: ['user'] };
const emptyBody = { type: 'object', additionalProperties: false, properties: {} } as const;

export function registerTwoFactorRoutes(app: FastifyInstance, ctx: ProviderContext): void {
  app.get(`${API}/user/two-factor`, { config: { auth: { classicScopes: ['user', 'read:user'] } } }, async (request) => {
    const status = await twoFactorStatus(ctx, principalOf(request).user);
    return { enabled: status.enabled, setup_pending: status.setupPending, recovery_codes_remaining: status.recoveryCodesRemaining };
  });

  app.post(
    `${API}/user/two-factor/setup`,
    { config: { auth: { ...USER_SCOPE, sudo: true } }, schema: { body: emptyBody } },
    async (request): Promise<TwoFactorSetupResponse> => {
      const { user } = principalOf(request);
      const secret = await beginTwoFactorSetup(ctx, user);
      return { secret, otpauth_uri: otpauthUri(secret, user.login) };
    },
  );

  app.post<{ Body: TwoFactorEnableRequest }>(
    `${API}/user/two-factor/enable`,
    {
      // Sudo as for setup: the answer is the recovery codes, which otherwise only sudo gets.
      config: { auth: { ...USER_SCOPE, sudo: true } },
      schema: {
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['code'],
          properties: { code: { type: 'string', minLength: 1, maxLength: 16 } },
        },
      },
    },
    async (request): Promise<TwoFactorEnableResponse> => ({ recovery_codes: await enableTwoFactor(ctx, callerOf(request), request.body.code) }),
  );

  app.post(
    `${API}/user/two-factor/recovery-codes`,
    { config: { auth: { ...USER_SCOPE, sudo: true } }, schema: { body: emptyBody } },
    async (request): Promise<TwoFactorRecoveryCodesResponse> => ({ recovery_codes: await regenerateRecoveryCodes(ctx, callerOf(request)) }),
  );

  app.post(
    `${API}/user/two-factor/disable`,
    { config: { auth: { ...USER_SCOPE, sudo: true } }, schema: { body: emptyBody } },
    async (request, reply) => {
      await disableTwoFactor(ctx, callerOf(request));
      reply.code(204);
    },
  );
}
