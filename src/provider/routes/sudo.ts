// POST /user/sudo {password, otp?} — reopens the calling token's two-hour sudo window.
import type { FastifyInstance } from 'fastify';
import type { SudoRequest, SudoResponse } from '../../shared/api-types';
import { MAX_PASSWORD_LENGTH } from '../auth/passwords';
import { openSudoWindow } from '../auth/sudo-service';
import { principalOf } from '../authz/authorize';
import type { ProviderContext } from '../context';
import { isoTime } from '../iso-time';

export function registerSudoRoutes(app: FastifyInstance, ctx: ProviderContext): void {
  app.post<{ Body: SudoRequest }>(
    '/api/v3/user/sudo',
    {
      config: { auth: { tokenOnly: true, classicScopes: [], permission: 'none' } },
      schema: {
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['password'],
          properties: {
            password: { type: 'string', minLength: 1, maxLength: MAX_PASSWORD_LENGTH },
            otp: { type: 'string', minLength: 1, maxLength: 16 },
          },
        },
      },
    },
    async (request): Promise<SudoResponse> => {
      const until = await openSudoWindow(ctx, principalOf(request), request.ip, request.body);
      return { sudo_until: isoTime(until) };
    },
  );
}
