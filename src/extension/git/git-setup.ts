// Git set-up for Tessera in one step: for a repository whose remote is on a Tessera provider,
// Tessera writes its repository config (configure-repository.ts) and, when GIT_SSL_CAINFO in
// VS Code's environment would keep git from trusting the provider, points git in VS Code at a
// combined CA bundle (ssl-cainfo-env.ts). One modal question asks for both; a status bar item
// stays while any repository still needs it, so the action never vanishes while git waits.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { CoreServices } from '../core-services';
import { configureRepository, missingConfig } from './configure-repository';
import type { GitCaEnvironment } from './ssl-cainfo-env';

const SET_UP_BUTTON = 'Set Up Git';

interface SetUpResult {
  readonly root: string;
  /** Config entries written into the repository. */
  readonly configured: number;
  /** The combined CA bundle git in VS Code now uses, when one was needed. */
  readonly caBundle?: string;
}

export class GitSetup implements vscode.Disposable {
  /** Repository root → the Tessera origins of its remotes, for repositories still to set up. */
  private readonly pending = new Map<string, readonly string[]>();
  private readonly item: vscode.StatusBarItem;
  private readonly asking = new Map<string, Promise<SetUpResult | undefined>>();

  constructor(
    private readonly core: CoreServices,
    private readonly caEnv: GitCaEnvironment,
  ) {
    this.item = vscode.window.createStatusBarItem('tessera.gitSetup', vscode.StatusBarAlignment.Left, 100);
    this.item.name = 'Tessera: Set Up Git';
    this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
  }

  dispose(): void {
    this.item.dispose();
  }

  /** What the repository still needs (empty when git is ready for Tessera there). */
  async needs(root: string, origins: readonly string[]): Promise<string[]> {
    const out: string[] = [];
    const missing = (await Promise.all(origins.map((o) => missingConfig(this.core, root, o)))).flat();
    if (missing.length) out.push(...missing.map((e) => e.key));
    if (this.caEnv.blocksProviderCa) out.push('GIT_SSL_CAINFO');
    return out;
  }

  /** Notes a repository that needs set-up: the status bar item shows until it is done. */
  track(root: string, origins: readonly string[]): void {
    this.pending.set(root, origins);
    this.render();
  }

  untrack(root: string): void {
    if (this.pending.delete(root)) this.render();
  }

  pendingRoots(): string[] {
    return [...this.pending.keys()];
  }

  /** The modal question (one at a time per repository); undefined when the person said no. */
  ask(root: string, origins: readonly string[], reason?: string): Promise<SetUpResult | undefined> {
    let p = this.asking.get(root);
    if (!p) {
      p = this.askOnce(root, origins, reason).finally(() => this.asking.delete(root));
      this.asking.set(root, p);
    }
    return p;
  }

  private async askOnce(root: string, origins: readonly string[], reason?: string): Promise<SetUpResult | undefined> {
    this.track(root, origins);
    const name = displayName(root);
    const lines = [
      `'${name}' has a remote on the Tessera provider at ${origins.join(', ')}.`,
      ...(reason ? [reason] : []),
      `Setting up git lets it trust the provider's certificate and ask Tessera for the right token for each repository (only for ${origins.length === 1 ? 'that address' : 'those addresses'}; other remotes are not affected).`,
    ];
    if (this.caEnv.blocksProviderCa) {
      lines.push(`GIT_SSL_CAINFO is set in VS Code's environment (${this.caEnv.original}), so git in VS Code also gets a CA bundle with that file's certificates and Tessera's.`);
    }
    const choice = await vscode.window.showInformationMessage(`Set up git for '${name}' to work with Tessera?`, { modal: true, detail: lines.join('\n\n') }, SET_UP_BUTTON);
    if (choice !== SET_UP_BUTTON) return undefined;
    return this.run(root, origins);
  }

  /** The one step: repository config and, when needed, the combined CA bundle. */
  async run(root: string, origins: readonly string[]): Promise<SetUpResult> {
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Setting up git for '${displayName(root)}'…` },
      async (): Promise<SetUpResult> => {
        const set = await configureRepository(this.core, root, origins);
        const caBundle = this.caEnv.blocksProviderCa ? await this.caEnv.apply(true) : undefined;
        return { root, configured: set.length, ...(caBundle ? { caBundle } : {}) };
      },
    );
    if (!(await this.needs(root, origins)).length) this.untrack(root);
    void vscode.window.showInformationMessage(
      `Git is set up for '${displayName(root)}': it trusts the Tessera provider at ${origins.join(', ')} and asks Tessera for tokens.` +
        (result.caBundle ? ` (GIT_SSL_CAINFO → ${result.caBundle} in VS Code.)` : ''),
    );
    return result;
  }

  private render(): void {
    const roots = [...this.pending.keys()];
    if (!roots.length) {
      this.item.hide();
      return;
    }
    const first = roots[0]!;
    this.item.text = `$(tools) Set up git for Tessera${roots.length > 1 ? ` (${roots.length})` : ''}`;
    this.item.tooltip = `Git is not set up yet for ${roots.map(displayName).join(', ')}: click to let it trust the Tessera provider and use Tessera's tokens.`;
    this.item.command = { command: 'tessera.configureGit', title: 'Set Up Git', arguments: [first] };
    this.item.show();
  }
}

function displayName(root: string): string {
  const rel = vscode.workspace.asRelativePath(vscode.Uri.file(root), false);
  return !rel || rel === root ? path.basename(root) : rel;
}
