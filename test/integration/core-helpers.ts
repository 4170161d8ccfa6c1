// Helpers for the core's extension-host tests: the extension's test API, an HTTP client for the
// real embedded provider (trusting its CA), waiting for conditions and events. Users, 2FA, tokens
// and orgs come from ../builders.
import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import * as vscode from 'vscode';
import type { AccountInfo } from '../../src/extension/services';
import type { CoreServices } from '../../src/extension/core-services';
import type { ShownPrompt } from '../../src/extension/auth/quick-input';
import type { TesseraApi } from '../../src/extension/test-api';
import { ApiClient } from '../builders/api-client';
import { uniqueName } from '../builders/unique-name';
import { signIn } from '../builders/sessions';
import { createUser, type TestUser } from '../builders/users';

const EXTENSION_ID = 'tessera-dev.tessera';

/** A loopback port nothing listens on (opened, then closed again): a provider there is down. */
export async function closedPort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as net.AddressInfo;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

/**
 * An account at a provider that is down (on a closed port), as another window that signed in
 * there would have written it to the secret storage; resolves once the extension lists it.
 */
export async function accountOnDeadProvider(
  api: TesseraApi,
  account: { userId: number; login: string; tokens?: { tokenId: number; token: string }[] },
): Promise<{ id: string; origin: string; port: number }> {
  const port = await closedPort();
  const origin = `https://127.0.0.1:${port}`;
  const id = `${origin}#${account.userId}`;
  const value = {
    v: 1,
    account: { providerOrigin: origin, userId: account.userId, login: account.login, twoFactorEnabled: false },
    admin: { tokenId: 1, token: 'tsp_000000000000000000000000000000000000', createdAt: new Date().toISOString() },
    sessions: [],
    tokens: account.tokens ?? [],
  };
  await api.writeSecretRaw(api.secretKey(id), JSON.stringify(value));
  await waitFor('the account written by "another window"', () => api.services.accounts().some((a) => a.id === id) || undefined);
  return { id, origin, port };
}

/**
 * Makes the embedded provider this window runs unreachable the way a person meets it: it stops,
 * and another program (a plain HTTP server) takes its port, so a call finds the provider down
 * (a 'provider-down' error naming the port). `restore()` frees the port and starts the provider
 * again; it resolves once the provider runs here again.
 */
export async function embeddedProviderDown(api: TesseraApi): Promise<{ port: number; restore(): Promise<void> }> {
  const port = Number(new URL((await api.providerInfo()).origin).port);
  await api.embedded.stop();
  const sockets = new Set<net.Socket>();
  const squatter = net.createServer((s) => {
    sockets.add(s.on('close', () => sockets.delete(s)));
    s.end('HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nhi');
  });
  await new Promise<void>((resolve, reject) => {
    squatter.once('error', reject);
    squatter.listen(port, '127.0.0.1', () => resolve());
  });
  let restored = false;
  return {
    port,
    async restore() {
      if (restored) return;
      restored = true;
      const closed = new Promise<void>((r) => squatter.close(() => r()));
      for (const s of sockets) s.destroy(); // a client that keeps its half open would hold close() back
      await closed;
      await api.embedded.restart();
      await waitFor('the embedded provider running again', () => (api.embedded.state().kind === 'hosting' ? true : undefined));
    },
  };
}

export async function tesseraApi(): Promise<TesseraApi> {
  const ext = vscode.extensions.getExtension<TesseraApi>(EXTENSION_ID);
  assert.ok(ext, `${EXTENSION_ID} is not installed in this extension host`);
  const api = await ext.activate();
  assert.ok(api && typeof api.providerInfo === 'function', 'activate() did not return the Tessera test API');
  return api;
}

/** A client of the embedded provider the extension started (same CA, same origin). */
export async function providerClient(api: TesseraApi): Promise<ApiClient> {
  const info = await api.providerInfo();
  const client = new ApiClient(info.origin, info.caCertPem);
  client.signUpToken = await registrarToken(client);
  return client;
}

let registrar: { origin: string; token: string } | undefined;

/**
 * The token of this run's registrar, a user made once per provider (the one anonymous sign-up)
 * whose token signs every other test user up: the run's sign-ups count against that user's hourly
 * limit, not against 127.0.0.1's anonymous requests, which the extension's own sign-ups and
 * refused credentials use too. Made again when the provider no longer knows it.
 */
async function registrarToken(client: ApiClient): Promise<string> {
  if (registrar?.origin === client.origin && (await client.get('/user', { token: registrar.token })).status === 200) return registrar.token;
  const user = await createUser({ api: client }, { login: uniqueName('registrar') });
  registrar = { origin: client.origin, token: (await signIn({ api: client }, user, [])).token };
  return registrar.token;
}

/** What a describe block works with: the test API, a provider client, a user signed in here. */
export interface SignedInFixture {
  readonly api: TesseraApi;
  readonly client: ApiClient;
  readonly user: TestUser;
  readonly account: AccountInfo;
}

