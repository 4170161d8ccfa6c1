// One change stream (GET /-/events, Server-Sent Events) per signed-in account, opened with the
// account's own token. Each `changed` event fires RemoteChanges for the account; the views and
// webviews reload on it. A stream that cannot connect (provider down or restarting) retries with
// backoff — at once when the provider is back — and says so once in the log; a reconnection fires
// a change (whatever happened meanwhile). A refused token (signed out elsewhere, revoked) stops the
// account's stream until its token changes.
import * as vscode from 'vscode';
import { createHash } from 'node:crypto';
import { EVENTS_PATH } from '../../shared/api/events';
import { SseParser } from '../../shared/sse-parser';
import { accountIdOf } from '../accounts/account-secrets';
import type { AccountStore } from '../accounts/account-store';
import type { HttpClient } from '../api/http-client';
import type { ProviderDirectory } from '../provider/provider-directory';
import type { RemoteChanges } from './remote-changes';

const BACKOFF_MS = [500, 1000, 2000, 5000, 10_000, 30_000];

interface ChangeStreamDeps {
  readonly log: vscode.LogOutputChannel;
  readonly store: AccountStore;
  readonly client: HttpClient;
  readonly providers: ProviderDirectory;
  readonly remote: RemoteChanges;
}

class AccountStream {
  private readonly abort = new AbortController();
  private wake: (() => void) | undefined;
  private saidDown = false;
  /** The provider answered 200 at least once: a later connection may have missed changes. */
  private connectedBefore = false;
  connected = false;

  constructor(
    readonly accountId: string,
    readonly login: string,
    readonly origin: string,
    private readonly token: string,
    readonly key: string,
    private readonly deps: ChangeStreamDeps,
  ) {
    void this.run();
  }

  /** The provider is back: retry now instead of at the end of the backoff. */
  retryNow(): void {
    this.wake?.();
  }

  stop(): void {
    this.abort.abort();
    this.wake?.();
  }

  private get stopped(): boolean {
    return this.abort.signal.aborted;
  }

  private async run(): Promise<void> {
    const { log, client, providers, remote } = this.deps;
    let attempt = 0;
    while (!this.stopped) {
      try {
        await providers.ensureReady(this.origin);
        if (this.stopped) return;
        const s = await client.openStream(this.origin, EVENTS_PATH, this.token, this.abort.signal);
        if (s.status === 401 || s.status === 403 || s.status === 404) {
          s.close();
          log.warn(`Live updates for ${this.login}: the provider refused this window's token (${s.status}); they resume after the next sign-in`);
          remote.fire(this.accountId); // the views find out what is wrong
          return;
        }
        if (s.status !== 200) {
          s.close();
          throw new Error(`the provider answered ${s.status}`);
        }
        attempt = 0;
        this.connected = true;
        if (this.saidDown) log.info(`Live updates for ${this.login} resumed`);
        this.saidDown = false;
        if (this.connectedBefore) remote.fire(this.accountId);
        this.connectedBefore = true;
        const parser = new SseParser();
        for await (const chunk of s.chunks) {
          for (const e of parser.push(chunk)) if (e.event === 'changed') remote.fire(this.accountId);
        }
        // The provider ended the stream (closing, or this token stopped working): connect again.
      } catch (err) {
        if (this.stopped) return;
        if (!this.saidDown) {
          log.warn(`Live updates for ${this.login} paused: ${err instanceof Error ? err.message : String(err)}; retrying in the background`);
          this.saidDown = true;
        }
      } finally {
        this.connected = false;
      }
      if (this.stopped) return;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, BACKOFF_MS[Math.min(attempt++, BACKOFF_MS.length - 1)]);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
  }
}

export class ChangeStreams implements vscode.Disposable {
  private readonly streams = new Map<string, AccountStream>();
  private readonly disposables: vscode.Disposable[] = [];
  private disposed = false;

  constructor(private readonly deps: ChangeStreamDeps) {
    this.disposables.push(
      deps.store.onDidChangeAccounts(() => this.reconcile()),
      deps.store.onDidChangeSessions(() => this.reconcile()),
      deps.providers.onDidChangeState(() => {
        for (const s of this.streams.values()) if (!s.connected) s.retryNow();
      }),
    );
  }

  /** Opens the streams of the accounts whose secrets are loaded; closes those of accounts gone. */
  reconcile(): void {
    if (this.disposed) return;
    const wanted = new Map<string, { login: string; origin: string; token: string; key: string }>();
    for (const secrets of this.deps.store.allCached()) {
      const id = accountIdOf(secrets.account.providerOrigin, secrets.account.userId);
      if (!this.deps.store.account(id)) continue;
      const key = createHash('sha256').update(`${secrets.account.providerOrigin}\n${secrets.admin.token}`).digest('hex');
      wanted.set(id, { login: secrets.account.login, origin: secrets.account.providerOrigin, token: secrets.admin.token, key });
    }
    for (const [id, s] of [...this.streams]) {
      if (wanted.get(id)?.key !== s.key) {
        s.stop();
        this.streams.delete(id);
      }
    }
    for (const [id, w] of wanted) {
      if (!this.streams.has(id)) this.streams.set(id, new AccountStream(id, w.login, w.origin, w.token, w.key, this.deps));
    }
  }

  /** Accounts whose stream is open now (tests). */
  connectedAccounts(): string[] {
    return [...this.streams.values()].filter((s) => s.connected).map((s) => s.accountId);
  }

  dispose(): void {
    this.disposed = true;
    for (const s of this.streams.values()) s.stop();
    this.streams.clear();
    for (const d of this.disposables) d.dispose();
  }
}
