// UI helpers: the activity bar, views and tree items, context menus, webview frames and the status bar.
import type { FrameLocator, Locator, Page } from 'playwright-core';
import { DEFAULT_TIMEOUT, escapeRegExp, textMatcher } from './workbench-text';

// ---------------------------------------------------------------- activity bar and views

export function activityBarItem(page: Page, title: string): Locator {
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
  // Click the item (li), not its icon: a badge ("1 pending changes") drawn over the icon takes the click.
  if (!await isChecked() || !await page.locator('.part.sidebar').isVisible()) await li.click();
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

/** The CSS selector of a view's pane in the side bar (viewPane's, for code that runs in the page). */
export function viewPaneSelector(viewName: string): string {
  return `.part.sidebar .pane:has(> .pane-header[aria-label="${viewName} Section"])`;
}

let shownTextRecorders = 0;

/**
 * Records, from now on, the text of every element matching `selector` each time the page changes
 * while it shows (toasts and passing states vanish; this keeps them). The reader answers the texts
 * seen, each once, in the order they first showed.
 */
export async function recordShownTexts(page: Page, selector: string): Promise<() => Promise<string[]>> {
  const key = JSON.stringify(`__tesseraShownTexts${++shownTextRecorders}`);
  await page.evaluate(`(() => {
    const seen = (window[${key}] = []);
    const grab = () => document.querySelectorAll(${JSON.stringify(selector)}).forEach((e) => {
      const t = e.textContent || '';
      if (t && e.getClientRects().length && !seen.includes(t)) seen.push(t);
    });
    grab();
    new MutationObserver(grab).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
  })()`);
  return async () => (await page.evaluate(`window[${key}]`)) as string[];
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

/** Clicks a tree item (a double click with `double`; for its context menu see treeItemMenuPick). */
export async function clickTreeItem(page: Page, viewName: string, label: string | RegExp,
  options: { double?: boolean } = {}): Promise<Locator> {
  const row = await treeItem(page, viewName, label);
  if (options.double) await row.dblclick();
  else await row.click();
  return row;
}

/**
 * Runs an entry of a tree item's context menu. Right-clicks the row, and repeats (finding the row
 * again) until the menu that opens is that row's, i.e. shows `menuItem`: a right-click that lands
 * while the tree re-renders is dropped, and one that lands after the rows moved opens another
 * item's (or another view's) menu.
 */
export async function treeItemMenuPick(page: Page, viewName: string, label: string | RegExp, menuItem: string | RegExp): Promise<void> {
  const menu = page.locator('.context-view .monaco-menu');
  const item = menu.locator('.action-item:not(.disabled) .action-label', { hasText: textMatcher(menuItem) });
  for (let attempt = 1; ; attempt++) {
    const row = await treeItem(page, viewName, label);
    await row.scrollIntoViewIfNeeded();
    await row.click({ button: 'right' });
    try {
      await item.first().waitFor({ state: 'visible', timeout: 3_000 });
      // The tree focuses the row whose menu it opens: another row's menu (the rows moved between
      // finding and clicking) may offer the same entry, for another item.
      const focused = viewPane(page, viewName).locator('.monaco-list-row.focused .label-name', { hasText: textMatcher(label) });
      if (await focused.count() === 0) throw new Error(`the menu opened for another row than ${label}`);
      break;
    } catch (err) {
      const shown = (await menu.locator('.action-item .action-label').allTextContents()).filter(Boolean);
      if (attempt >= 3) throw new Error(`the context menu of ${label} in ${viewName} did not offer ${menuItem} after ${attempt} right-clicks (it showed ${JSON.stringify(shown)}): ${(err as Error).message}`);
      await page.keyboard.press('Escape');
      await menu.waitFor({ state: 'hidden' });
    }
  }
  await contextMenuPick(page, menuItem);
}

/** Clicks an inline action (icon) of a tree item, by its title. */
export async function clickTreeItemAction(page: Page, viewName: string, label: string | RegExp, actionTitle: string): Promise<void> {
  const row = await treeItem(page, viewName, label);
  await row.hover();
  await row.locator(`.actions .action-label[aria-label="${actionTitle}"], .actions .action-label[aria-label^="${actionTitle} ("]`).first().click();
}

/**
 * Clicks an action in a view's title bar, by its title. The title toolbar re-renders whenever the
 * view's context keys change, and a click that lands during a re-render is dropped: `until` waits
 * (at most `timeout` ms) for what the action visibly does, and the click is repeated, up to three
 * times, until that happens. Only for actions that are safe to run twice (e.g. Refresh, or one
 * that opens an input).
 */
export async function clickViewAction(page: Page, viewName: string, actionTitle: string,
  options: { until: (timeout: number) => Promise<unknown> }): Promise<void> {
  const attempts = 3;
  for (let attempt = 1; ; attempt++) {
    const pane = await expandView(page, viewName);
    await pane.hover();
    const inPane = pane.locator(`.pane-header .actions .action-label[aria-label="${actionTitle}"], .pane-header .actions .action-label[aria-label^="${actionTitle} ("]`);
    // A container with a single view shows that view's actions in the side bar's title.
    const inTitle = page.locator(`.part.sidebar .composite.title .action-label[aria-label="${actionTitle}"], .part.sidebar .composite.title .action-label[aria-label^="${actionTitle} ("]`);
    const action = inPane.or(inTitle).first();
    await action.waitFor({ state: 'visible' });
    await action.hover();
    await action.click();
    try {
      await options.until(attempt < attempts ? 6_000 : DEFAULT_TIMEOUT);
      return;
    } catch (err) {
      if (attempt >= attempts) throw err;
    }
  }
}

/** Picks an entry of the open context menu. */
async function contextMenuPick(page: Page, label: string | RegExp): Promise<void> {
  const menu = page.locator('.context-view .monaco-menu');
  const item = menu.locator('.action-item:not(.disabled) .action-label', { hasText: textMatcher(label) }).first();
  try {
    await item.waitFor();
  } catch {
    const items = await menu.locator('.action-item .action-label').allTextContents();
    throw new Error(`context menu has no enabled item ${label}; it shows: ${JSON.stringify(items.filter(Boolean))}`);
  }
  // A click that lands while the menu is still settling is dropped by the workbench, so a menu
  // still showing after a while gets the click again. Never a key press: on a busy machine the
  // first click may run late, and a key would then land on whatever the item opened (a modal
  // dialog's default button). Playwright clicks only where the item itself receives the click.
  for (let attempt = 1; ; attempt++) {
    const timeout = attempt === 1 ? DEFAULT_TIMEOUT : 5_000;
    try {
      await item.hover({ timeout }); // focuses the item
      await item.click({ timeout });
    } catch (err) {
      if (attempt === 1) throw err; // (later, the menu may have closed meanwhile: checked below)
    }
    if (await menu.waitFor({ state: 'hidden', timeout: 5_000 }).then(() => true, () => false)) return;
    if (attempt >= 3) throw new Error(`the context menu item ${label} did not run after ${attempt} clicks`);
  }
}


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