/** For a `before` hook: the test API, a client, and a new user (login `<prefix>-…`) signed in here. */
export async function signedInFixture(prefix: string): Promise<SignedInFixture> {
  const api = await tesseraApi();
  const client = await providerClient(api);
  return { api, client, ...(await newSignedInUser(api, client, prefix)) };
}

/** For an `after` hook: signs the fixture's user out of every account here and closes the client. */
export async function closeSignedInFixture(f: Partial<SignedInFixture>): Promise<void> {
  for (const a of f.api?.services.accounts().filter((x) => x.login === f.user?.login) ?? []) await f.api!.signOut(a.id).catch(() => undefined);
  await f.client?.close();
}

/** A new user (login `<prefix>-…`) on the embedded provider, signed in in this window. */
export async function newSignedInUser(api: TesseraApi, client: ApiClient, prefix: string): Promise<{ user: TestUser; account: AccountInfo }> {
  const user = await createUser({ api: client }, { login: uniqueName(prefix) });
  const account = await api.signInWithPassword({ login: user.login, password: user.password });
  return { user, account };
}

export async function waitFor<T>(what: string, fn: () => T | undefined | Promise<T | undefined>, timeoutMs = 15_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v as T;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Tessera's own prompt (pick or box) whose text matches `re`, once the workbench shows it and it is not busy. */
export function waitForPrompt(api: TesseraApi, re: RegExp): Promise<ShownPrompt> {
  return waitFor(`a prompt matching ${re}`, () => {
    const p = api.prompts.shown();
    return p && p.onScreen && !p.busy && re.test(p.prompt) ? p : undefined;
  });
}

/** A provider answer the extension is kept from seeing until the test releases it (holdProviderAnswer). */
export interface HeldAnswer {
  /** Whether the provider has answered the call (whatever it answered): what it did is done there. */
  answered(): boolean;
  /** Hands the answer on to the extension (at once if it comes later) and stops holding calls. */
  release(): void;
}

/**
 * Holds the answer to the extension's next `method` call to the provider whose path matches `path`:
 * the provider gets the call and acts on it, the extension gets its answer only on `release()`.
 * A test of "Escape while the answer is checked" thus has the Escape reach the extension host
 * before the answer does, whichever of the two (the workbench's hide, the provider's scrypt) is
 * faster on the machine; escapeWhileChecked does that.
 */
export function holdProviderAnswer(api: TesseraApi, method: string, path: RegExp): HeldAnswer {
  const client = (api.services as CoreServices).client as unknown as { json: (origin: string, method: string, path: string, ...rest: unknown[]) => Promise<unknown> };
  const own = Object.prototype.hasOwnProperty.call(client, 'json');
  const real = client.json;
  const restore = () => {
    if (own) client.json = real;
    else delete (client as { json?: unknown }).json;
  };
  let released!: () => void;
  const releasedP = new Promise<void>((r) => (released = r));
  let answered = false;
  client.json = function (this: unknown, origin, m, p, ...rest) {
    const call = real.call(this, origin, m, p, ...rest);
    if (m !== method || !path.test(p.split('?')[0]!)) return call;
    restore(); // only this call is held
    const settled = call.then(() => undefined, () => undefined);
    void settled.then(() => (answered = true));
    return settled.then(() => releasedP).then(() => call);
  };
  return {
    answered: () => answered,
    release() {
      restore();
      released();
    },
  };
}

/**
 * Escape while the prompt's answer is checked, deterministically: once the provider has answered
 * it (`held`), Escape, and the answer is released only after the hide has reached the extension
 * host (the prompt is no longer shown there), as when the person presses Escape before it comes.
 */
export async function escapeWhileChecked(api: TesseraApi, held: HeldAnswer): Promise<void> {
  try {
    await waitFor('the provider to answer the held call', () => held.answered() || undefined);
    assert.ok(api.prompts.shown()?.busy, 'the prompt is still checking the answer');
    await api.prompts.cancel();
    await waitFor('the Escape to reach the extension host (the prompt ended)', () => (api.prompts.shown() === undefined ? true : undefined));
  } finally {
    held.release();
  }
}

/** The next event of `event` matching `pred`, or a timeout error. */
export function nextEvent<T>(event: vscode.Event<T>, pred: (e: T) => boolean, what: string, timeoutMs = 10_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`no ${what} within ${timeoutMs} ms`));
    }, timeoutMs);
    const sub = event((e) => {
      if (pred(e)) {
        clearTimeout(timer);
        sub.dispose();
        resolve(e);
      }
    });
  });
}

/** A Memento kept in a Map (what a view model stores in globalState, seen by the test). */
export class MapMemento implements vscode.Memento {
  readonly map = new Map<string, unknown>();
  keys(): readonly string[] {
    return [...this.map.keys()];
  }
  get<T>(key: string, defaultValue?: T): T | undefined {
    return (this.map.has(key) ? this.map.get(key) : defaultValue) as T | undefined;
  }
  async update(key: string, value: unknown): Promise<void> {
    this.map.set(key, value);
  }
}
