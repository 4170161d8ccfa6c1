// Wires Tessera into vscode.git: the credentials provider, "Set Up Git for this Repository"
// (the one-step set-up of git-setup.ts, offered once for workspace repositories whose remote is a
// Tessera origin, with a status bar item until it is done),
// "Clone Repository…", the GIT_SSL_CAINFO check, and Tessera's origins for every git process VS Code
// starts (git-config-env.ts: the provider's CA, repository paths for credentials), kept current as
// providers and accounts change, so git in VS Code works with Tessera before any set-up. vscode.git is reached in the background so activation
// does not wait for it.
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { pick } from '../auth/quick-input';
import type { CoreServices } from '../core-services';
import type { AccountInfo } from '../services';
import { cloneRepository, type CloneArgs } from './clone-repository';
import { CredentialHelperServer } from './credential-helper/helper-server';
import { tesseraOriginsOf } from './configure-repository';
import { TesseraCredentialsProvider } from './credentials-provider';
import { getGitApi, type GitAPI, type GitRepository } from './git-api';
import { GitConfigEnvironment, type TesseraOrigin } from './git-config-env';
import { runGit, setGitPath } from './git-exec';
import { GitSetup } from './git-setup';
import { parseRemoteUrl } from './remote-url';
import { GitCaEnvironment } from './ssl-cainfo-env';

const OFFERED_KEY = 'tessera.git.configureOffered';

