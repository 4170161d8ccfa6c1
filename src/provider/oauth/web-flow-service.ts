// The OAuth web flow (authorization-code grant), as GitHub documents it. The person opens
// /login/oauth/authorize?client_id&redirect_uri&scope&state, signs in (password and two-factor
// code), sees the app and the scopes and approves or denies; they are sent back to the app's
// redirect URL with `code` and `state` (or `error=access_denied`). The app then posts client_id,
// client_secret, code and redirect_uri to /login/oauth/access_token and gets a classic token
// (oauth-token-issuance.ts, as the device flow). A code is single use, lives 10 minutes, is bound
// to its app and redirect_uri, and is stored as a digest, as is the page's confirmation ticket.
import { randomBytes } from 'node:crypto';
import type { AccessTokenResponse, AuthorizationCodeTokenRequest } from '../../shared/api-types';
import { equalInConstantTime } from '../../shared/constant-time';
import { AUDIT_ACTIONS } from '../audit/audit-log';
import { audit } from '../audit/audit';
import { MINUTE } from '../clock';
import type { ProviderContext } from '../context';
import { HttpError } from '../http/errors';
import type { AuthorizationCodeRecord } from '../store/oauth-authorization-codes';
import type { OAuthAppRecord } from '../store/oauth-apps';
import { UniqueViolation } from '../store/errors';
import type { UserRecord } from '../store/users';
import { parseScopeParameter } from './device-code-service';
import { codeDigest, newTicket } from './device-codes';
import { OAuthError } from './oauth-error';
import { issueOAuthToken } from './oauth-token-issuance';
import { redirectTarget, sameRedirect } from './redirect-uri';

const AUTHORIZATION_CODE_LIFETIME_MS = 10 * MINUTE;
/** How long the confirmation step of the page stays valid after signing in. */
const AUTHORIZE_TICKET_LIFETIME_MS = 5 * MINUTE;
/** Used and expired requests are kept this long (a late replay still hears bad_verification_code), then deleted. */
const EXPIRED_KEPT_MS = 60 * MINUTE;
const ACCESS_DENIED_DESCRIPTION = 'The user has denied your application access.';
const DOCS = 'https://docs.github.com/apps/managing-oauth-apps/troubleshooting-authorization-request-errors';

/** GET /login/oauth/authorize's parameters (and the sign-in form's copy of them). */
export interface AuthorizeParameters {
  client_id: string;
  redirect_uri?: string;
  scope?: string;
  state?: string;
}

export interface AuthorizeRequest {
  app: OAuthAppRecord;
  scopes: string[];
  /** The redirect_uri as the app sent it (null: none, the callback URL). */
  redirectUri: string | null;
  target: URL;
  state: string | null;
}

/** Where the person goes next: back to the app (with a code or an error). */
export interface Redirect {
  location: string;
}

function withParameters(target: URL, params: Record<string, string | null>): string {
  const url = new URL(target);
  for (const [k, v] of Object.entries(params)) if (v !== null) url.searchParams.set(k, v);
  return url.toString();
}

/**
 * Checks an authorization request: 404 for an unknown client, 400 for an app without a callback
 * URL, 422 (`scope`) for unknown scopes. A redirect_uri that does not fit the callback URL sends
 * the person to the callback URL with error=redirect_uri_mismatch, as GitHub does.
 */
export async function checkAuthorizeRequest(ctx: ProviderContext, params: AuthorizeParameters): Promise<AuthorizeRequest | Redirect> {
  const app = await ctx.store.oauthApps.byClientId(params.client_id);
  if (!app) throw new HttpError(404, 'No OAuth app has this client_id');
  if (!app.callbackUrl) throw new HttpError(400, `${app.name} has no callback URL, so it cannot use the web flow (it may use the device flow)`);
  const state = params.state ?? null;
  const target = redirectTarget(app, params.redirect_uri);
  if (!target) {
    return {
      location: withParameters(new URL(app.callbackUrl), {
        error: 'redirect_uri_mismatch',
        error_description: 'The redirect_uri MUST match the registered callback URL for this application.',
        error_uri: `${DOCS}#redirect-uri-mismatch`,
        state,
      }),
    };
  }
  return { app, scopes: parseScopeParameter(params.scope), redirectUri: params.redirect_uri ?? null, target, state };
}

