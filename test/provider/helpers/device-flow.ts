// The device side of the OAuth device flow for tests: POST /login/device/code and
// POST /login/oauth/access_token, form-encoded as gh sends them (answers parsed whatever their type).
import type { TestProvider } from './provider';

export const GH_CLIENT_ID = '178c6fc778ccc68e1d6a';
const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

interface OAuthAnswer {
  status: number;
  contentType: string;
  fields: Record<string, string>;
  text: string;
}

/** `query`: parameters sent in the URL as well (the provider refuses them), e.g. `{ client_secret }`. */
export async function postOAuth(t: TestProvider, path: string, fields: Record<string, string>, opts: { json?: boolean; jsonBody?: boolean; query?: Record<string, string> } = {}): Promise<OAuthAnswer> {
  const query = opts.query ? `?${new URLSearchParams(opts.query)}` : '';
  const res = await t.api.post(`${t.provider.url}${path}${query}`, {
    headers: { accept: opts.json ? 'application/json' : '*/*' },
    raw: opts.jsonBody ? JSON.stringify(fields) : new URLSearchParams(fields).toString(),
    contentType: opts.jsonBody ? 'application/json' : 'application/x-www-form-urlencoded',
  });
  const contentType = res.headers.get('content-type') ?? '';
  const out: Record<string, string> = {};
  if (contentType.startsWith('application/x-www-form-urlencoded')) for (const [k, v] of new URLSearchParams(res.text)) out[k] = v;
  else if (contentType.startsWith('application/json')) for (const [k, v] of Object.entries(JSON.parse(res.text) as Record<string, unknown>)) out[k] = String(v);
  return { status: res.status, contentType, fields: out, text: res.text };
}

interface StartedDevice {
  deviceCode: string;
  userCode: string;
  interval: number;
}

export async function startDevice(t: TestProvider, scope = 'repo read:org', clientId = GH_CLIENT_ID): Promise<StartedDevice> {
  const r = await postOAuth(t, '/login/device/code', { client_id: clientId, scope });
  if (r.status !== 200 || !r.fields.device_code) throw new Error(`POST /login/device/code: ${r.status} ${r.text}`);
  return { deviceCode: r.fields.device_code, userCode: r.fields.user_code, interval: Number(r.fields.interval) };
}

/** One poll of the token endpoint with the device grant. */
export function pollToken(t: TestProvider, deviceCode: string, clientId = GH_CLIENT_ID): Promise<OAuthAnswer> {
  return postOAuth(t, '/login/oauth/access_token', { client_id: clientId, device_code: deviceCode, grant_type: DEVICE_GRANT });
}