export class GitIntegration implements vscode.Disposable {
  readonly credentials: TesseraCredentialsProvider;
  readonly caEnv: GitCaEnvironment;
  readonly configEnv = new GitConfigEnvironment();
  private api: GitAPI | undefined;
  private apiReady: Promise<GitAPI | undefined> | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly checking = new Set<string>();
  /** Repositories found configured (state changes come often: do not run git config each time). */
  private readonly configured = new Set<string>();
  private readonly askedThisWindow = new Set<string>();
  readonly setup: GitSetup;
  private readonly helper: CredentialHelperServer;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly core: CoreServices,
    signIns: {
      /** Interactive sign-in, in the sign-in queue's turn. */
      readonly signIn: (origin?: string) => Promise<AccountInfo | undefined>;
    },
  ) {
    this.caEnv = new GitCaEnvironment(context, core);
    this.setup = new GitSetup(core, this.caEnv);
    this.disposables.push(this.setup);
    this.credentials = new TesseraCredentialsProvider(core, {
      signIn: signIns.signIn,
      onMissingPath: (origin) => void this.offerForOrigin(origin),
    });
    this.helper = new CredentialHelperServer(
      path.join(context.extensionPath, 'dist', 'git-credential-helper.js'),
      (url) => this.credentials.helperCredentials(url),
      (m) => core.log.warn(m),
    );
    this.disposables.push(core.onDidChangeAccounts(() => this.configureOrigins()));
    this.configureOrigins();
  }

  /** Git in VS Code: each Tessera origin's repository paths and CA (when its file exists), for that origin only. */
  configureOrigins(): void {
    const origins = new Set([this.core.providers.embeddedOrigin(), this.core.providers.configuredOrigin(), ...this.core.accounts().map((a) => a.providerOrigin)]);
    const out: TesseraOrigin[] = [];
    for (const origin of origins) {
      const ca = this.core.providers.caPathFor(origin);
      out.push(ca && existsSync(ca) ? { origin, ca: path.resolve(ca) } : { origin });
    }
    const before = this.configEnv.describe();
    this.configEnv.setOrigins(out);
    const after = this.configEnv.describe();
    if (after !== before) this.core.log.info(`git in VS Code: ${after || 'no Tessera origin'}`);
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
    this.configEnv.setHelper(undefined);
    this.configEnv.setOrigins([]);
    this.helper.dispose();
  }

  /**
   * Tessera's own credential helper for its origins: git gets the username and password at once
   * for the repository it asks about (vscode.git's askpass keeps one host's answer between its
   * two questions, so concurrent pushes to one host could swap tokens). Without it, askpass.
   */
  private async startHelper(): Promise<void> {
    try {
      this.configEnv.setHelper(await this.helper.start());
      this.core.log.info(`git in VS Code: ${this.configEnv.describe()}`);
    } catch (err) {
      this.core.log.warn(`Tessera's git credential helper did not start (git asks vscode.git's askpass instead): ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  /** Connects to vscode.git (background). */
  start(): Promise<GitAPI | undefined> {
    this.apiReady ??= (async () => {
      await this.startHelper();
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

  /** Once the provider's CA exists: git trusts it, and a remembered combined CA bundle is re-applied. */
  async restoreCaEnvironment(): Promise<void> {
    this.configureOrigins();
    await this.caEnv.restore().catch((err) => this.core.log.warn(`Combined CA bundle: ${String(err)}`));
  }

  private watchRepository(repo: GitRepository): void {
    void this.maybeOffer(repo);
    this.disposables.push(repo.state.onDidChange(() => void this.maybeOffer(repo)));
  }

  private offered(): string[] {
    return this.context.globalState.get<string[]>(OFFERED_KEY) ?? [];
  }

  /**
   * A repository whose remote is a Tessera origin and that git is not set up for: the status bar
   * item shows until it is, and the one-step question is asked once per repository.
   */
  private async maybeOffer(repo: GitRepository): Promise<void> {
    const root = repo.rootUri.fsPath;
    const origins = tesseraOriginsOf(repo, (o) => this.core.isTesseraOrigin(o));
    const key = `${root}\n${origins.join(' ')}`;
    if (!origins.length || this.checking.has(root) || this.configured.has(key)) return;
    this.checking.add(root);
    try {
      if (!(await this.setup.needs(root, origins)).length) {
        this.configured.add(key);
        this.setup.untrack(root);
        return;
      }
      this.setup.track(root, origins);
      if (this.offered().includes(root)) return;
      await this.context.globalState.update(OFFERED_KEY, [...this.offered(), root]);
      this.askedThisWindow.add(root);
      await this.setup.ask(root, origins);
    } catch (err) {
      this.core.log.warn(`Checking git config of ${root}: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      this.checking.delete(root);
    }
  }

  /** git asked without a repository path: it waits now, so ask (once per window) right away. */
  private async offerForOrigin(origin: string): Promise<void> {
    const repo = this.api?.repositories.find((r) => tesseraOriginsOf(r, (o) => o === origin).length);
    if (!repo) return;
    const root = repo.rootUri.fsPath;
    if (this.askedThisWindow.has(root)) return;
    this.askedThisWindow.add(root);
    const origins = tesseraOriginsOf(repo, (o) => this.core.isTesseraOrigin(o));
    if (!(await this.setup.needs(root, origins)).length) return;
    await this.setup.ask(root, origins, 'git is waiting for a token now.');
  }

  private async configure(root: string, origins: readonly string[]): Promise<void> {
    await this.setup.run(root, origins);
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
      const origins = await originsOfPath(fromArg, (o) => this.core.isTesseraOrigin(o));
      if (!origins.length) {
        void vscode.window.showInformationMessage(`No remote of ${fromArg} points at a Tessera provider.`);
        return undefined;
      }
      await this.configure(fromArg, origins);
      return fromArg;
    }
    if (!repo) {
      const withTessera = api.repositories.filter((r) => tesseraOriginsOf(r, (o) => this.core.isTesseraOrigin(o)).length);
      const list = withTessera.length ? withTessera : api.repositories;
      if (!list.length) {
        void vscode.window.showInformationMessage('There is no git repository open in this window.');
        return undefined;
      }
      if (list.length === 1) repo = list[0];
      else {
        repo = await pick(
          'Set Up Git for a Repository',
          list.map((r) => ({ label: vscode.workspace.asRelativePath(r.rootUri, false), description: r.rootUri.fsPath, value: r })),
          'Which repository?',
        );
      }
    }
    if (!repo) return undefined;
    const origins = tesseraOriginsOf(repo, (o) => this.core.isTesseraOrigin(o));
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
