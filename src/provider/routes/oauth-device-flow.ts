// The OAuth device flow at the origin, as GitHub serves it (what `gh auth login` calls):
// POST /login/device/code and POST /login/oauth/access_token (device grant). Anonymous; bodies
// form-encoded or JSON; answers JSON for `Accept: application/json`, otherwise form-encoded.
import type { FastifyInstance } from 'fastify';
import type { DeviceCodeRequest, DeviceTokenRequest } from '../../shared/api-types';
import type { AuthRequirement } from '../authz/requirement';
import type { ProviderContext } from '../context';
import { HttpError, invalidField } from '../http/errors';
import { acceptFormBodies } from '../http/form-body';
import { requestDeviceCode } from '../oauth/device-code-service';
import { DEVICE_GRANT_TYPE, exchangeDeviceCode } from '../oauth/device-token-service';
import { answerOAuth } from '../oauth/oauth-reply';

const ANYONE: AuthRequirement = { anonymous: true };
const clientIdSchema = { type: 'string', minLength: 1, maxLength: 64 } as const;

export function registerOAuthDeviceFlowRoutes(app: FastifyInstance, ctx: ProviderContext): void {
  app.register(async (scope) => {
    acceptFormBodies(scope);

    scope.post<{ Body: DeviceCodeRequest }>(
      '/login/device/code',
      {
        config: { auth: ANYONE },
        preValidation: async (request, reply) => {
          const wait = ctx.rateLimits.deviceCodes.hit(request.ip);
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

    scope.post<{ Body: DeviceTokenRequest }>(
      '/login/oauth/access_token',
      {
        config: { auth: ANYONE },
        schema: {
          body: {
            type: 'object',
            additionalProperties: false,
            required: ['client_id', 'grant_type'],
            properties: {
              client_id: clientIdSchema,
              device_code: { type: 'string', minLength: 1, maxLength: 128 },
              grant_type: { type: 'string', minLength: 1, maxLength: 128 },
              client_secret: { type: 'string', maxLength: 128 },
            },
          },
        },
      },
      async (request, reply) => {
        if (request.body.grant_type === DEVICE_GRANT_TYPE && request.body.device_code === undefined) {
          throw invalidField('device_code', 'is required with the device grant', 'missing_field');
        }
        return answerOAuth(request, reply, () => exchangeDeviceCode(ctx, { ...request.body, device_code: request.body.device_code ?? '' }, request.ip));
      },
    );
  });
}
