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
import type { Browser, BrowserContext, FrameLocator, Locator, Page } from 'playwright-core';
import * as host from '../harness/code-server';

export { HarnessError } from '../harness/code-server';

const DEFAULT_TIMEOUT = 20_000;

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
  const embeddedPort = await host.freePort();
  const profile = host.makeProfile(path.join(root, 'profile'), { 'tessera.embeddedPort': embeddedPort, ...options.settings });
  const vsix = options.vsix === false ? undefined : options.vsix ?? defaultVsix();
  const folder = options.folder ?? host.makeGitWorkspace(path.join(root, 'workspace'));
  const workDir = path.join(root, 'work'); // the extension host's TESSERA_TEST_WORKDIR
  fs.mkdirSync(workDir);
  let server: host.RunningServer | undefined;
  let browserReady: Promise<Browser> | undefined;
  const cleanup = async () => {
    try { await (await browserReady)?.close(); } catch { /* never launched, or gone */ }
    await server?.stop();
    keepExtensionHostLogs(profile.userDataDir, path.join(host.TEST_RESULTS, 'ui', 'logs', path.basename(root)));
    fs.rmSync(root, { recursive: true, force: true });
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
  await page.goto(url);
  await page.locator('.monaco-workbench .part.activitybar').waitFor({ timeout: 60_000 });
  await page.locator('.monaco-workbench .part.statusbar').waitFor({ timeout: 60_000 });
  if (withTessera) await activityBarItem(page, 'Tessera').waitFor({ timeout: 60_000 });
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Exact text (a string) or a pattern. */
function textMatcher(text: string | RegExp): RegExp {
  return typeof text === 'string' ? new RegExp(`^\\s*${escapeRegExp(text)}\\s*$`) : text;
}

/** A file-name-safe form of a test title. */
export function slug(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 150) || 'screenshot';
}

/** Saves a PNG of the page to test-results/<name>.png and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  const file = path.join(host.TEST_RESULTS, `${name.split('/').map(slug).join('/')}.png`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  await page.screenshot({ path: file });
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

// ---------------------------------------------------------------- activity bar and views

function activityBarItem(page: Page, title: string): Locator {
  // aria-label is the title, or "Title (Keybinding)" for the built-in containers.
  return page.locator(`.part.activitybar .action-item a.action-label[aria-label="${title}"], ` +
    `.part.activitybar .action-item a.action-label[aria-label^="${title} ("]`).first();
}

/** Opens a view container from the activity bar (no-op when it is already showing). */
export async function openViewContainer(page: Page, title: string): Promise<void> {
  const item = activityBarItem(page, title);
  await item.waitFor();
  const li = item.locator('xpath=ancestor::li[contains(concat(" ", @class, " "), " action-item ")][1]');
  const isChecked = async () => / checked /.test(` ${await li.getAttribute('class')} `);
  if (!await isChecked() || !await page.locator('.part.sidebar').isVisible()) await item.click();
  await page.locator('.part.sidebar').waitFor({ state: 'visible' });
  const deadline = Date.now() + DEFAULT_TIMEOUT;
  while (!await isChecked()) {
    if (Date.now() > deadline) throw new Error(`view container ${title} did not open`);
    await page.waitForTimeout(100);
  }
}

/** The pane of a view in the side bar, by its name (e.g. 'Tokens'). */
export function viewPane(page: Page, viewName: string): Locator {
  return page.locator('.part.sidebar .pane').filter({ has: page.locator(`.pane-header[aria-label="${viewName} Section"]`) });
}

/** Names of the views shown in the side bar, top to bottom. */
export async function visibleViews(page: Page): Promise<string[]> {
  const headers = await page.locator('.part.sidebar .pane > .pane-header').all();
  const names: string[] = [];
  for (const h of headers) {
    const label = await h.getAttribute('aria-label');
    if (label && await h.locator('xpath=..').isVisible()) names.push(label.replace(/ Section$/, ''));
  }
  return names;
}

async function expandView(page: Page, viewName: string): Promise<Locator> {
  const pane = viewPane(page, viewName);
  await pane.waitFor();
  const header = pane.locator('> .pane-header');
  if (await header.getAttribute('aria-expanded') === 'false') await header.click();
  return pane;
}

