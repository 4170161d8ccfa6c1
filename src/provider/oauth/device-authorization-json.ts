// A device authorization as the approving person sees it: the app, the scopes it asks for, its
// status (expired is computed) and, once the device has its token, the token's id.
import type { DeviceAuthorizationJson, DeviceAuthorizationStatus } from '../../shared/api-types';
import type { DeviceCodeRecord } from '../store/device-codes';
import type { OAuthAppRecord } from '../store/oauth-apps';
import { oauthAppRefJson } from './oauth-app-json';
import { isoTime } from '../iso-time';

export function deviceStatus(code: DeviceCodeRecord, now: Date): DeviceAuthorizationStatus {
  if ((code.status === 'pending' || code.status === 'approved') && code.expiresAt.getTime() <= now.getTime()) return 'expired';
  return code.status;
}

export function deviceAuthorizationJson(code: DeviceCodeRecord, app: OAuthAppRecord, appOwner: string | null, now: Date): DeviceAuthorizationJson {
  return {
    id: code.id,
    app: { ...oauthAppRefJson(app), owner: appOwner },
    scopes: code.scopes,
    status: deviceStatus(code, now),
    expires_at: isoTime(code.expiresAt),
    token_id: code.tokenId,
  };
}
