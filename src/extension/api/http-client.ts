// The HTTP client for the provider's API, on undici. One undici Agent per (origin, trust): the
// embedded provider's Agent trusts exactly its local CA (`connect.ca`); a remote provider uses the
// system CAs plus an optional CA file. JSON in and out; failures become TesseraErrors
// (provider-errors.ts). Never logs a header or a body: only method, URL path, status and time.
import { createHash } from 'node:crypto';
import * as tls from 'node:tls';
import type { Agent as UndiciAgent } from 'undici';
import { redactTokens } from '../../shared/token-format';
import { TesseraError } from '../services';
import { errorFromAnswer, errorFromTransport, type AuthUsed, type ProviderAnswer } from './provider-errors';

export type Credentials =
  | { readonly kind: 'token'; readonly token: string }
  | { readonly kind: 'basic'; readonly username: string; readonly password: string };

interface RequestOptions {
  readonly auth?: Credentials;
  /** The `X-GitHub-OTP` header (a TOTP or recovery code). */
  readonly otp?: string;
  readonly body?: unknown;
  readonly timeoutMs?: number;
}

interface Logger {
  trace(message: string): void;
  debug(message: string): void;
  warn(message: string): void;
}

/** Answers the CA PEM(s) to trust for an origin; undefined = the system's CAs. */
type TrustResolver = (origin: string) => Promise<string | undefined>;

const USER_AGENT = 'Tessera-VSCode';
const DEFAULT_TIMEOUT_MS = 30_000;
const CONNECT_TIMEOUT_MS = 5_000;

type Undici = typeof import('undici');
let undiciModule: Promise<Undici> | undefined;
/** undici is loaded on first use, not at activation (activate() must stay fast). */
function loadUndici(): Promise<Undici> {
  undiciModule ??= import('undici');
  return undiciModule;
}

export class HttpClient {
  private readonly agents = new Map<string, UndiciAgent>();

  constructor(
    private readonly trust: TrustResolver,
    private readonly log: Logger,
  ) {}

  private async agentFor(origin: string): Promise<UndiciAgent> {
    const ca = await this.trust(origin);
    const key = `${origin}|${ca ? createHash('sha256').update(ca).digest('hex') : 'system'}`;
    let agent = this.agents.get(key);
    if (!agent) {
      const { Agent } = await loadUndici();
      agent = new Agent({
        connect: { ...(ca ? { ca } : {}), timeout: CONNECT_TIMEOUT_MS },
        keepAliveTimeout: 10_000,
      });
      // An origin's trust changed (e.g. a new CA after the data folder was reset): drop the old agent.
      for (const [k, a] of this.agents) {
        if (k.startsWith(`${origin}|`)) {
          this.agents.delete(k);
          void a.close().catch(() => undefined);
        }
      }
      this.agents.set(key, agent);
    }
    return agent;
  }

  /** The raw answer (any status). Rejects with a TesseraError only when there is no answer. */
  async request(origin: string, method: string, path: string, opts: RequestOptions = {}): Promise<ProviderAnswer> {
    const url = origin + path;
    const headers: Record<string, string> = {
      accept: 'application/vnd.github+json, application/json',
      'user-agent': USER_AGENT,
    };
    if (opts.auth?.kind === 'token') headers.authorization = `token ${opts.auth.token}`;
    if (opts.auth?.kind === 'basic') {
      headers.authorization = `Basic ${Buffer.from(`${opts.auth.username}:${opts.auth.password}`, 'utf8').toString('base64')}`;
    }
    if (opts.otp) headers['x-github-otp'] = opts.otp;
    let payload: string | undefined;
    if (opts.body !== undefined) {
      payload = JSON.stringify(opts.body);
      headers['content-type'] = 'application/json; charset=utf-8';
    }
    const started = performance.now();
    const timeout = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    try {
      const { request } = await loadUndici();
      const dispatcher = await this.agentFor(origin);
      const res = await request(url, {
        method: method as 'GET',
        headers,
        body: payload,
        dispatcher,
        headersTimeout: timeout,
        bodyTimeout: timeout,
      });
      const text = await res.body.text();
      let body: unknown;
      let notJson = false;
      if (text.length) {
        try {
          body = JSON.parse(text);
        } catch {
          body = { message: text.slice(0, 2000) };
          notJson = true;
        }
      }
      const answer: ProviderAnswer = { status: res.statusCode, headers: res.headers, body, ...(notJson ? { notJson } : {}) };
      this.log.trace(`${method} ${redactTokens(url)} → ${res.statusCode} (${Math.round(performance.now() - started)} ms)`);
      return answer;
    } catch (err) {
      const e = errorFromTransport(err, origin);
      this.log.debug(`${method} ${redactTokens(url)} failed: ${e.message}`);
      throw e;
    }
  }

  /**
   * Opens a long-lived GET (a Server-Sent Events stream) with the token: resolves once the answer's
   * head arrived, with its status and the body's text chunks; `signal` ends it. No body deadline
   * (the stream is quiet between events); the head must come within the usual time.
   */
  async openStream(origin: string, path: string, token: string, signal: AbortSignal): Promise<{ status: number; chunks: AsyncIterable<string>; close(): void }> {
    try {
      const { request } = await loadUndici();
      const dispatcher = await this.agentFor(origin);
      const res = await request(origin + path, {
        method: 'GET',
        headers: { accept: 'text/event-stream', 'user-agent': USER_AGENT, authorization: `token ${token}` },
        dispatcher,
        signal,
        headersTimeout: DEFAULT_TIMEOUT_MS,
        bodyTimeout: 0,
      });
      this.log.trace(`GET ${redactTokens(origin + path)} → ${res.statusCode} (stream)`);
      res.body.setEncoding('utf8');
      // Closing the stream (or aborting its signal) makes the body emit an AbortError: expected, and
      // the reader's for-await sees it anyway; without a listener it would be an uncaught exception.
      res.body.on('error', () => undefined);
      return { status: res.statusCode, chunks: res.body as AsyncIterable<string>, close: () => res.body.destroy() };
    } catch (err) {
      throw errorFromTransport(err, origin);
    }
  }

  /** The parsed JSON body of a 2xx answer (undefined for 204); a TesseraError otherwise. */
  async json<T>(origin: string, method: string, path: string, opts: RequestOptions = {}): Promise<T> {
    const answer = await this.request(origin, method, path, opts);
    if (answer.status >= 200 && answer.status < 300) {
      // Some other web server at the provider's address (a wrong URL) answers pages, not the API.
      if (answer.notJson) {
        throw new TesseraError('server', `The server at ${origin} is not a Tessera provider: it answered ${method} ${path.split('?')[0]} with something other than JSON. Check the provider's URL ('tessera.providerUrl').`, { status: answer.status, url: origin + path });
      }
      return answer.body as T;
    }
    const auth: AuthUsed = opts.auth ? opts.auth.kind : 'none';
    throw errorFromAnswer(answer, origin + path, auth);
  }

  async dispose(): Promise<void> {
    const agents = [...this.agents.values()];
    this.agents.clear();
    await Promise.all(agents.map((a) => a.close().catch(() => undefined)));
  }
}

/** The system's root CAs plus extra PEMs (undici's `connect.ca` replaces the defaults). */
export function withSystemRoots(extraPem: string): string {
  return [...tls.rootCertificates, extraPem].join('\n');
}
