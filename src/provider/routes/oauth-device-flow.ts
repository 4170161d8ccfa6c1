// The OAuth endpoints at the origin, as GitHub serves them: POST /login/device/code (what `gh auth
// login` calls) and POST /login/oauth/access_token, for the device grant and for the web flow's
// code (no grant_type, or `authorization_code`). Anonymous; bodies form-encoded or JSON; answers
// JSON for `Accept: application/json`, otherwise form-encoded. Never parameters in the query.
import type { FastifyInstance } from 'fastify';
import type { DeviceCodeRequest } from '../../shared/api-types';
import type { AuthRequirement } from '../authz/requirement';
import type { ProviderContext } from '../context';
import { HttpError, invalidField } from '../http/errors';
import { acceptFormBodies } from '../http/form-body';
import { refuseOAuthQuery } from '../oauth/body-only-parameters';
import { requestDeviceCode } from '../oauth/device-code-service';
import { DEVICE_GRANT_TYPE, exchangeDeviceCode } from '../oauth/device-token-service';
import { OAuthError } from '../oauth/oauth-error';
import { answerOAuth } from '../oauth/oauth-reply';
import { exchangeAuthorizationCode } from '../oauth/web-flow-service';

const ANYONE: AuthRequirement = { anonymous: true };
const clientIdSchema = { type: 'string', minLength: 1, maxLength: 64 } as const;
const AUTHORIZATION_CODE_GRANT = 'authorization_code';

interface TokenRequestBody {
  client_id: string;
  grant_type?: string;
  device_code?: string;
  client_secret?: string;
  code?: string;
  redirect_uri?: string;
}

export function registerOAuthDeviceFlowRoutes(app: FastifyInstance, ctx: ProviderContext): void {
  app.register(async (scope) => {
    acceptFormBodies(scope);
    // Before each route's own checks (the device-code rate limit) and its body's validation.
    scope.addHook('preValidation', async (request) => refuseOAuthQuery(request.query));

    scope.post<{ Body: DeviceCodeRequest }>(
      '/login/device/code',
      {
        config: { auth: ANYONE },
        preValidation: async (request, reply) => {
          const wait = await ctx.rateLimits.deviceCodes.hit(`ip:${request.ip}`);
          if (wait > 0) {
            reply.header('Retry-After', String(wait));
            throw new HttpError(429, `Rate limit exceeded for device codes: try again in ${wait} seconds`);
          }
        },
        schema: {
          body: {
            type: 'object',
            additionalProperties: false,
            required: ['client_id'],
            properties: { client_id: clientIdSchema, scope: { type: 'string', maxLength: 1024 } },
          },
        },
      },
      async (request, reply) => answerOAuth(request, reply, () => requestDeviceCode(ctx, { clientId: request.body.client_id, scope: request.body.scope })),
    );

    scope.post<{ Body: TokenRequestBody }>(
      '/login/oauth/access_token',
      {
        config: { auth: ANYONE },
        schema: {
          body: {
            type: 'object',
            additionalProperties: false,
            required: ['client_id'],
            properties: {
              client_id: clientIdSchema,
              device_code: { type: 'string', minLength: 1, maxLength: 128 },
              grant_type: { type: 'string', minLength: 1, maxLength: 128 },
              client_secret: { type: 'string', maxLength: 128 },
              code: { type: 'string', minLength: 1, maxLength: 128 },
              redirect_uri: { type: 'string', maxLength: 1024 },
            },
          },
        },
      },
      async (request, reply) => {
        const b = request.body;
        if (b.grant_type === DEVICE_GRANT_TYPE) {
          if (b.device_code === undefined) throw invalidField('device_code', 'is required with the device grant', 'missing_field');
          return answerOAuth(request, reply, () => exchangeDeviceCode(ctx, { client_id: b.client_id, grant_type: b.grant_type!, device_code: b.device_code!, client_secret: b.client_secret }, request.ip));
        }
        if (b.grant_type === undefined || b.grant_type === AUTHORIZATION_CODE_GRANT) {
          if (b.code === undefined) throw invalidField('code', 'is required (or grant_type for the device flow)', 'missing_field');
          return answerOAuth(request, reply, () => exchangeAuthorizationCode(ctx, { client_id: b.client_id, client_secret: b.client_secret, code: b.code!, redirect_uri: b.redirect_uri }, request.ip));
        }
        return answerOAuth(request, reply, async () => {
          throw new OAuthError('unsupported_grant_type');
        });
      },
    );
  });
}
