// Registering OAuth apps: a user registers an app (its client id is public, its client secret is
// shown once and stored as a digest), lists the built-in apps and their own, and deletes their
// own. Built-in apps (GitHub CLI) come with the schema and cannot be deleted.
import { randomBytes } from 'node:crypto';
import type { CreateOAuthAppRequest } from '../../shared/api-types';
import { AUDIT_ACTIONS } from '../audit/audit-log';
import { audit } from '../audit/audit';
import { auditSourceOf, Caller } from '../authz/caller';
import type { ProviderContext } from '../context';
import { invalidField, notFound } from '../http/errors';
import type { OAuthAppRecord } from '../store/oauth-apps';
import { UniqueViolation } from '../store/errors';
import { withTransaction } from '../transaction';
import { codeDigest } from './device-codes';

/** At most this many apps per user. */
const MAX_OAUTH_APPS_PER_USER = 50;

function httpUrl(field: string, value: string): string {
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    throw invalidField(field, 'is not a URL');
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') throw invalidField(field, 'must be an http or https URL');
  return u.toString();
}

/** A callback URL is where codes are sent: besides http(s), no credentials and no fragment (RFC 6749, 3.1.2). */
function callbackUrl(value: string): string {
  const url = httpUrl('callback_url', value);
  const u = new URL(url);
  if (u.username || u.password || url.includes('#')) throw invalidField('callback_url', 'must not have credentials or a fragment');
  return url;
}

export async function registerOAuthApp(ctx: ProviderContext, caller: Caller, body: CreateOAuthAppRequest): Promise<{ app: OAuthAppRecord; clientSecret: string }> {
  const url = httpUrl('url', body.url);
  const callback = body.callback_url !== undefined ? callbackUrl(body.callback_url) : null;
  const user = caller.principal.user;
  return withTransaction(ctx, async (tx) => {
    const own = (await tx.store.oauthApps.listVisibleTo(user.id)).filter((a) => a.ownerId === user.id);
    if (own.length >= MAX_OAUTH_APPS_PER_USER) throw invalidField('name', `you have ${MAX_OAUTH_APPS_PER_USER} OAuth apps, the most one user may register`, 'custom');
    if (own.some((a) => a.name.toLowerCase() === body.name.toLowerCase())) throw invalidField('name', 'is already the name of one of your OAuth apps', 'already_exists');
    const clientSecret = randomBytes(20).toString('hex');
    for (let attempt = 0; ; attempt++) {
      try {
        const app = await tx.store.transaction((inner) =>
          inner.oauthApps.create({
            clientId: randomBytes(10).toString('hex'),
            name: body.name,
            url,
            callbackUrl: callback,
            ownerId: user.id,
            clientSecretDigest: codeDigest(clientSecret),
            createdAt: ctx.clock.now(),
          }),
        );
        await audit(tx, auditSourceOf(caller), AUDIT_ACTIONS.oauthApplicationCreate, { data: { name: app.name, client_id: app.clientId } });
        return { app, clientSecret };
      } catch (err) {
        if (!(err instanceof UniqueViolation) || attempt >= 3) throw err;
      }
    }
  });
}

/** Who registered the app, as its consent pages name them: a login, or null for a built-in app. */
export async function appOwnerLogin(ctx: ProviderContext, app: OAuthAppRecord): Promise<string | null> {
  if (app.ownerId === null) return null;
  return (await ctx.store.users.byId(app.ownerId))?.login ?? null;
}

export async function listOAuthApps(ctx: ProviderContext, caller: Caller): Promise<OAuthAppRecord[]> {
  return ctx.store.oauthApps.listVisibleTo(caller.principal.user.id);
}

/** The caller's own app with this client id (404 for anyone else's and for built-in apps). */
async function ownOAuthApp(ctx: ProviderContext, caller: Caller, clientId: string): Promise<OAuthAppRecord> {
  const app = await ctx.store.oauthApps.byClientId(clientId);
  if (!app || app.ownerId !== caller.principal.user.id) throw notFound();
  return app;
}

/** Deletes the app and its device codes; the tokens it received stay the user's (listed, revocable). */
export async function deleteOAuthApp(ctx: ProviderContext, caller: Caller, clientId: string): Promise<void> {
  await withTransaction(ctx, async (tx) => {
    const app = await ownOAuthApp(tx, caller, clientId);
    await tx.store.oauthApps.delete(app.id);
    await audit(tx, auditSourceOf(caller), AUDIT_ACTIONS.oauthApplicationDestroy, { data: { name: app.name, client_id: app.clientId } });
  });
}
