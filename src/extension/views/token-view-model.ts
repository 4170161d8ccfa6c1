// The tokens of every signed-in account, loaded on demand and shared by the Tokens tree, the
// expiry status bar item and the request-status watcher. One load in flight per account; a
// change anywhere (services.onDidChangeTokens) invalidates everything. Each list loaded is handed
// to services.noteTokenList, so sessions whose token died on the provider are dropped.
//
// An invalidation reloads what the views show before it tells them to re-render, and only when
// what they would show differs (a list, or a row's "expires in …" / "used …" as time passes): a re-render drops the workbench's handles of the tree's items until it has
// fetched them again, and a context-menu command run in that moment would get no item.
import * as vscode from 'vscode';
import type { TesseraServices } from '../services';
import type { TokenJson } from '../../shared/api-types';
import { accountApi, PAGE_SIZE } from '../api/provider-api';
import { withTimeout } from './view-errors';

const PAGE_WAVE = 4;
const MAX_PAGES = 1000;
/** Safety net for a provider that accepts connections but never answers. */
export const LOAD_TIMEOUT_MS = 20_000;

export interface TokensLoaded {
  readonly accountId: string;
  readonly tokens: readonly TokenJson[];
}

export class TokenViewModel implements vscode.Disposable {
  private readonly cache = new Map<string, readonly TokenJson[]>();
  /** What the views were last given, by account (a list loaded since the last re-render), as `rendering` says it. */
  private readonly shown = new Map<string, string>();
  /** What a list looks like in the views at this moment (the Tokens tree sets it: its rows' texts, "expires in 3 days" included). */
  private rendering: (accountId: string, tokens: readonly TokenJson[]) => string = (_accountId, tokens) => JSON.stringify(tokens);
  private readonly inflight = new Map<string, Promise<readonly TokenJson[]>>();
  private generation = 0;
  private readonly loaded = new vscode.EventEmitter<TokensLoaded>();
  private readonly invalidated = new vscode.EventEmitter<void>();
  /** A fresh list arrived from the provider. */
  readonly onDidLoad = this.loaded.event;
  /** Views showing tokens should re-render (and so reload): what they show is out of date. */
  readonly onDidInvalidate = this.invalidated.event;

  constructor(private readonly services: TesseraServices) {}

  cached(accountId: string): readonly TokenJson[] | undefined {
    return this.cache.get(accountId);
  }

  /** The account's tokens: cached, or loaded (all pages). Rejects with TesseraError. */
  tokens(accountId: string): Promise<readonly TokenJson[]> {
    const hit = this.cache.get(accountId);
    if (hit) return Promise.resolve(hit);
    const running = this.inflight.get(accountId);
    if (running) return running;
    const gen = this.generation;
    const p = withTimeout(this.fetchAll(accountId), LOAD_TIMEOUT_MS, this.services).then(
      (tokens) => {
        if (gen === this.generation) {
          this.cache.set(accountId, tokens);
          this.services.noteTokenList(accountId, tokens);
        }
        this.loaded.fire({ accountId, tokens });
        return tokens;
      },
      (err: unknown) => {
        this.shown.delete(accountId); // the views show the problem, not a list
        throw err;
      },
    );
    const tracked = p.finally(() => {
      if (this.inflight.get(accountId) === tracked) this.inflight.delete(accountId);
    });
    this.inflight.set(accountId, tracked);
    return tracked;
  }

  /** Looks a token up in the cache (no network). */
  find(accountId: string, tokenId: number): TokenJson | undefined {
    return this.cache.get(accountId)?.find((t) => t.id === tokenId);
  }

  /**
   * Drops the cache (the next tokens() call loads). The views re-render at once when they show
   * no list for some account (or another set of accounts); else once the reloaded lists have
   * come back, and only if one of them differs from what they show (or failed to load).
   */
  invalidate(): void {
    this.generation++;
    const gen = this.generation;
    this.cache.clear();
    this.inflight.clear();
    const accounts = this.services.accounts().map((a) => a.id);
    const shown = new Map(this.shown);
    if (accounts.length !== shown.size || accounts.some((id) => !shown.has(id))) {
      this.rerender();
      return;
    }
    void Promise.all(accounts.map((id) => this.tokens(id).then((t) => this.rendering(id, t) === shown.get(id), () => false))).then((same) => {
      if (gen === this.generation && !same.every(Boolean)) this.rerender();
    });
  }

  /** The views are about to show this account's list (the Tokens tree calls it as it renders). */
  showing(accountId: string, tokens: readonly TokenJson[]): void {
    this.shown.set(accountId, this.rendering(accountId, tokens));
  }

  /** How the views render a list, for telling whether a reload changes what they show (time-relative texts too). */
  renderedAs(rendering: (accountId: string, tokens: readonly TokenJson[]) => string): void {
    this.rendering = rendering;
  }

  private rerender(): void {
    this.shown.clear();
    this.invalidated.fire();
  }

  /** Loads every account's tokens (errors are swallowed: the views show them). */
  async loadAll(): Promise<void> {
    await Promise.all(this.services.accounts().map((a) => this.tokens(a.id).catch(() => undefined)));
  }

  /** Page 1, then the next pages PAGE_WAVE at a time while pages come back full. */
  private async fetchAll(accountId: string): Promise<readonly TokenJson[]> {
    const api = accountApi(this.services, accountId);
    const page = (n: number) => api.listTokens({ page: n, perPage: PAGE_SIZE });
    const first = await page(1);
    const out: TokenJson[] = Array.isArray(first) ? [...first] : [];
    if (!Array.isArray(first) || first.length < PAGE_SIZE) return out;
    for (let next = 2; next <= MAX_PAGES; next += PAGE_WAVE) {
      const wave = await Promise.all(Array.from({ length: PAGE_WAVE }, (_, i) => page(next + i)));
      let full = true;
      for (const batch of wave) {
        if (!Array.isArray(batch)) {
          full = false;
          break;
        }
        out.push(...batch);
        if (batch.length < PAGE_SIZE) {
          full = false;
          break;
        }
      }
      if (!full) break;
    }
    // a token could move between pages while they load: keep the first copy of each id
    const seen = new Set<number>();
    return out.filter((t) => (seen.has(t.id) ? false : (seen.add(t.id), true)));
  }

  dispose(): void {
    this.loaded.dispose();
    this.invalidated.dispose();
  }
}