/** The row of a tree item in a view (visible rows only: expand parents first). */
export async function treeItem(page: Page, viewName: string, label: string | RegExp, timeout = DEFAULT_TIMEOUT): Promise<Locator> {
  const pane = await expandView(page, viewName);
  const row = pane.locator('.monaco-list-row').filter({ has: page.locator('.label-name', { hasText: textMatcher(label) }) }).first();
  try {
    await row.waitFor({ timeout });
  } catch {
    const labels = await pane.locator('.monaco-list-row .label-name').allTextContents();
    throw new Error(`tree item ${label} not found in view ${viewName}; visible items: ${JSON.stringify(labels)}`);
  }
  return row;
}

/** Clicks a tree item (a right click opens its context menu; see contextMenuPick). */
export async function clickTreeItem(page: Page, viewName: string, label: string | RegExp,
  options: { button?: 'left' | 'right'; double?: boolean } = {}): Promise<Locator> {
  const row = await treeItem(page, viewName, label);
  if (options.double) await row.dblclick();
  else if (options.button === 'right') await openContextMenu(page, row);
  else await row.click();
  return row;
}

/**
 * Right-clicks until the context menu shows (a click that lands while the tree re-renders, e.g.
 * right after a refresh, is dropped by the workbench).
 */
async function openContextMenu(page: Page, row: Locator): Promise<void> {
  const menu = page.locator('.context-view .monaco-menu');
  for (let attempt = 1; ; attempt++) {
    await row.click({ button: 'right' });
    try {
      await menu.waitFor({ state: 'visible', timeout: 3_000 });
      return;
    } catch (err) {
      if (attempt >= 3) throw new Error(`no context menu opened on a tree item after ${attempt} right-clicks: ${(err as Error).message}`);
      await page.keyboard.press('Escape');
      await page.waitForTimeout(300);
    }
  }
}

/** Clicks an inline action (icon) of a tree item, by its title. */
export async function clickTreeItemAction(page: Page, viewName: string, label: string | RegExp, actionTitle: string): Promise<void> {
  const row = await treeItem(page, viewName, label);
  await row.hover();
  await row.locator(`.actions .action-label[aria-label="${actionTitle}"], .actions .action-label[aria-label^="${actionTitle} ("]`).first().click();
}

/**
 * Clicks an action in a view's title bar, by its title. The title toolbar re-renders whenever the
 * view's context keys change, and a click that lands during a re-render is dropped: give `until`
 * (what the action visibly does, waited for at most `timeout` ms) and the click is repeated, up to
 * three times, until that happens. Only for actions that are safe to run twice (e.g. Refresh).
 */
export async function clickViewAction(page: Page, viewName: string, actionTitle: string,
  options: { until?: (timeout: number) => Promise<unknown> } = {}): Promise<void> {
  const attempts = options.until ? 3 : 1;
  for (let attempt = 1; ; attempt++) {
    const pane = await expandView(page, viewName);
    await pane.hover();
    const inPane = pane.locator(`.pane-header .actions .action-label[aria-label="${actionTitle}"], .pane-header .actions .action-label[aria-label^="${actionTitle} ("]`);
    // A container with a single view shows that view's actions in the side bar's title.
    const inTitle = page.locator(`.part.sidebar .composite.title .action-label[aria-label="${actionTitle}"], .part.sidebar .composite.title .action-label[aria-label^="${actionTitle} ("]`);
    const action = inPane.or(inTitle).first();
    await action.waitFor({ state: 'visible' });
    // Let the title bar's toolbar settle (it re-renders when the view's context keys change).
    await page.waitForTimeout(300);
    await action.hover();
    await action.click();
    if (!options.until) return;
    try {
      await options.until(attempt < attempts ? 6_000 : DEFAULT_TIMEOUT);
      return;
    } catch (err) {
      if (attempt >= attempts) throw err;
    }
  }
}

