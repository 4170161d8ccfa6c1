// GIT_SSL_CAINFO in the environment overrides every `http.sslCAInfo` in git config, so git would not
// trust the embedded provider's local CA. Git in VS Code needs nothing here (git-config-env.ts
// trusts the provider for its origin only); for new integrated terminals, with the user's consent
// (the git set-up, git-setup.ts, or the Use Combined CA Bundle command) Tessera writes a combined
// bundle (the file GIT_SSL_CAINFO names + Tessera's CA) and points GIT_SSL_CAINFO at it there
// (environmentVariableCollection). The choice is remembered and re-applied on later starts.
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { CoreServices } from '../core-services';

const REMEMBER_KEY = 'tessera.git.combinedCaBundle';

export class GitCaEnvironment {
  /** GIT_SSL_CAINFO as VS Code started with it (before Tessera changed anything). */
  readonly original: string | undefined = process.env.GIT_SSL_CAINFO;
  private applied: string | undefined;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly core: CoreServices,
  ) {}

  get bundlePath(): string {
    return path.join(this.context.globalStorageUri.fsPath, 'git', 'ca-bundle.pem');
  }

  /** True when GIT_SSL_CAINFO would keep git from trusting the provider's CA. */
  get blocksProviderCa(): boolean {
    return !!this.original && !this.applied;
  }

  get appliedBundle(): string | undefined {
    return this.applied;
  }

  /** Re-applies the remembered choice (at activation, once the provider's CA exists). */
  async restore(): Promise<void> {
    if (this.original && this.context.globalState.get<boolean>(REMEMBER_KEY)) await this.apply(false);
  }

  /** Writes the combined bundle and points GIT_SSL_CAINFO at it. */
  async apply(remember = true): Promise<string | undefined> {
    if (!this.original) return undefined;
    const pems: string[] = [];
    try {
      pems.push(await fsp.readFile(this.original, 'utf8'));
    } catch (err) {
      this.core.log.warn(`GIT_SSL_CAINFO names ${this.original}, which cannot be read (${String(err)})`);
    }
    const caFiles = new Set<string>();
    const embeddedCa = this.core.providers.caPathFor(this.core.providers.embeddedOrigin());
    if (embeddedCa) caFiles.add(embeddedCa);
    for (const a of this.core.accounts()) {
      const f = this.core.providers.caPathFor(a.providerOrigin);
      if (f) caFiles.add(f);
    }
    let added = 0;
    for (const f of caFiles) {
      try {
        pems.push(await fsp.readFile(f, 'utf8'));
        added++;
      } catch {
        // The embedded CA does not exist before the provider's first start.
      }
    }
    if (!added) {
      this.core.log.info('No Tessera CA yet; the combined git CA bundle is written once the provider has started');
      return undefined;
    }
    await fsp.mkdir(path.dirname(this.bundlePath), { recursive: true });
    await fsp.writeFile(this.bundlePath, pems.map((p) => p.trim()).join('\n') + '\n', { mode: 0o644 });
    this.context.environmentVariableCollection.description = 'Tessera: a CA bundle that also trusts the Tessera provider';
    this.context.environmentVariableCollection.replace('GIT_SSL_CAINFO', this.bundlePath);
    this.applied = this.bundlePath;
    if (remember) await this.context.globalState.update(REMEMBER_KEY, true);
    this.core.log.info(`GIT_SSL_CAINFO now names ${this.bundlePath} (${this.original} + ${added} Tessera CA) in new terminals`);
    return this.bundlePath;
  }
}
