// The device flow's last step (POST /login/oauth/access_token, device grant): the device polls
// with its device code until the person approved or denied it, or it expired. An approved code
// is used once: the one poll that marks it used gets a classic token with the approved scopes
// (oauth-token-issuance.ts); every other poll hears incorrect_device_code.
import type { AccessTokenResponse, DeviceTokenRequest } from '../../shared/api-types';
import type { ProviderContext } from '../context';
import { SECOND } from '../clock';
import { codeDigest } from './device-codes';
import { OAuthError } from './oauth-error';
import { issueOAuthToken } from './oauth-token-issuance';

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
  return issueOAuthToken(
    ctx,
    {
      app,
      userId: code.userId,
      scopes: code.scopes,
      flow: 'the device flow',
      fingerprint: `device-${code.id}`,
      markUsed: (tx, tokenId) => tx.store.deviceCodes.markUsed(code.id, tokenId, tx.clock.now()),
      refusal: 'incorrect_device_code',
    },
    ip,
  );
}
