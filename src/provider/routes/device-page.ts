// The standalone provider's device sign-in page: GET /login/device (the form), POST /login/device
// (sign in with password + two-factor code under the sign-in lockout, and the device's code under
// the per-user guess limit; answers the confirmation step with a one-time ticket), POST
// /login/device/confirm (Authorize or Deny with that ticket). Server-rendered HTML; CSRF: a random
// value in an HttpOnly SameSite=Strict cookie that every form must repeat (besides the provider's
// refusal of foreign Origins). No secret ever goes in a URL.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { MAX_PASSWORD_LENGTH } from '../auth/passwords';
import { signIn } from '../auth/sign-in';
import type { AuthRequirement } from '../authz/requirement';
import type { ProviderContext } from '../context';
import { HttpError } from '../http/errors';
import { acceptFormBodies } from '../http/form-body';
import { CONFIRM_FORM_SCHEMA, FormGuard, formString, sendHtml } from '../http/html-page';
import { decideByTicket, findWaitingDevice, issueConfirmationTicket } from '../oauth/device-approval-service';
import { confirmPage, outcomePage, signInPage } from '../oauth/device-page-html';
import { appOwnerLogin } from '../oauth/oauth-app-service';

const ANYONE: AuthRequirement = { anonymous: true };
const CSRF_COOKIE = 'tessera_device_csrf';

export function registerDevicePageRoutes(app: FastifyInstance, ctx: ProviderContext): void {
  const guard = new FormGuard(CSRF_COOKIE, '/login/device', ctx.origin.startsWith('https:'));
  const checkCsrf = (request: FastifyRequest, field: string) => guard.check(request, field, '/login/device');

  app.register(async (scope) => {
    acceptFormBodies(scope);

    scope.get('/login/device', { config: { auth: ANYONE } }, async (request, reply) => {
      const csrf = guard.issue(reply);
      return sendHtml(reply, signInPage({ csrf }));
    });

    scope.post<{ Body: { csrf: string; login: string; password: string; otp?: string; user_code: string } }>(
      '/login/device',
      {
        config: { auth: ANYONE },
        schema: {
          body: {
            type: 'object',
            additionalProperties: false,
            required: ['csrf', 'login', 'password', 'user_code'],
            properties: { csrf: formString(64), login: formString(320), password: formString(MAX_PASSWORD_LENGTH), otp: formString(16), user_code: formString(32) },
          },
        },
      },
      async (request, reply) => {
        const b = request.body;
        const csrf = checkCsrf(request, b.csrf);
        const again = (error: string, status: number) => sendHtml(reply, signInPage({ csrf, error, login: b.login, userCode: b.user_code }), status);
        let user;
        try {
          user = await signIn(ctx, { login: b.login, password: b.password, otp: b.otp === '' ? undefined : b.otp, ip: request.ip });
        } catch (err) {
          if (!(err instanceof HttpError) || err.status !== 401) throw err;
          return again(err.headers['X-GitHub-OTP'] ? 'Enter the current code from your authenticator app (or a recovery code).' : 'Incorrect login, password or code, or too many attempts.', 401);
        }
        let device;
        try {
          device = await findWaitingDevice(ctx, user, b.user_code);
        } catch (err) {
          if (!(err instanceof HttpError) || err.status >= 500) throw err;
          reply.headers(err.headers); // Retry-After, when too many wrong codes were typed
          return again(err.message.replace(/^Validation Failed: user_code /, 'The device code '), err.status);
        }
        const ticket = await issueConfirmationTicket(ctx, user, device);
        return sendHtml(reply, confirmPage({ csrf, ticket, login: user.login, appName: device.app.name, appUrl: device.app.url, appOwner: await appOwnerLogin(ctx, device.app), scopes: device.code.scopes }));
      },
    );

    scope.post<{ Body: { csrf: string; ticket: string; decision: 'approve' | 'deny' } }>(
      '/login/device/confirm',
      {
        config: { auth: ANYONE },
        schema: { body: CONFIRM_FORM_SCHEMA },
      },
      async (request, reply) => {
        checkCsrf(request, request.body.csrf);
        const decision = request.body.decision === 'approve' ? 'approved' : 'denied';
        let decided;
        try {
          decided = await decideByTicket(ctx, request.ip, request.body.ticket, decision);
        } catch (err) {
          if (!(err instanceof HttpError) || err.status >= 500) throw err;
          return sendHtml(reply, outcomePage('Start again', err.message), err.status);
        }
        const { user, app } = decided;
        return sendHtml(
          reply,
          decision === 'approved'
            ? outcomePage(`${app.name} is authorized`, `${app.name} can now act as ${user.login}. Go back to your device: it gets its token within a few seconds.`)
            : outcomePage(`${app.name} was denied`, `${app.name} gets no token. You can close this page.`),
        );
      },
    );
  });
}
