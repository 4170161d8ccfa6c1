// Helpers for UI tests: a real VS Code workbench (code-server + headless Debian Chromium) with the
// packed Tessera .vsix installed, driven like a user would — command palette, quick inputs,
// notifications, modal dialogs, tree views, webviews. Run by test/harness/run-ui.mjs (mocha on
// Node 24, out/test/ui/**/*.test.js, this file loaded with --require for the screenshot hooks).
//
//   import { startWorkbench, runCommand, quickInputType, waitForNotification, type Workbench } from './workbench';
//   describe('sign-in', () => {
//     let wb: Workbench;
//     before(async () => { wb = await startWorkbench(); });
//     after(async () => { await wb?.close(); });
//     it('asks for the login', async () => {
//       await runCommand(wb.page, 'Tessera: Sign In');
//       await quickInputType(wb.page, 'alice', { prompt: /login/i });
//       ...
//     });
//   });
//
// Every test gets a screenshot: the root afterEach hook below saves one of every open workbench to
// test-results/ui/<test title>.png (and close() takes one when called inside a test).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import * as host from '../harness/code-server';

export { HarnessError } from '../harness/code-server';
export * from './workbench-views';
export * from './workbench-quick-input';
export * from './workbench-notifications';
import { activityBarItem } from './workbench-views';
import { DEFAULT_TIMEOUT } from './workbench-text';

export interface WorkbenchOptions {
  /** The .vsix to install: default TESSERA_VSIX (set by run-ui.mjs) or ./tessera-<version>.vsix;
   *  `false` installs no Tessera (e.g. to test a workbench without it). */
  vsix?: string | false;
  /** More extensions to install: .vsix files or unpacked extension folders. */
  extraExtensions?: string[];
  /** Folder to open (default: a fresh git copy of test/fixtures/sample-workspace). */
  folder?: string;
  /** User settings over the quiet defaults; `tessera.embeddedPort` defaults to a free port. */
  settings?: Record<string, unknown>;
  /**
   * Settings of `machine` scope (e.g. `tessera.caFile`): code-server's extension host is remote,
   * and a remote window reads those from the machine's settings, never from the user's.
   */
  machineSettings?: Record<string, unknown>;
  /** Extra environment for code-server and its extension host. */
  env?: NodeJS.ProcessEnv;
  /** Browser viewport (default 1400×900). */
  viewport?: { width: number; height: number };
}

export interface Workbench {
  page: Page;
  /** The browser context: its pages share the workbench's browser storage (SecretStorage lives there). */
  context: BrowserContext;
  browser: Browser;
  /** The workbench URL that was opened (http://127.0.0.1:PORT/?folder=...). */
  url: string;
  port: number;
  serverLogPath: string;
  /** The opened folder. */
  folder: string;
  /** The embedded provider port set in the user settings (free, per workbench). */
  embeddedPort: number;
  /** This workbench's user-data/extensions/XDG folders. */
  profile: host.HostProfile;
  /** Opens the same workbench in a second tab: a second VS Code window on the same server and storage. */
  openWindow(): Promise<Page>;
  /** Closes the browser and kills code-server's process group (extension host included). */
  close(): Promise<void>;
}

const open = new Set<Workbench>();
let currentTest: { title: string; shots: number } | undefined;

function defaultVsix(): string {
  if (process.env.TESSERA_VSIX) return process.env.TESSERA_VSIX;
  const m = JSON.parse(fs.readFileSync(path.join(host.REPO_ROOT, 'package.json'), 'utf8')) as { name: string; version: string };
  return path.join(host.REPO_ROOT, `${m.name}-${m.version}.vsix`);
}

/** Starts code-server with the packed extension installed and opens the workbench normally
 *  (no test payload: dialogs work). Resolves when the workbench (and Tessera's view container,
 *  when installed) is on screen. */
