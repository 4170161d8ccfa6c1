// The one HTTP client every test layer speaks to a real provider through (undici, HTTP or HTTPS).
import { Agent, fetch } from 'undici';

interface BasicCredentials {
  login: string;
  password: string;
}

export interface CallOptions {
  /** `Authorization: token <t>` */
  token?: string;
  /** Scheme word for the token (default `token`; e.g. `Bearer`, `bearer`). */
  tokenScheme?: string;
  basic?: BasicCredentials;
  otp?: string;
  /** JSON body (serialized). */
  body?: unknown;
  /** Raw body bytes/text (sent as is, with `contentType`). */
  raw?: Buffer | string;
  contentType?: string;
  headers?: Record<string, string>;
}

export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  text: string;
  /** Parsed JSON body (undefined when empty or not JSON). */
  json: T;
}

export function basicHeader(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`;
}

export class ApiClient {
  private readonly dispatcher?: Agent;

  /**
   * A token test users are signed up with (createUser): POST /users then counts against that
   * token's user, not against the client address's anonymous requests an hour, which every
   * test of an extension-host run shares on the embedded provider. Unset: signed up anonymously.
   */
  signUpToken?: string;

  /** `origin` like https://127.0.0.1:1234; `ca` (PEM) to trust for HTTPS. */
  constructor(readonly origin: string, ca?: string) {
    if (ca) this.dispatcher = new Agent({ connect: { ca } });
  }

  get apiUrl(): string {
    return `${this.origin}/api/v3`;
  }

  /** `path` under /api/v3 unless it starts with `/-/` or is absolute. */
  async call<T = any>(method: string, path: string, opts: CallOptions = {}): Promise<ApiResponse<T>> {
    const url = /^https?:/.test(path) ? path : path.startsWith('/-/') ? `${this.origin}${path}` : `${this.apiUrl}${path}`;
    const headers: Record<string, string> = { accept: 'application/vnd.github+json', ...(opts.headers ?? {}) };
    if (opts.token !== undefined) headers.authorization = `${opts.tokenScheme ?? 'token'} ${opts.token}`;
    if (opts.basic) headers.authorization = basicHeader(opts.basic.login, opts.basic.password);
    if (opts.otp !== undefined) headers['x-github-otp'] = opts.otp;
    let body: Buffer | string | undefined;
    if (opts.raw !== undefined) {
      body = opts.raw;
      headers['content-type'] = opts.contentType ?? 'application/json';
    } else if (opts.body !== undefined) {
      body = JSON.stringify(opts.body);
      headers['content-type'] = 'application/json; charset=utf-8';
    }
    const res = await fetch(url, { method, headers, body, ...(this.dispatcher ? { dispatcher: this.dispatcher } : {}) });
    const text = await res.text();
    let json: any;
    if (text && (res.headers.get('content-type') ?? '').includes('json')) json = JSON.parse(text);
    return { status: res.status, headers: res.headers as unknown as Headers, text, json };
  }

  get<T = any>(path: string, opts?: CallOptions) { return this.call<T>('GET', path, opts); }
  post<T = any>(path: string, opts?: CallOptions) { return this.call<T>('POST', path, opts); }
  patch<T = any>(path: string, opts?: CallOptions) { return this.call<T>('PATCH', path, opts); }
  put<T = any>(path: string, opts?: CallOptions) { return this.call<T>('PUT', path, opts); }
  delete<T = any>(path: string, opts?: CallOptions) { return this.call<T>('DELETE', path, opts); }

  async close(): Promise<void> {
    await this.dispatcher?.close();
  }
}
