// The device flow's first step (POST /login/device/code): an app asks for a device code for some
// classic scopes; the answer carries the user code the person types, where to type it, how long
// it lives and how often the device may poll.
import type { DeviceCodeResponse } from '../../shared/api-types';
import type { ProviderContext } from '../context';
import { MINUTE } from '../clock';
import { UniqueViolation } from '../store/errors';
import { validateScopes } from '../tokens/scope-input';
import { codeDigest, newDeviceCode, newUserCode } from './device-codes';
import { OAuthError } from './oauth-error';

const DEVICE_CODE_LIFETIME_MS = 15 * MINUTE;
const DEVICE_POLL_INTERVAL_S = 5;
/** Expired codes are kept this long (so a late poll still hears expired_token), then deleted. */
const EXPIRED_KEPT_MS = 60 * MINUTE;

/** `repo read:org` or `repo,read:org` → a validated, normalized scope list (422 naming `scope`). */
export function parseScopeParameter(scope: string | undefined): string[] {
  const names = (scope ?? '').split(/[\s,]+/).filter((s) => s.length > 0);
  return validateScopes('scope', names);
}

export async function requestDeviceCode(ctx: ProviderContext, input: { clientId: string; scope?: string }): Promise<DeviceCodeResponse> {
  const scopes = parseScopeParameter(input.scope);
  const app = await ctx.store.oauthApps.byClientId(input.clientId);
  if (!app) throw new OAuthError('incorrect_client_credentials', 400);
  const now = ctx.clock.now();
  await ctx.store.deviceCodes.deleteExpired(new Date(now.getTime() - EXPIRED_KEPT_MS));
  for (let attempt = 0; ; attempt++) {
    const deviceCode = newDeviceCode();
    const userCode = newUserCode();
    try {
      await ctx.store.deviceCodes.create({
        appId: app.id,
        deviceCodeDigest: codeDigest(deviceCode),
        userCodeDigest: codeDigest(userCode),
        scopes,
        intervalSeconds: DEVICE_POLL_INTERVAL_S,
        expiresAt: new Date(now.getTime() + DEVICE_CODE_LIFETIME_MS),
        createdAt: now,
      });
      return {
        device_code: deviceCode,
        user_code: userCode,
        verification_uri: `${ctx.origin}/login/device`,
        expires_in: DEVICE_CODE_LIFETIME_MS / 1000,
        interval: DEVICE_POLL_INTERVAL_S,
      };
    } catch (err) {
      // A user code already in use (1 in 28^8 per live code): draw again (bounded).
      if (!(err instanceof UniqueViolation) || attempt >= 5) throw err;
    }
  }
}
