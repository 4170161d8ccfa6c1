// Approving a device (Tessera's own API, what "Tessera: Authorize a Device…" calls), for the user:
// POST /user/device-authorizations/lookup {user_code} → the app and scopes (no change);
// POST /user/device-authorizations {user_code} → approve (sudo: the device gets a token);
// POST /user/device-authorizations/deny {user_code}; GET /user/device-authorizations/{id} → a
// device authorization the caller decided (to see when the device has its token).
import type { FastifyInstance } from 'fastify';
import type { DeviceUserCodeRequest } from '../../shared/api-types';
import { callerOf } from '../authz/caller';
import type { AuthRequirement } from '../authz/requirement';
import type { ProviderContext } from '../context';
import { idParam } from '../http/params';
import { decideByUserCode, decidedDevice, lookUpDevice } from '../oauth/device-approval-service';

const BASE = '/api/v3/user/device-authorizations';
const MANAGE: AuthRequirement = { classicScopes: ['admin:token'] };
const userCodeBody = {
  type: 'object',
  additionalProperties: false,
  required: ['user_code'],
  properties: { user_code: { type: 'string', minLength: 1, maxLength: 32 } },
} as const;

export function registerDeviceAuthorizationRoutes(app: FastifyInstance, ctx: ProviderContext): void {
  app.post<{ Body: DeviceUserCodeRequest }>(`${BASE}/lookup`, { config: { auth: MANAGE }, schema: { body: userCodeBody } }, async (request) =>
    lookUpDevice(ctx, callerOf(request), request.body.user_code),
  );

  app.post<{ Body: DeviceUserCodeRequest }>(`${BASE}`, { config: { auth: { ...MANAGE, sudo: true } }, schema: { body: userCodeBody } }, async (request) =>
    decideByUserCode(ctx, callerOf(request), request.body.user_code, 'approved'),
  );

  app.post<{ Body: DeviceUserCodeRequest }>(`${BASE}/deny`, { config: { auth: MANAGE }, schema: { body: userCodeBody } }, async (request) =>
    decideByUserCode(ctx, callerOf(request), request.body.user_code, 'denied'),
  );

  app.get<{ Params: { id: string } }>(`${BASE}/:id`, { config: { auth: MANAGE } }, async (request) =>
    decidedDevice(ctx, callerOf(request), idParam(request.params.id)),
  );
}