/** Picks an entry of the open context menu. */
export async function contextMenuPick(page: Page, label: string | RegExp): Promise<void> {
  const menu = page.locator('.context-view .monaco-menu');
  const item = menu.locator('.action-item:not(.disabled) .action-label', { hasText: textMatcher(label) }).first();
  try {
    await item.waitFor();
  } catch {
    const items = await menu.locator('.action-item .action-label').allTextContents();
    throw new Error(`context menu has no enabled item ${label}; it shows: ${JSON.stringify(items.filter(Boolean))}`);
  }
  await item.hover(); // focuses the item
  await item.click();
  // A click that lands while the menu is still settling is dropped by the workbench: Enter runs the
  // focused item instead.
  try {
    await menu.waitFor({ state: 'hidden', timeout: 1_000 });
  } catch {
    await item.hover();
    await page.keyboard.press('Enter');
    await menu.waitFor({ state: 'hidden' });
  }
}

// ---------------------------------------------------------------- command palette and quick input

const quickInput = (page: Page) => page.locator('.quick-input-widget');
/** The label of a quick input row (not its description or detail line). */
const QUICK_LABEL = '.quick-input-list-rows > .quick-input-list-row:first-child .label-name';
const quickInputBox = (page: Page) => page.locator('.quick-input-widget .quick-input-box input');

/** Runs a command from the command palette by its full title ('Tessera: Sign In'). */
export async function runCommand(page: Page, title: string): Promise<void> {
  await quickInputCancelIfOpen(page);
  await page.keyboard.press('F1');
  if (!await quickInput(page).isVisible().catch(() => false)) {
    try {
      await quickInput(page).waitFor({ state: 'visible', timeout: 2_000 });
    } catch {
      // Focus may be inside a webview/iframe: give it back to the workbench and use the other binding.
      await page.evaluate('document.activeElement && document.activeElement.blur && document.activeElement.blur()');
      await page.keyboard.press('Control+Shift+P');
      await quickInput(page).waitFor({ state: 'visible' });
    }
  }
  await quickInputBox(page).fill(`>${title}`);
  const row = page.locator('.quick-input-widget .quick-input-list .monaco-list-row')
    .filter({ has: page.locator(QUICK_LABEL, { hasText: textMatcher(title) }) }).first();
  try {
    await row.waitFor({ timeout: 10_000 });
  } catch {
    const shown = await page.locator(`.quick-input-widget .quick-input-list .monaco-list-row ${QUICK_LABEL}`).allTextContents();
    await page.keyboard.press('Escape');
    throw new Error(`command "${title}" is not in the command palette (is the extension active and the command's "when" true?); it shows: ${JSON.stringify(shown)}`);
  }
  await row.click();
}

async function quickInputCancelIfOpen(page: Page): Promise<void> {
  if (await quickInput(page).isVisible()) await closeQuickInput(page);
}

/** Escape in the quick input's own box (focus may be elsewhere, e.g. inside a webview). */
async function closeQuickInput(page: Page): Promise<void> {
  for (let attempt = 0; attempt < 3; attempt++) {
    if (await quickInputBox(page).isVisible()) await quickInputBox(page).press('Escape').catch(() => undefined);
    else await page.keyboard.press('Escape');
    try {
      await quickInput(page).waitFor({ state: 'hidden', timeout: 2_000 });
      return;
    } catch { /* try again */ }
  }
  const text = (await quickInput(page).innerText().catch(() => '')).replace(/\s+/g, ' ').slice(0, 300);
  throw new Error(`the quick input does not close on Escape; it shows: ${JSON.stringify(text)}`);
}

/** Waits for a quick input (input box or pick) to be showing; `prompt` waits for its title/prompt text. */
export async function waitForQuickInput(page: Page, prompt?: string | RegExp, timeout = DEFAULT_TIMEOUT): Promise<Locator> {
  const widget = quickInput(page);
  await widget.waitFor({ state: 'visible', timeout });
  if (prompt !== undefined) {
    const re = typeof prompt === 'string' ? new RegExp(escapeRegExp(prompt)) : prompt;
    const deadline = Date.now() + timeout;
    for (;;) {
      const text = [
        await quickInputBox(page).getAttribute('placeholder').catch(() => ''),
        await quickInputBox(page).getAttribute('aria-label').catch(() => ''),
        await widget.locator('.quick-input-title').textContent().catch(() => ''),
        await widget.locator('.quick-input-message').textContent().catch(() => ''),
      ].join('\n');
      if (re.test(text)) break;
      if (Date.now() > deadline) throw new Error(`quick input with prompt ${re} did not show; it shows: ${JSON.stringify(text)}`);
      await page.waitForTimeout(100);
    }
  }
  return widget;
}

