// The device flow's last step (POST /login/oauth/access_token, device grant): the device polls
// with its device code until the person approved or denied it, or it expired. An approved code
// is used once: the one poll that marks it used gets a classic token with the approved scopes,
// minted in the same transaction; every other poll hears incorrect_device_code.
import type { AccessTokenResponse, DeviceTokenRequest } from '../../shared/api-types';
import { AUDIT_ACTIONS } from '../audit/audit-log';
import { audit } from '../audit/audit';
import type { ProviderContext } from '../context';
import { SECOND } from '../clock';
import type { DeviceCodeRecord } from '../store/device-codes';
import type { OAuthAppRecord } from '../store/oauth-apps';
import { mintToken } from '../tokens/token-service';
import { withTransaction } from '../transaction';
import { codeDigest } from './device-codes';
import { OAuthError } from './oauth-error';

export const DEVICE_GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:device_code';
/** What slow_down adds to the interval (GitHub: 5 seconds). */
const SLOW_DOWN_S = 5;
/** Polls may come this much sooner than the interval (network jitter) without a slow_down. */
const POLL_JITTER_MS = SECOND;

export async function exchangeDeviceCode(ctx: ProviderContext, body: DeviceTokenRequest, ip: string): Promise<AccessTokenResponse> {
  if (body.grant_type !== DEVICE_GRANT_TYPE) throw new OAuthError('unsupported_grant_type');
  const app = await ctx.store.oauthApps.byClientId(body.client_id);
  if (!app) throw new OAuthError('incorrect_client_credentials');
  const code = await ctx.store.deviceCodes.byDeviceCodeDigest(codeDigest(body.device_code));
  if (!code || code.appId !== app.id || code.status === 'used') throw new OAuthError('incorrect_device_code');
  const now = ctx.clock.now();
  if (code.expiresAt.getTime() <= now.getTime()) throw new OAuthError('expired_token');
  if (code.status === 'denied') throw new OAuthError('access_denied');
  if (code.status === 'pending') {
    const minGap = Math.max(0, code.intervalSeconds * SECOND - POLL_JITTER_MS);
    if (!(await ctx.store.deviceCodes.recordPoll(code.id, now, minGap))) {
      // Polled too soon — or approved meanwhile: look again before telling the device to slow down.
      const again = await ctx.store.deviceCodes.byId(code.id);
      if (again?.status !== 'pending') return exchangeDeviceCode(ctx, body, ip);
      throw new OAuthError('slow_down', 200, { interval: await ctx.store.deviceCodes.slowDown(code.id, SLOW_DOWN_S) });
    }
    throw new OAuthError('authorization_pending');
  }
  return issueToken(ctx, app, code, ip);
}

async function issueToken(ctx: ProviderContext, app: OAuthAppRecord, code: DeviceCodeRecord, ip: string): Promise<AccessTokenResponse> {
  return withTransaction(ctx, async (tx) => {
    const user = code.userId !== null ? await tx.store.users.byId(code.userId) : undefined;
    if (!user) throw new OAuthError('incorrect_device_code');
    const { record, secret } = await mintToken(tx, {
      userId: user.id,
      kind: 'classic',
      note: app.name,
      description: `Authorized with the device flow for ${app.name}`,
      noteUrl: app.url,
      clientId: app.clientId,
      fingerprint: `device-${code.id}`,
      scopes: code.scopes,
      status: 'active',
      expiresAt: null,
    });
    // Only one poll may use the code: a second one finds it used and rolls its token back.
    if (!(await tx.store.deviceCodes.markUsed(code.id, record.id, ctx.clock.now()))) throw new OAuthError('incorrect_device_code');
    await audit(tx, { user, ip }, AUDIT_ACTIONS.oauthAccessCreate, {
      tokenId: record.id,
      data: { application: app.name, client_id: app.clientId, scopes: record.scopes, token_last_eight: record.tokenLastEight },
    });
    return { access_token: secret, token_type: 'bearer', scope: record.scopes.join(',') };
  });
}
