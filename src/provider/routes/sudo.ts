// POST /user/sudo {password, otp?} — reopens the calling token's two-hour sudo window.
import type { FastifyInstance } from 'fastify';
import type { SudoRequest, SudoResponse } from '../../shared/api-types';
import { AUDIT_ACTIONS } from '../audit/audit-log';
import { audit, requestSource } from '../audit/audit';
import { MAX_PASSWORD_LENGTH } from '../auth/passwords';
import { signIn } from '../auth/sign-in';
import { SUDO_WINDOW_MS } from '../auth/sudo';
import { principalOf } from '../authz/authorize';
import type { ProviderContext } from '../context';
import { HttpError } from '../http/errors';

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
      const principal = principalOf(request);
      const token = principal.token!;
      try {
        await signIn(ctx, { login: principal.user.login, user: principal.user, password: request.body.password, otp: request.body.otp, ip: request.ip });
      } catch (err) {
        // The token itself is fine: answer 403 (not 401, which would mean "sign in again"),
        // keeping X-GitHub-OTP when a code is what's missing.
        if (err instanceof HttpError && err.status === 401) {
          const otp = err.headers['X-GitHub-OTP'];
          throw new HttpError(403, otp ? err.message : 'Bad credentials: the password is wrong, or there were too many attempts', {
            headers: otp ? { 'X-GitHub-OTP': otp } : {},
          });
        }
        throw err;
      }
      const until = new Date(ctx.clock.now().getTime() + SUDO_WINDOW_MS);
      await ctx.store.tokens.setSudoUntil(token.id, until);
      await audit(ctx, requestSource(request), AUDIT_ACTIONS.userSudo, { tokenId: token.id });
      return { sudo_until: until.toISOString() };
    },
  );
}