/** Types into the showing input box (showInputBox / createInputBox) and presses Enter. */
export async function quickInputType(page: Page, text: string, options: { prompt?: string | RegExp; submit?: boolean } = {}): Promise<void> {
  await waitForQuickInput(page, options.prompt);
  const box = quickInputBox(page);
  await box.fill(text);
  if (options.submit === false) return;
  await box.press('Enter');
  // Accepted: the widget closes or moves on to the next input (value reset). A validation error
  // keeps it as it is (read it with quickInputMessage).
  const deadline = Date.now() + 1_500;
  while (Date.now() < deadline) {
    if (!await quickInput(page).isVisible()) break;
    if (await box.inputValue().catch(() => '') !== text) break;
    await page.waitForTimeout(50);
  }
}

/** Whether the showing input box masks its text (password: true). */
export async function quickInputIsPassword(page: Page): Promise<boolean> {
  await waitForQuickInput(page);
  return (await quickInputBox(page).getAttribute('type')) === 'password';
}

/** The showing quick input's message (prompt or validation error). */
export async function quickInputMessage(page: Page): Promise<string> {
  await waitForQuickInput(page);
  return ((await quickInput(page).locator('.quick-input-message').textContent()) ?? '').trim();
}

/** Labels of the items the showing quick pick lists. */
export async function quickInputItems(page: Page): Promise<string[]> {
  await waitForQuickInput(page);
  await page.locator('.quick-input-widget .quick-input-list .monaco-list-row').first().waitFor().catch(() => undefined);
  return (await page.locator(`.quick-input-widget .quick-input-list .monaco-list-row ${QUICK_LABEL}`).allTextContents()).map((s) => s.trim());
}

/** Picks an item of the showing quick pick by its label (exact string or pattern). In a
 *  multi-select pick this toggles the item; finish with quickInputAccept. */
export async function quickInputPick(page: Page, label: string | RegExp, options: { prompt?: string | RegExp } = {}): Promise<void> {
  await waitForQuickInput(page, options.prompt);
  const row = page.locator('.quick-input-widget .quick-input-list .monaco-list-row')
    .filter({ has: page.locator(QUICK_LABEL, { hasText: textMatcher(label) }) }).first();
  try {
    await row.waitFor({ timeout: 10_000 });
  } catch {
    throw new Error(`quick pick item ${label} not found; it shows: ${JSON.stringify(await quickInputItems(page))}`);
  }
  await row.click();
}

/** Accepts the showing quick input (Enter / OK). */
export async function quickInputAccept(page: Page): Promise<void> {
  await waitForQuickInput(page);
  await quickInputBox(page).press('Enter');
}

/** Cancels the showing quick input (Escape) and waits for it to close. */
export async function quickInputCancel(page: Page): Promise<void> {
  await waitForQuickInput(page);
  await closeQuickInput(page);
}

// ---------------------------------------------------------------- notifications and dialogs

/** Waits for a notification whose message matches and returns it (its buttons are
 *  `getByRole('button', { name })`). Looks in the toasts, then in the notification center. */
export async function waitForNotification(page: Page, text: RegExp | string, timeout = DEFAULT_TIMEOUT): Promise<Locator> {
  const re = typeof text === 'string' ? new RegExp(escapeRegExp(text)) : text;
  const toast = page.locator('.notifications-toasts .notification-list-item')
    .filter({ has: page.locator('.notification-list-item-message', { hasText: re }) }).first();
  try {
    await toast.waitFor({ state: 'visible', timeout });
    return toast;
  } catch {
    // Toasts hide after a while; the notification center keeps them.
    await page.locator('.part.statusbar [id="status.notifications"] a, .part.statusbar [id="status.notifications"]').first().click().catch(() => undefined);
    const inCenter = page.locator('.notifications-center .notification-list-item')
      .filter({ has: page.locator('.notification-list-item-message', { hasText: re }) }).first();
    // (isVisible does not wait: the center renders after the click, so wait for it.)
    if (await inCenter.waitFor({ state: 'visible', timeout: 3_000 }).then(() => true, () => false)) return inCenter;
    const shown = await page.locator('.notification-list-item-message').allTextContents();
    throw new Error(`no notification matching ${re} within ${timeout} ms; notifications: ${JSON.stringify(shown)}`);
  }
}

