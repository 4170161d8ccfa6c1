// OAuth apps on the wire: the full app (its registration API) and the short reference a token or
// a device authorization carries.
import type { OAuthAppJson, OAuthAppRefJson } from '../../shared/api-types';
import type { OAuthAppRecord } from '../store/oauth-apps';
import { isoTime } from '../iso-time';

export function oauthAppRefJson(app: OAuthAppRecord): OAuthAppRefJson {
  return { name: app.name, client_id: app.clientId, url: app.url };
}

export function oauthAppJson(app: OAuthAppRecord, ownerLogin: string | null, clientSecret?: string): OAuthAppJson {
  return {
    id: app.id,
    ...oauthAppRefJson(app),
    callback_url: app.callbackUrl,
    owner: ownerLogin,
    created_at: isoTime(app.createdAt),
    ...(clientSecret !== undefined ? { client_secret: clientSecret } : {}),
  };
}
