// Wires Tessera into vscode.git: the credentials provider, "Configure Git for this Repository"
// (and the one-time offer for workspace repositories whose remote is a Tessera origin),
// "Clone Repository…", and the GIT_SSL_CAINFO check. vscode.git is reached in the background so
// activation does not wait for it.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { CoreServices } from '../core-services';
import type { AccountInfo } from '../services';
import { cloneRepository, type CloneArgs } from './clone-repository';
import { configureRepository, missingConfig, tesseraOriginsOf } from './configure-repository';
import { TesseraCredentialsProvider } from './credentials-provider';
import { getGitApi, type GitAPI, type GitRepository } from './git-api';
import { runGit, setGitPath } from './git-exec';
import { parseRemoteUrl } from './remote-url';
import { GitCaEnvironment } from './ssl-cainfo-env';

const OFFERED_KEY = 'tessera.git.configureOffered';

export class GitIntegration implements vscode.Disposable {
  readonly credentials: TesseraCredentialsProvider;
  readonly caEnv: GitCaEnvironment;
  private api: GitAPI | undefined;
  private apiReady: Promise<GitAPI | undefined> | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly checking = new Set<string>();
  /** Repositories found configured (state changes come often: do not run git config each time). */
  private readonly configured = new Set<string>();

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly core: CoreServices,
    signIn: (origin?: string) => Promise<AccountInfo | undefined>,
  ) {
    this.caEnv = new GitCaEnvironment(context, core);
    this.credentials = new TesseraCredentialsProvider(core, {
      signIn,
      onMissingPath: (origin) => void this.offerForOrigin(origin),
    });
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }

  /** Connects to vscode.git (background). */
  start(): Promise<GitAPI | undefined> {
    this.apiReady ??= (async () => {
      try {
        const api = await getGitApi();
        if (!api) {
          this.core.log.warn('vscode.git is disabled or missing: Tessera cannot answer git credential requests');
          return undefined;
        }
        this.api = api;
        setGitPath(api.git.path);
        this.disposables.push(api.registerCredentialsProvider(this.credentials));
        this.core.log.info(`Registered the git credentials provider with vscode.git (git at ${api.git.path})`);
        for (const r of api.repositories) this.watchRepository(r);
        this.disposables.push(api.onDidOpenRepository((r) => this.watchRepository(r)));
        return api;
      } catch (err) {
        this.core.log.error(`vscode.git's API is not available: ${err instanceof Error ? err.message : String(err)}`);
        return undefined;
      }
    })();
    return this.apiReady;
  }

  /** Re-applies a remembered combined CA bundle once the provider's CA exists. */
  async restoreCaEnvironment(): Promise<void> {
    await this.caEnv.restore().catch((err) => this.core.log.warn(`Combined CA bundle: ${String(err)}`));
  }

  private watchRepository(repo: GitRepository): void {
    void this.maybeOffer(repo);
    this.disposables.push(repo.state.onDidChange(() => void this.maybeOffer(repo)));
  }

  private offered(): string[] {
    return this.context.globalState.get<string[]>(OFFERED_KEY) ?? [];
  }

  /** Offers configuration once per repository whose remote is a Tessera origin and is not configured. */
  private async maybeOffer(repo: GitRepository): Promise<void> {
    const root = repo.rootUri.fsPath;
    if (this.checking.has(root) || this.configured.has(root) || this.offered().includes(root)) return;
    const origins = tesseraOriginsOf(repo, (o) => this.credentials.isTesseraOrigin(o));
    if (!origins.length) return;
    this.checking.add(root);
    try {
      const missing = (await Promise.all(origins.map((o) => missingConfig(this.core, root, o)))).flat();
      if (!missing.length) {
        this.configured.add(root);
        return;
      }
      await this.context.globalState.update(OFFERED_KEY, [...this.offered(), root]);
      const rel = vscode.workspace.asRelativePath(repo.rootUri, false);
      const name = !rel || rel === root ? path.basename(root) : rel;
      const choice = await vscode.window.showInformationMessage(
        `The repository '${name}' uses the Tessera provider at ${origins.join(', ')}. Configure git for it (send the repository path to the credential provider, trust the provider's certificate)?`,
        'Configure',
        'Not Now',
      );
      if (choice === 'Configure') await this.configure(root, origins);
    } catch (err) {
      this.core.log.warn(`Checking git config of ${root}: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      this.checking.delete(root);
    }
  }

  private async offerForOrigin(origin: string): Promise<void> {
    const api = this.api;
    const repo = api?.repositories.find((r) => tesseraOriginsOf(r, (o) => o === origin).length);
    if (repo && !this.offered().includes(repo.rootUri.fsPath)) await this.maybeOffer(repo);
  }

  private async configure(root: string, origins: readonly string[]): Promise<void> {
    const set = await configureRepository(this.core, root, origins);
    this.caEnv.warnOnce();
    void vscode.window.showInformationMessage(
      set.length ? `Configured git in ${root} for ${origins.join(', ')}.` : `git in ${root} was already configured for ${origins.join(', ')}.`,
    );
  }

  /** The command: the repository from the SCM context, the only Tessera repository, or a pick. */
  async configureCommand(arg?: unknown): Promise<string | undefined> {
    const api = await this.start();
    if (!api) {
      void vscode.window.showWarningMessage('The Git extension (vscode.git) is not available.');
      return undefined;
    }
    const fromArg = rootFromArg(arg);
    let repo = fromArg ? api.repositories.find((r) => r.rootUri.fsPath === fromArg) : undefined;
    if (!repo && fromArg) {
      // A path that vscode.git has not opened (e.g. a fresh clone): configure it directly.
      const origins = await originsOfPath(fromArg, (o) => this.credentials.isTesseraOrigin(o));
      if (!origins.length) {
        void vscode.window.showInformationMessage(`No remote of ${fromArg} points at a Tessera provider.`);
        return undefined;
      }
      await this.configure(fromArg, origins);
      return fromArg;
    }
    if (!repo) {
      const withTessera = api.repositories.filter((r) => tesseraOriginsOf(r, (o) => this.credentials.isTesseraOrigin(o)).length);
      const list = withTessera.length ? withTessera : api.repositories;
      if (!list.length) {
        void vscode.window.showInformationMessage('There is no git repository open in this window.');
        return undefined;
      }
      if (list.length === 1) repo = list[0];
      else {
        const chosen = await vscode.window.showQuickPick(
          list.map((r) => ({ label: vscode.workspace.asRelativePath(r.rootUri, false), description: r.rootUri.fsPath, r })),
          { title: 'Configure Git for a Repository', placeHolder: 'Which repository?' },
        );
        repo = chosen?.r;
      }
    }
    if (!repo) return undefined;
    const origins = tesseraOriginsOf(repo, (o) => this.credentials.isTesseraOrigin(o));
    if (!origins.length) {
      void vscode.window.showInformationMessage(
        `No remote of ${repo.rootUri.fsPath} points at a Tessera provider (${this.core.providers.configuredOrigin()}).`,
      );
      return undefined;
    }
    await this.configure(repo.rootUri.fsPath, origins);
    return repo.rootUri.fsPath;
  }

  async cloneCommand(args?: CloneArgs): Promise<string | undefined> {
    await this.start();
    this.caEnv.warnOnce();
    return cloneRepository(this.core, this.credentials, args ?? {});
  }
}

function rootFromArg(arg: unknown): string | undefined {
  if (!arg) return undefined;
  if (typeof arg === 'string') return arg;
  if (arg instanceof vscode.Uri) return arg.fsPath;
  const o = arg as { rootUri?: unknown; fsPath?: unknown };
  if (o.rootUri instanceof vscode.Uri) return o.rootUri.fsPath;
  if (typeof o.fsPath === 'string') return o.fsPath;
  return undefined;
}

async function originsOfPath(root: string, isTessera: (o: string) => boolean): Promise<string[]> {
  const r = await runGit(['config', '--local', '--get-regexp', '^remote\\..*\\.(url|pushurl)$'], { cwd: root });
  const set = new Set<string>();
  for (const line of r.stdout.split('\n')) {
    const url = line.split(' ')[1];
    const ref = url ? parseRemoteUrl(url) : undefined;
    if (ref && isTessera(ref.origin)) set.add(ref.origin);
  }
  return [...set];
}
