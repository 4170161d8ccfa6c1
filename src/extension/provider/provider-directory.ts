// Which provider(s) this window talks to and how it trusts them. `tessera.providerUrl` is
// `embedded` (default: the embedded provider at https://127.0.0.1:<tessera.embeddedPort>, trusted
// through its local CA) or the https:// URL of a standalone provider (system CAs, plus
// `tessera.caFile` when set). Accounts remember their provider's origin, so an account made on
// another provider keeps working with the same client code.
import { readFile } from 'node:fs/promises';
import * as vscode from 'vscode';
import { withSystemRoots } from '../api/http-client';
import { EMBEDDED_HOST, embeddedOrigin, embeddedPortSetting, type EmbeddedProvider } from './embedded-provider';
import { normalizeOrigin } from './origin';

const REMOTE_POLL_MS = 5000;

interface ProviderState {
  readonly origin: string;
  readonly up: boolean;
  readonly message?: string;
}

export class ProviderDirectory implements vscode.Disposable {
  private remoteUp = new Map<string, { up: boolean; message?: string }>();
  private remoteTimer: NodeJS.Timeout | undefined;
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChangeState = this.emitter.event;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    readonly embedded: EmbeddedProvider,
    private readonly log: vscode.LogOutputChannel,
    private readonly remoteHealth: (origin: string) => Promise<boolean>,
  ) {
    this.disposables.push(this.emitter, embedded.onDidChangeState(() => this.emitter.fire()));
  }

  dispose(): void {
    if (this.remoteTimer) clearTimeout(this.remoteTimer);
    for (const d of this.disposables) d.dispose();
  }

  /** The `tessera.providerUrl` setting: 'embedded' or a remote origin (undefined when invalid). */
  setting(): { mode: 'embedded' } | { mode: 'remote'; origin: string } | { mode: 'invalid'; value: string } {
    const v = vscode.workspace.getConfiguration('tessera').get<string>('providerUrl', 'embedded').trim();
    if (!v || v === 'embedded') return { mode: 'embedded' };
    const origin = normalizeOrigin(v);
    return origin ? { mode: 'remote', origin } : { mode: 'invalid', value: v };
  }

  embeddedOrigin(): string {
    return embeddedOrigin(embeddedPortSetting());
  }

  /** The provider new sign-ins go to by default. */
  configuredOrigin(): string {
    const s = this.setting();
    return s.mode === 'remote' ? s.origin : this.embeddedOrigin();
  }

  isEmbeddedOrigin(origin: string): boolean {
    try {
      const u = new URL(origin);
      return (u.hostname === EMBEDDED_HOST || u.hostname === 'localhost') && Number(u.port) === embeddedPortSetting() && u.protocol === 'https:';
    } catch {
      return false;
    }
  }

  /** Starts what the setting asks for (the embedded provider, or watching the remote one). */
  start(): void {
    const s = this.setting();
    if (s.mode === 'invalid') {
      this.log.error(`The setting 'tessera.providerUrl' is not 'embedded' or an https:// URL: ${s.value}`);
      return;
    }
    if (s.mode === 'embedded') this.embedded.start();
    else void this.embedded.stop().then(() => this.probeRemote(s.origin));
  }

  /** The CA PEM(s) to trust for an origin (undefined = system CAs). */
  trust = async (origin: string): Promise<string | undefined> => {
    if (this.isEmbeddedOrigin(origin)) return this.embedded.caPem();
    const caFile = this.caFileSetting();
    if (caFile) {
      try {
        return withSystemRoots(await readFile(caFile, 'utf8'));
      } catch (err) {
        this.log.warn(`tessera.caFile ${caFile} could not be read: ${String(err)}`);
      }
    }
    return undefined;
  };

  /**
   * The CA file git should trust for an origin (`http.<origin>/.sslCAInfo`), if any: the embedded
   * provider's CA for the embedded provider, `tessera.caFile` for the configured standalone provider
   * (`tessera.providerUrl`) only. `http.<url>.sslCAInfo` replaces git's trust for that URL (it does
   * not add to it), so any other host (a second team server with a public certificate) gets none and
   * keeps git's default trust.
   */
  caPathFor(origin: string): string | undefined {
    if (this.isEmbeddedOrigin(origin)) return this.embedded.caCertPath;
    const s = this.setting();
    if (s.mode !== 'remote' || s.origin !== normalizeOrigin(origin)) return undefined;
    return this.caFileSetting();
  }

  private caFileSetting(): string | undefined {
    const f = vscode.workspace.getConfiguration('tessera').get<string>('caFile', '').trim();
    return f || undefined;
  }

  /** Waits for the embedded provider when the origin is embedded; nothing for a remote one. */
  async ensureReady(origin: string): Promise<void> {
    if (this.isEmbeddedOrigin(origin)) {
      if (this.setting().mode !== 'embedded') {
        // An account on the embedded provider while a remote one is configured: start it anyway.
        if (this.embedded.state.kind === 'stopped') this.embedded.start();
      }
      await this.embedded.ready();
    }
  }

  /** For views that must not spin forever. */
  state(): ProviderState {
    const s = this.setting();
    if (s.mode === 'invalid') {
      return { origin: s.value, up: false, message: `The setting 'tessera.providerUrl' must be 'embedded' or an https:// URL (got '${s.value}').` };
    }
    if (s.mode === 'remote') {
      const r = this.remoteUp.get(s.origin);
      return { origin: s.origin, up: r?.up ?? true, ...(r?.message ? { message: r.message } : {}) };
    }
    const e = this.embedded.state;
    const origin = this.embeddedOrigin();
    switch (e.kind) {
      case 'hosting':
      case 'shared':
        return { origin, up: true };
      case 'starting':
      case 'stopped':
        return { origin, up: false, message: `The embedded provider at ${origin} is starting…` };
      default:
        return { origin, up: false, message: e.message };
    }
  }

  /** API outcomes tell whether a remote provider is reachable; when down, poll until it is back. */
  noteReachable(origin: string, up: boolean, message?: string): void {
    // The embedded provider has its own watcher (every 2 s).
    if (this.isEmbeddedOrigin(origin)) return;
    const prev = this.remoteUp.get(origin);
    if (prev?.up === up && prev?.message === message) return;
    this.remoteUp.set(origin, { up, ...(message ? { message } : {}) });
    this.emitter.fire();
    if (!up) this.scheduleRemoteProbe(origin);
  }

  private scheduleRemoteProbe(origin: string): void {
    if (this.remoteTimer) clearTimeout(this.remoteTimer);
    this.remoteTimer = setTimeout(() => void this.probeRemote(origin), REMOTE_POLL_MS);
  }

  private async probeRemote(origin: string): Promise<void> {
    let up = false;
    try {
      up = await this.remoteHealth(origin);
    } catch {
      up = false;
    }
    this.noteReachable(origin, up, up ? undefined : `The Tessera provider at ${origin} is not reachable.`);
    if (!up) this.scheduleRemoteProbe(origin);
  }
}
