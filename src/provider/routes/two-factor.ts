// Two-factor: setup (secret + otpauth:// URI; sudo), enable (a current code → ten single-use
// recovery codes), new recovery codes (sudo), disable (sudo), status.
import type { FastifyInstance } from 'fastify';
import type {
  TwoFactorEnableRequest,
  TwoFactorEnableResponse,
  TwoFactorRecoveryCodesResponse,
  TwoFactorSetupResponse,
} from '../../shared/api-types';
import { AUDIT_ACTIONS } from '../audit/audit-log';
import { audit, requestSource } from '../audit/audit';
import { newRecoveryCodes, recoveryCodeDigest } from '../auth/recovery-codes';
import { matchTotp, newTotpSecret, otpauthUri } from '../auth/totp';
import { principalOf } from '../authz/authorize';
import type { AuthRequirement } from '../authz/requirement';
import type { ProviderContext } from '../context';
import { HttpError, invalidField } from '../http/errors';

const API = '/api/v3';
const USER_SCOPE: AuthRequirement = { classicScopes: ['user'] };
const emptyBody = { type: 'object', additionalProperties: false, properties: {} } as const;

export function registerTwoFactorRoutes(app: FastifyInstance, ctx: ProviderContext): void {
  app.get(`${API}/user/two-factor`, { config: { auth: { classicScopes: ['user', 'read:user'] } } }, async (request) => {
    const { user } = principalOf(request);
    const tf = await ctx.store.twoFactor.get(user.id);
    return {
      enabled: !!tf?.enabled,
      setup_pending: !!tf && !tf.enabled,
      recovery_codes_remaining: tf?.enabled ? await ctx.store.twoFactor.remainingRecoveryCodes(user.id) : 0,
    };
  });

  app.post(
    `${API}/user/two-factor/setup`,
    { config: { auth: { ...USER_SCOPE, sudo: true } }, schema: { body: emptyBody } },
    async (request): Promise<TwoFactorSetupResponse> => {
      const { user } = principalOf(request);
      const tf = await ctx.store.twoFactor.get(user.id);
      if (tf?.enabled) {
        throw invalidField('two_factor_authentication', 'is already enabled: disable it first to enroll a new authenticator', 'already_exists');
      }
      const secret = newTotpSecret();
      await ctx.store.twoFactor.beginSetup(user.id, secret, ctx.clock.now());
      return { secret, otpauth_uri: otpauthUri(secret, user.login) };
    },
  );

  app.post<{ Body: TwoFactorEnableRequest }>(
    `${API}/user/two-factor/enable`,
    {
      config: { auth: USER_SCOPE },
      schema: {
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['code'],
          properties: { code: { type: 'string', minLength: 1, maxLength: 16 } },
        },
      },
    },
    async (request): Promise<TwoFactorEnableResponse> => {
      const principal = principalOf(request);
      const { user } = principal;
      const tf = await ctx.store.twoFactor.get(user.id);
      if (tf?.enabled) throw invalidField('two_factor_authentication', 'is already enabled', 'already_exists');
      if (!tf) throw invalidField('code', 'has no pending setup to confirm: call POST /user/two-factor/setup first', 'unprocessable');
      const step = await matchTotp(tf.secret, request.body.code.trim(), ctx.clock.now(), null);
      if (step === undefined) throw invalidField('code', 'is not a current code for the secret from setup');
      const codes = newRecoveryCodes();
      if (!(await ctx.store.twoFactor.enable(user.id, step, codes.map(recoveryCodeDigest), ctx.clock.now()))) {
        throw invalidField('two_factor_authentication', 'is already enabled', 'already_exists');
      }
      await audit(ctx, { user, ip: request.ip }, AUDIT_ACTIONS.twoFactorEnabled, { tokenId: principal.token?.id });
      return { recovery_codes: codes };
    },
  );

  app.post(
    `${API}/user/two-factor/recovery-codes`,
    { config: { auth: { ...USER_SCOPE, sudo: true } }, schema: { body: emptyBody } },
    async (request): Promise<TwoFactorRecoveryCodesResponse> => {
      const principal = principalOf(request);
      const codes = newRecoveryCodes();
      if (!(await ctx.store.twoFactor.replaceRecoveryCodes(principal.user.id, codes.map(recoveryCodeDigest)))) {
        throw notEnabled();
      }
      await audit(ctx, requestSource(request), AUDIT_ACTIONS.twoFactorRecoveryCodesRegenerated, { tokenId: principal.token?.id });
      return { recovery_codes: codes };
    },
  );

  app.post(
    `${API}/user/two-factor/disable`,
    { config: { auth: { ...USER_SCOPE, sudo: true } }, schema: { body: emptyBody } },
    async (request, reply) => {
      const principal = principalOf(request);
      if (!(await ctx.store.twoFactor.disable(principal.user.id))) {
        throw notEnabled();
      }
      await audit(ctx, requestSource(request), AUDIT_ACTIONS.twoFactorDisabled, { tokenId: principal.token?.id });
      reply.code(204);
    },
  );
}

function notEnabled(): HttpError {
  return new HttpError(422, 'Two-factor authentication is not enabled', {
    errors: [{ field: 'two_factor_authentication', code: 'unprocessable', message: 'is not enabled' }],
  });
}