/** After the person signed in: the pending request and the one-time ticket of its confirmation step. */
export async function startAuthorization(ctx: ProviderContext, user: UserRecord, request: AuthorizeRequest): Promise<{ ticket: string }> {
  const now = ctx.clock.now();
  await ctx.store.authorizationCodes.deleteExpired(new Date(now.getTime() - EXPIRED_KEPT_MS));
  for (let attempt = 0; ; attempt++) {
    const ticket = newTicket();
    try {
      await ctx.store.authorizationCodes.createRequest({
        appId: request.app.id,
        userId: user.id,
        scopes: request.scopes,
        redirectUri: request.redirectUri,
        state: request.state,
        ticketDigest: codeDigest(ticket),
        expiresAt: new Date(now.getTime() + AUTHORIZE_TICKET_LIFETIME_MS),
        createdAt: now,
      });
      return { ticket };
    } catch (err) {
      if (!(err instanceof UniqueViolation) || attempt >= 3) throw err;
    }
  }
}

function targetOf(app: OAuthAppRecord, request: AuthorizationCodeRecord): URL {
  const target = redirectTarget(app, request.redirectUri ?? undefined);
  if (!target) throw new HttpError(409, 'The app’s callback URL changed: start again from the app');
  return target;
}

/**
 * Approves or denies the request of a confirmation ticket (single use): the redirect back to the
 * app, with a new code or error=access_denied; undefined when the ticket expired or was used.
 */
export async function decideAuthorization(ctx: ProviderContext, ticket: string, decision: 'approve' | 'deny', ip: string): Promise<(Redirect & { app: OAuthAppRecord; user: UserRecord }) | undefined> {
  const now = ctx.clock.now();
  const code = randomBytes(20).toString('hex');
  const decided = await ctx.store.authorizationCodes.decide(
    codeDigest(ticket),
    now,
    decision === 'approve' ? { approve: { codeDigest: codeDigest(code), expiresAt: new Date(now.getTime() + AUTHORIZATION_CODE_LIFETIME_MS) } } : 'deny',
  );
  const app = decided ? await ctx.store.oauthApps.byId(decided.appId) : undefined;
  const user = decided ? await ctx.store.users.byId(decided.userId) : undefined;
  if (!decided || !app || !user) return undefined;
  const details = { data: { application: app.name, client_id: app.clientId, scopes: decided.scopes } };
  if (decision === 'deny') {
    await audit(ctx, { user, ip }, AUDIT_ACTIONS.oauthAuthorizationDeny, details);
    return { app, user, location: withParameters(targetOf(app, decided), { error: 'access_denied', error_description: ACCESS_DENIED_DESCRIPTION, error_uri: `${DOCS}#access-denied`, state: decided.state }) };
  }
  await audit(ctx, { user, ip }, AUDIT_ACTIONS.oauthAuthorizationCreate, details);
  return { app, user, location: withParameters(targetOf(app, decided), { code, state: decided.state }) };
}

/** POST /login/oauth/access_token with a code: the app's client credentials, then the code, then its redirect_uri. */
export async function exchangeAuthorizationCode(ctx: ProviderContext, body: AuthorizationCodeTokenRequest, ip: string): Promise<AccessTokenResponse> {
  const app = await ctx.store.oauthApps.byClientId(body.client_id);
  const secretOk = !!app?.clientSecretDigest && body.client_secret !== undefined && equalInConstantTime(codeDigest(body.client_secret), app.clientSecretDigest);
  if (!app || !secretOk) throw new OAuthError('incorrect_client_credentials');
  const request = await ctx.store.authorizationCodes.byCodeDigest(codeDigest(body.code));
  if (!request || request.appId !== app.id || request.status !== 'issued' || request.expiresAt.getTime() <= ctx.clock.now().getTime()) {
    throw new OAuthError('bad_verification_code');
  }
  if (!sameRedirect(app, request.redirectUri, body.redirect_uri)) throw new OAuthError('redirect_uri_mismatch');
  return issueOAuthToken(
    ctx,
    {
      app,
      userId: request.userId,
      scopes: request.scopes,
      flow: 'the web flow',
      fingerprint: `web-${request.id}`,
      markUsed: (tx, tokenId) => tx.store.authorizationCodes.markUsed(request.id, tokenId, tx.clock.now()),
      refusal: 'bad_verification_code',
    },
    ip,
  );
}
