// The OAuth web flow's page: GET /login/oauth/authorize?client_id&redirect_uri&scope&state (the
// sign-in form), POST /login/oauth/authorize (sign in with password + two-factor code under the
// sign-in lockout; answers the confirmation step with a one-time ticket), POST
// /login/oauth/authorize/confirm (Authorize or Deny with that ticket; 302 back to the app).
// Server-rendered HTML with the CSRF guard of ../http/html-page.ts. The code goes to the app in
// the redirect's query, as OAuth does; nothing else secret is ever in a URL.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { MAX_PASSWORD_LENGTH } from '../auth/passwords';
import { signIn } from '../auth/sign-in';
import type { AuthRequirement } from '../authz/requirement';
import type { ProviderContext } from '../context';
import { HttpError } from '../http/errors';
import { acceptFormBodies } from '../http/form-body';
import { CONFIRM_FORM_SCHEMA, FormGuard, formString, sendHtml } from '../http/html-page';
import { authorizeConfirmPage, authorizeProblemPage, authorizeSignInPage } from '../oauth/authorize-page-html';
import { appOwnerLogin } from '../oauth/oauth-app-service';
import { AuthorizeParameters, AuthorizeRequest, checkAuthorizeRequest, decideAuthorization, Redirect, startAuthorization } from '../oauth/web-flow-service';

const ANYONE: AuthRequirement = { anonymous: true };
const PAGE = '/login/oauth/authorize';
const requestFields = {
  client_id: { type: 'string', minLength: 1, maxLength: 64 },
  redirect_uri: formString(1024),
  scope: formString(1024),
  state: formString(1024),
} as const;

export function registerOAuthAuthorizePageRoutes(app: FastifyInstance, ctx: ProviderContext): void {
  const guard = new FormGuard('tessera_oauth_csrf', PAGE, ctx.origin.startsWith('https:'));

  /** The checked request, or the page answered (a problem page, or the redirect back with an error). */
  async function checked(reply: FastifyReply, params: AuthorizeParameters): Promise<AuthorizeRequest | FastifyReply> {
    let request: AuthorizeRequest | Redirect;
    try {
      request = await checkAuthorizeRequest(ctx, params);
    } catch (err) {
      if (!(err instanceof HttpError) || err.status >= 500) throw err;
      return sendHtml(reply, authorizeProblemPage('This app cannot be authorized', err.message), err.status);
    }
    if ('location' in request) return reply.redirect(request.location, 302);
    return request;
  }

  app.register(async (scope) => {
    acceptFormBodies(scope);

    scope.get<{ Querystring: AuthorizeParameters & { login?: string; allow_signup?: string; response_type?: string } }>(
      PAGE,
      {
        config: { auth: ANYONE },
        schema: {
          querystring: {
            type: 'object',
            additionalProperties: false,
            required: ['client_id'],
            properties: { ...requestFields, login: formString(320), allow_signup: formString(8), response_type: { type: 'string', enum: ['code'] } },
          },
        },
      },
      async (request, reply) => {
        const { client_id, redirect_uri, scope: scopes, state, login } = request.query;
        const params = { client_id, redirect_uri, scope: scopes, state };
        const found = await checked(reply, params);
        if (!('app' in found)) return found;
        return sendHtml(reply, authorizeSignInPage({ csrf: guard.issue(reply), appName: found.app.name, params, login }));
      },
    );

    scope.post<{ Body: AuthorizeParameters & { csrf: string; login: string; password: string; otp?: string } }>(
      PAGE,
      {
        config: { auth: ANYONE },
        schema: {
          body: {
            type: 'object',
            additionalProperties: false,
            required: ['csrf', 'login', 'password', 'client_id'],
            properties: { ...requestFields, csrf: formString(64), login: formString(320), password: formString(MAX_PASSWORD_LENGTH), otp: formString(16) },
          },
        },
      },
      async (request, reply) => {
        const { csrf: field, login, password, otp, ...params } = request.body;
        const csrf = guard.check(request, field, PAGE);
        const found = await checked(reply, params);
        if (!('app' in found)) return found;
        let user;
        try {
          user = await signIn(ctx, { login, password, otp: otp === '' ? undefined : otp, ip: request.ip });
        } catch (err) {
          if (!(err instanceof HttpError) || err.status !== 401) throw err;
          const error = err.headers['X-GitHub-OTP'] ? 'Enter the current code from your authenticator app (or a recovery code).' : 'Incorrect login, password or code, or too many attempts.';
          return sendHtml(reply, authorizeSignInPage({ csrf, appName: found.app.name, params, error, login }), 401);
        }
        const { ticket } = await startAuthorization(ctx, user, found);
        const page = authorizeConfirmPage({
          csrf,
          ticket,
          login: user.login,
          appName: found.app.name,
          appUrl: found.app.url,
          appOwner: await appOwnerLogin(ctx, found.app),
          scopes: found.scopes,
          returnTo: `${found.target.origin}${found.target.pathname}`,
        });
        return sendHtml(reply, page, 200, [found.target.origin]);
      },
    );

    scope.post<{ Body: { csrf: string; ticket: string; decision: 'approve' | 'deny' } }>(
      `${PAGE}/confirm`,
      {
        config: { auth: ANYONE },
        schema: { body: CONFIRM_FORM_SCHEMA },
      },
      async (request, reply) => {
        guard.check(request, request.body.csrf, PAGE);
        let decided;
        try {
          decided = await decideAuthorization(ctx, request.body.ticket, request.body.decision, request.ip);
        } catch (err) {
          if (!(err instanceof HttpError) || err.status >= 500) throw err;
          return sendHtml(reply, authorizeProblemPage('Start again', err.message), err.status);
        }
        if (!decided) return sendHtml(reply, authorizeProblemPage('Start again', 'This confirmation has expired or was already used: start again from the app.'), 410);
        return reply.header('Cache-Control', 'no-store').header('Referrer-Policy', 'no-referrer').redirect(decided.location, 302);
      },
    );
  });
}