/** Clears all notifications (toasts and center). */
export async function clearNotifications(page: Page): Promise<void> {
  await runCommand(page, 'Notifications: Clear All Notifications');
}

/** Waits for a modal dialog (optionally one whose text matches) and returns it. */
export async function waitForDialog(page: Page, text?: RegExp | string, timeout = DEFAULT_TIMEOUT): Promise<Locator> {
  let dialog = page.locator('.monaco-dialog-box');
  if (text !== undefined) dialog = dialog.filter({ hasText: typeof text === 'string' ? new RegExp(escapeRegExp(text)) : text });
  await dialog.first().waitFor({ state: 'visible', timeout });
  return dialog.first();
}

/** Clicks a button of the showing modal dialog (e.g. 'Allow') and waits for the dialog to close. */
export async function clickDialogButton(page: Page, label: string | RegExp, timeout = DEFAULT_TIMEOUT): Promise<void> {
  const dialog = await waitForDialog(page, undefined, timeout);
  const button = dialog.locator('.dialog-buttons a.monaco-button', { hasText: textMatcher(label) }).first();
  try {
    await button.waitFor({ timeout: 5_000 });
  } catch {
    const buttons = await dialog.locator('.dialog-buttons a.monaco-button').allTextContents();
    throw new Error(`dialog has no button ${label}; buttons: ${JSON.stringify(buttons)}; text: ${JSON.stringify(await dialog.textContent())}`);
  }
  await button.click();
  await page.locator('.monaco-dialog-box').waitFor({ state: 'hidden' });
}

// ---------------------------------------------------------------- webviews

/** The content of a webview (panel or view) by its title: VS Code nests each webview in two
 *  iframes (an outer host frame and an inner `#active-frame` carrying the title). Prefers the visible
 *  one when several share the title. Use it like a page: `frame.locator('button', { hasText: 'Create' })`. */
export async function webviewFrame(page: Page, title: string, timeout = DEFAULT_TIMEOUT): Promise<FrameLocator> {
  const outer = page.locator('iframe.webview.ready');
  const deadline = Date.now() + timeout;
  for (;;) {
    const n = await outer.count();
    let fallback: FrameLocator | undefined;
    for (let i = n - 1; i >= 0; i--) {
      const hostFrame = outer.nth(i);
      const inner = hostFrame.contentFrame().locator(`iframe#active-frame[title="${title.replace(/"/g, '\\"')}"]`);
      if (await inner.count() === 0) continue;
      const frame = hostFrame.contentFrame().frameLocator('iframe#active-frame');
      if (await hostFrame.isVisible()) {
        await frame.locator('body').waitFor({ timeout: Math.max(1_000, deadline - Date.now()) });
        return frame;
      }
      fallback ??= frame;
    }
    if (fallback) return fallback;
    if (Date.now() > deadline) {
      const titles: string[] = [];
      for (let i = 0; i < n; i++) titles.push(...await outer.nth(i).contentFrame().locator('iframe#active-frame').evaluateAll((els) => els.map((e) => String((e as unknown as { title: string }).title))));
      throw new Error(`no webview titled "${title}" within ${timeout} ms; open webviews: ${JSON.stringify(titles)}`);
    }
    await page.waitForTimeout(200);
  }
}

// ---------------------------------------------------------------- misc

/** Waits for a status bar entry whose text matches and returns it. */
export async function waitForStatusBarItem(page: Page, text: RegExp | string, timeout = DEFAULT_TIMEOUT): Promise<Locator> {
  const item = page.locator('.part.statusbar .statusbar-item', { hasText: typeof text === 'string' ? new RegExp(escapeRegExp(text)) : text }).first();
  await item.waitFor({ state: 'visible', timeout });
  return item;
}