export async function startWorkbench(options: WorkbenchOptions = {}): Promise<Workbench> {
  host.chromiumPath();
  host.codeServer();
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-ui-'));
  const unregisterRoot = host.registerTempRoot(root); // removed even if a signal ends the run
  const embeddedPort = await host.freePort();
  const profile = host.makeProfile(path.join(root, 'profile'), { 'tessera.embeddedPort': embeddedPort, ...options.settings });
  if (options.machineSettings) {
    fs.mkdirSync(path.join(profile.userDataDir, 'Machine'), { recursive: true });
    fs.writeFileSync(path.join(profile.userDataDir, 'Machine', 'settings.json'), JSON.stringify(options.machineSettings, null, 2));
  }
  const vsix = options.vsix === false ? undefined : options.vsix ?? defaultVsix();
  const folder = options.folder ?? await host.makeGitWorkspace(path.join(root, 'workspace'));
  const workDir = path.join(root, 'work'); // the extension host's TESSERA_TEST_WORKDIR
  fs.mkdirSync(workDir);
  let server: host.RunningServer | undefined;
  let browserReady: Promise<Browser> | undefined;
  const cleanup = async () => {
    try { await (await browserReady)?.close(); } catch { /* never launched, or gone */ }
    await server?.stop();
    keepExtensionHostLogs(profile.userDataDir, path.join(host.TEST_RESULTS, 'ui', 'logs', path.basename(root)));
    fs.rmSync(root, { recursive: true, force: true });
    unregisterRoot();
  };
  try {
    // Chromium starts while the extensions install and code-server comes up.
    browserReady = host.launchChromium(profile);
    browserReady.catch(() => undefined); // awaited below; no unhandled rejection meanwhile
    if (vsix) await host.installVsix(profile, vsix);
    for (const ext of options.extraExtensions ?? []) {
      if (fs.statSync(ext).isDirectory()) host.installExtensionFolder(profile, ext);
      else await host.installVsix(profile, ext);
    }
    server = await host.startCodeServer({
      profile, env: { TESSERA_TEST_WORKDIR: workDir, ...options.env },
      logPath: path.join(host.TEST_RESULTS, 'ui', 'logs', `code-server-${path.basename(root)}.log`),
    });
    const browser = await browserReady;
    const context = await browser.newContext({ viewport: options.viewport ?? { width: 1400, height: 900 } });
    context.setDefaultTimeout(DEFAULT_TIMEOUT);
    const page = await context.newPage();
    const url = host.workbenchUrl(server.origin, folder);
    await openWorkbenchPage(page, url, Boolean(vsix));
    const s = server;
    const b = browser;
    let closed = false;
    const wb: Workbench = {
      page, context, browser: b, url, port: s.port, serverLogPath: s.logPath, folder, embeddedPort, profile,
      async openWindow() {
        const p = await context.newPage();
        await openWorkbenchPage(p, url, Boolean(vsix));
        return p;
      },
      async close() {
        if (closed) return;
        closed = true;
        if (currentTest) await shootAll([wb]);
        open.delete(wb);
        await cleanup();
      },
    };
    open.add(wb);
    return wb;
  } catch (e) {
    const log = server?.logPath;
    await cleanup();
    if (e instanceof Error && log) e.message += ` (code-server log: ${log})`;
    throw e;
  }
}

/**
 * Copies the extension host's logs (Tessera's own log channel among them; it never holds a secret)
 * out of a profile that is about to be deleted, so a failure can be read afterwards.
 */
function keepExtensionHostLogs(userDataDir: string, dest: string): void {
  const logs = path.join(userDataDir, 'logs');
  if (!fs.existsSync(logs)) return;
  for (const entry of fs.readdirSync(logs, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.log')) continue;
    const file = path.join(entry.parentPath, entry.name);
    const rel = path.relative(logs, file);
    if (!/exthost/i.test(rel)) continue;
    fs.mkdirSync(dest, { recursive: true });
    fs.copyFileSync(file, path.join(dest, rel.split(path.sep).join('_')));
  }
}

async function openWorkbenchPage(page: Page, url: string, withTessera: boolean): Promise<void> {
  // The workbench's first load takes seconds alone and minutes on a busy machine (the default
  // timeout is for a step in a loaded page): a start that never ends is what this catches.
  await page.goto(url, { timeout: 180_000 });
  await page.locator('.monaco-workbench .part.activitybar').waitFor({ timeout: 60_000 });
  await page.locator('.monaco-workbench .part.statusbar').waitFor({ timeout: 60_000 });
  if (withTessera) await activityBarItem(page, 'Tessera').waitFor({ timeout: 60_000 });
}

/** A file-name-safe form of a test title. */
function slug(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 150) || 'screenshot';
}

/** The webview elements that show a secret in full: the 2FA setup key and its QR code, recovery
 *  codes, a new or regenerated token. Masked in every screenshot (test-results/ is kept by CI). */
const SECRET_FIELDS = ['twofa-secret', 'twofa-qr', 'recovery-codes', 'new-token-secret', 'regenerated-secret']
  .map((id) => `[data-testid="${id}"]`).join(', ');

/** The secret fields of every open webview (each webview is an iframe holding the content's iframe). */
async function secretMasks(page: Page): Promise<Locator[]> {
  const webviews = page.locator('iframe.webview.ready');
  const n = await webviews.count();
  return Array.from({ length: n }, (_, i) =>
    webviews.nth(i).contentFrame().locator('iframe#active-frame').contentFrame().locator(SECRET_FIELDS));
}

/** Saves a PNG of the page to test-results/<name>.png (secret fields masked) and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  const file = path.join(host.TEST_RESULTS, `${name.split('/').map(slug).join('/')}.png`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  await page.screenshot({ path: file, mask: await secretMasks(page) });
  return file;
}

async function shootAll(workbenches: Iterable<Workbench>): Promise<void> {
  if (!currentTest) return;
  for (const wb of workbenches) {
    const n = ++currentTest.shots;
    try {
      await screenshot(wb.page, `ui/${slug(currentTest.title)}${n > 1 ? `-${n}` : ''}`);
    } catch (e) {
      console.warn(`    (screenshot failed: ${e instanceof Error ? e.message : e})`);
    }
  }
}

/** Mocha root hooks (this module is loaded with --require): one screenshot per open workbench after
 *  every test, named after the test's full title. */
export const mochaHooks = {
  beforeEach(this: Mocha.Context) {
    currentTest = { title: this.currentTest?.fullTitle() ?? 'test', shots: 0 };
  },
  async afterEach(this: Mocha.Context) {
    await shootAll(open);
    currentTest = undefined;
  },
};
