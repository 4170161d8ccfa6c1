// The embedded provider's lifecycle. One provider serves every VS Code window of a user: on start a
// window asks `https://127.0.0.1:PORT/-/health` (trusting the CA in the shared data folder). A
// Tessera provider that our CA verifies → use it and watch it (every 2 s); nothing there → start
// one in this extension host; anything else → a message naming `tessera.embeddedPort`. When the
// window that runs it closes, a watching window sees it gone and starts one within seconds
// (a loser of that race gets EADDRINUSE, checks again and uses the winner's).
import { randomInt } from 'node:crypto';
import { promises as fsp, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { redactTokens } from '../../shared/token-format';
import { NODE_SQLITE_MINIMUM, nodeHasSqliteStore } from '../../shared/node-sqlite-support';
import { TesseraError } from '../services';
import { secretStorageDataKey } from './data-key-storage';
import { checkHealth, type HealthResult } from './health-check';
import { isDataKeyError, loadProviderModule, type ProviderHandle, type ProviderModule } from './provider-module';

export const EMBEDDED_HOST = '127.0.0.1';
const DEFAULT_EMBEDDED_PORT = 47443;
const WATCH_INTERVAL_MS = 2000;
const CONFLICT_RETRY_MS = 5000;
const READY_TIMEOUT_MS = 30_000;

export type EmbeddedState =
  | { readonly kind: 'stopped' }
  | { readonly kind: 'starting'; readonly port: number }
  | { readonly kind: 'hosting'; readonly port: number; readonly url: string; readonly caCertPath: string }
  | { readonly kind: 'shared'; readonly port: number; readonly url: string; readonly caCertPath: string; readonly version?: string }
  | { readonly kind: 'port-conflict'; readonly port: number; readonly message: string }
  /** dataKey: the data key in SecretStorage is missing or not the database's (Import Data Key… mends it). */
  | { readonly kind: 'failed'; readonly port: number; readonly message: string; readonly dataKey?: true };

interface EmbeddedInfo {
  readonly url: string;
  readonly origin: string;
  readonly caCertPath: string;
  readonly caCertPem: string;
  readonly dataDir: string;
  /** 'hosting': this window runs it; 'shared': another window does. */
  readonly mode: 'hosting' | 'shared';
}

export function embeddedOrigin(port: number): string {
  return `https://${EMBEDDED_HOST}:${port}`;
}

export function embeddedPortSetting(): number {
  const p = vscode.workspace.getConfiguration('tessera').get<number>('embeddedPort', DEFAULT_EMBEDDED_PORT);
  return Number.isInteger(p) && p > 0 && p < 65536 ? p : DEFAULT_EMBEDDED_PORT;
}

export class EmbeddedProvider implements vscode.Disposable {
  private stateValue: EmbeddedState = { kind: 'stopped' };
  private handle: ProviderHandle | undefined;
  private module: ProviderModule | undefined;
  private timer: NodeJS.Timeout | undefined;
  private run: Promise<void> | undefined;
  private generation = 0;
  private caPemCache: { path: string; mtimeMs: number; pem: string } | undefined;
  private readonly emitter = new vscode.EventEmitter<EmbeddedState>();
  readonly onDidChangeState = this.emitter.event;
  readonly dataDir: string;

  constructor(
    private readonly extensionPath: string,
    globalStorage: vscode.Uri,
    private readonly log: vscode.LogOutputChannel,
    private readonly secrets: vscode.SecretStorage,
    /** In ExtensionMode.Test only (test-api.ts TEST_RUN_RATE_LIMIT); GitHub's limits otherwise. */
    private readonly rateLimit?: { anonymous: number },
  ) {
    this.dataDir = path.join(globalStorage.fsPath, 'provider');
  }

  get state(): EmbeddedState {
    return this.stateValue;
  }

  get caCertPath(): string {
    return path.join(this.dataDir, 'tls', 'ca.pem');
  }

  /** The CA's PEM (cached; re-read when the file changes); undefined before the first start. */
  caPem(): string | undefined {
    const file = this.caCertPath;
    try {
      const { mtimeMs } = statSync(file);
      if (this.caPemCache?.path === file && this.caPemCache.mtimeMs === mtimeMs) return this.caPemCache.pem;
      const pem = readFileSync(file, 'utf8');
      this.caPemCache = { path: file, mtimeMs, pem };
      return pem;
    } catch {
      return undefined;
    }
  }

  /** Starts (or finds) the provider in the background. */
  start(): void {
    // Already running here on the port asked for (a setting changed that does not move it): its
    // health check would find this window's own provider and take it for another window's.
    const s = this.stateValue;
    if (this.handle && s.kind === 'hosting' && s.port === embeddedPortSetting()) return;
    const gen = ++this.generation;
    this.clearTimer();
    this.run = this.startup(gen).catch((err) => {
      if (gen !== this.generation) return;
      const text = errText(err);
      // Only a missing node:sqlite, or a Node before 22.16 (whose node:sqlite lacks what the store
      // uses), means "this Node is too old" (not any error that mentions SQLite).
      const noSqlite = (err as { code?: unknown } | undefined)?.code === 'ERR_UNKNOWN_BUILTIN_MODULE' || !nodeHasSqliteStore();
      const hint = noSqlite
        ? ` It needs Node.js ${NODE_SQLITE_MINIMUM} or later (node:sqlite), which VS Code 1.103 or later has; this VS Code runs Node ${process.versions.node}. Use a standalone provider ('tessera serve') with the setting 'tessera.providerUrl'.`
        : '';
      this.setState({
        kind: 'failed',
        port: embeddedPortSetting(),
        message: `The embedded provider could not start: ${text.replace(/\.$/, '')}.${hint}`,
        ...(isDataKeyError(err) ? { dataKey: true as const } : {}),
      });
    });
  }

  /** Waits until the provider is usable; a TesseraError when it is not. */
  async ready(timeoutMs = READY_TIMEOUT_MS): Promise<EmbeddedInfo> {
    if (this.stateValue.kind === 'stopped') this.start();
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const s = this.stateValue;
      if (s.kind === 'hosting' || s.kind === 'shared') {
        const pem = this.handle?.caCertPem ?? this.caPem();
        if (pem) {
          return { url: s.url, origin: embeddedOrigin(s.port), caCertPath: s.caCertPath, caCertPem: pem, dataDir: this.dataDir, mode: s.kind };
        }
      }
      if (s.kind === 'port-conflict' || s.kind === 'failed') {
        throw new TesseraError('provider-down', s.message, { url: embeddedOrigin(s.port) });
      }
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new TesseraError('provider-down', `The embedded Tessera provider at ${embeddedOrigin(embeddedPortSetting())} did not start in time.`, {
          url: embeddedOrigin(embeddedPortSetting()),
        });
      }
      await new Promise<void>((resolve) => {
        const t = setTimeout(() => {
          sub.dispose();
          resolve();
        }, Math.min(left, 500));
        const sub = this.onDidChangeState(() => {
          clearTimeout(t);
          sub.dispose();
          resolve();
        });
      });
    }
  }

  /** Stops the provider this window runs (if any) and starts again. */
  async restart(): Promise<void> {
    const gen = ++this.generation;
    this.clearTimer();
    await this.closeHandle();
    // A start or stop asked for while the provider closed (it answers its requests in flight
    // first) is the newer wish: this one is over.
    if (gen === this.generation) {
      this.setState({ kind: 'stopped' });
      this.start();
    }
    await this.run;
  }

  /** Stops watching and closes the provider this window runs. */
  async stop(): Promise<void> {
    const gen = ++this.generation;
    this.clearTimer();
    await this.closeHandle();
    // Not when started again while the provider closed: 'stopped' would hide the running one.
    if (gen === this.generation) this.setState({ kind: 'stopped' });
  }

  dispose(): void {
    void this.stop();
    this.emitter.dispose();
  }

  // ---- internals ----

  private setState(s: EmbeddedState): void {
    const prev = this.stateValue;
    this.stateValue = s;
    if (prev.kind !== s.kind || JSON.stringify(prev) !== JSON.stringify(s)) {
      const text =
        s.kind === 'hosting' ? `running in this window at ${s.url}`
        : s.kind === 'shared' ? `using the provider of another window at ${s.url}`
        : s.kind === 'port-conflict' || s.kind === 'failed' ? s.message
        : s.kind;
      (s.kind === 'port-conflict' || s.kind === 'failed' ? this.log.error : this.log.info).call(this.log, `Embedded provider: ${text}`);
      this.emitter.fire(s);
    }
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(gen: number, ms: number, job: () => Promise<void>): void {
    this.clearTimer();
    this.timer = setTimeout(() => {
      if (gen !== this.generation) return;
      job().catch((err) => this.log.warn(`Embedded provider watch: ${errText(err)}`));
    }, ms);
  }

  private async startup(gen: number): Promise<void> {
    const port = embeddedPortSetting();
    if (this.stateValue.kind !== 'hosting') this.setState({ kind: 'starting', port });
    for (let attempt = 0; attempt < 3; attempt++) {
      if (gen !== this.generation) return;
      const health = await checkHealth(EMBEDDED_HOST, port, this.caPem());
      if (gen !== this.generation) return;
      if (health.kind === 'tessera' && health.trusted) {
        this.useShared(gen, port, health);
        return;
      }
      if (health.kind !== 'down') {
        this.conflict(gen, port, health);
        return;
      }
      try {
        await this.host(gen, port);
        return;
      } catch (err) {
        if (gen !== this.generation) return;
        if ((err as NodeJS.ErrnoException)?.code === 'EADDRINUSE' || /EADDRINUSE|address already in use/i.test(errText(err))) {
          // Another window won the race (or something else took the port): look again.
          this.log.info(`Embedded provider: port ${port} was taken while starting; checking who has it`);
          await new Promise((r) => setTimeout(r, 200 + randomInt(300)));
          continue;
        }
        throw err;
      }
    }
    this.setState({
      kind: 'port-conflict',
      port,
      message: `Port ${port} on ${EMBEDDED_HOST} keeps being taken while the embedded provider starts. Change the setting 'tessera.embeddedPort'.`,
    });
  }

  private async host(gen: number, port: number): Promise<void> {
    this.module ??= loadProviderModule(this.extensionPath);
    // Readable by this user only (the provider narrows it again, with everything inside, when it starts).
    await fsp.mkdir(this.dataDir, { recursive: true, mode: 0o700 });
    await fsp.chmod(this.dataDir, 0o700);
    const started = performance.now();
    const handle = await this.module.startProvider({
      dataDir: this.dataDir,
      dataKey: secretStorageDataKey(this.secrets),
      port,
      host: EMBEDDED_HOST,
      tls: 'auto',
      signup: 'open',
      log: (level, message) => this.providerLog(level, message),
      logLevel: () => keptProviderLevel(this.log.logLevel),
      ...(this.rateLimit ? { rateLimit: this.rateLimit } : {}),
    });
    if (gen !== this.generation) {
      await handle.close().catch(() => undefined);
      return;
    }
    this.handle = handle;
    const caCertPath = handle.caCertPath ?? this.caCertPath;
    this.log.info(`Embedded provider started in ${Math.round(performance.now() - started)} ms (data: ${this.dataDir})`);
    this.setState({ kind: 'hosting', port, url: handle.url, caCertPath });
  }

  private useShared(gen: number, port: number, health: HealthResult & { kind: 'tessera' }): void {
    this.setState({
      kind: 'shared',
      port,
      url: embeddedOrigin(port),
      caCertPath: this.caCertPath,
      ...(health.version ? { version: health.version } : {}),
    });
    this.watch(gen, port, 0);
  }

  /** Polls the provider of another window; takes over when it is gone. */
  private watch(gen: number, port: number, strikes: number): void {
    this.schedule(gen, WATCH_INTERVAL_MS, async () => {
      const h = await checkHealth(EMBEDDED_HOST, port, this.caPem(), 1500);
      if (gen !== this.generation) return;
      if (h.kind === 'tessera' && h.trusted) return this.watch(gen, port, 0);
      if (h.kind === 'down') {
        this.log.info(`Embedded provider at ${embeddedOrigin(port)} is gone; taking over`);
        await new Promise((r) => setTimeout(r, randomInt(400))); // spread windows that noticed together
        if (gen !== this.generation) return;
        return this.startup(gen);
      }
      // A provider that is shutting down may answer oddly once: look twice before calling it a conflict.
      if (strikes < 1) return this.watch(gen, port, strikes + 1);
      this.conflict(gen, port, h);
    });
  }

  private conflict(gen: number, port: number, health: HealthResult): void {
    const message =
      health.kind === 'tessera'
        ? `Port ${port} on ${EMBEDDED_HOST} is used by another Tessera provider with different data (another VS Code profile or a 'tessera serve'). ` +
          `Change the setting 'tessera.embeddedPort', or set 'tessera.providerUrl' to use that provider.`
        : `Port ${port} on ${EMBEDDED_HOST} is used by another program (it ${health.kind === 'other' ? health.detail : 'is busy'}). ` +
          `Change the setting 'tessera.embeddedPort' to a free port.`;
    this.setState({ kind: 'port-conflict', port, message });
    // When the port frees up, start.
    this.schedule(gen, CONFLICT_RETRY_MS, async () => {
      const h = await checkHealth(EMBEDDED_HOST, port, this.caPem());
      if (gen !== this.generation) return;
      if (h.kind === 'down' || (h.kind === 'tessera' && h.trusted)) return this.startup(gen);
      this.conflict(gen, port, h);
    });
  }

  private async closeHandle(): Promise<void> {
    const h = this.handle;
    this.handle = undefined;
    if (h) {
      try {
        await h.close();
        this.log.info('Embedded provider stopped');
      } catch (err) {
        this.log.warn(`Embedded provider did not stop cleanly: ${errText(err)}`);
      }
    }
  }

  private providerLog(level: string, message: string): void {
    const text = `[provider] ${redactTokens(String(message))}`;
    switch (level) {
      case 'error':
      case 'fatal':
        this.log.error(text);
        break;
      case 'warn':
        this.log.warn(text);
        break;
      case 'debug':
        this.log.debug(text);
        break;
      case 'trace':
        this.log.trace(text);
        break;
      default:
        this.log.info(text);
    }
  }
}

/** The lowest provider level the output channel shows (Off shows nothing: only errors are built). */
function keptProviderLevel(level: vscode.LogLevel): 'debug' | 'info' | 'warn' | 'error' {
  if (level === vscode.LogLevel.Trace || level === vscode.LogLevel.Debug) return 'debug';
  if (level === vscode.LogLevel.Info) return 'info';
  return level === vscode.LogLevel.Warning ? 'warn' : 'error';
}

function errText(err: unknown): string {
  return redactTokens(err instanceof Error ? err.message : String(err));
}

